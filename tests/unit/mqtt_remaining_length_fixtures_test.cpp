// The remaining length [MQTT-1.5.5, 3.1.1 §2.2.3]: 1 to 4 bytes of 7 bits,
// at most 268,435,455, minimally encoded. Each boundary where the encoding
// grows, the largest value, a fifth byte, and encodings longer than needed.
// Bodies are zero bytes (body_filler); the large ones are skipped by the
// packet limit, and the good packet after them proves their length was exact.
// A remaining length of 0 is in every PINGREQ, PINGRESP and short DISCONNECT fixture.
#include <catch2/catch.hpp>

#include <algorithm>

#include "mqtt_fixture_tables.hpp"

using namespace mqscan;
using namespace mqscan::test;

namespace {

using enum mqtt::PacketType;
using enum mqtt::Version;
using enum Direction;
using mqtt::Packet;

const std::size_t kPayloadCap = mqtt::MqttSettings{}.payload_cap;

// A PUBLISH QoS 0 to topic "t" whose payload is zero bytes: as decoded, the
// payload is cut at the cap and its length stays exact.
Packet publish_of_zeros(std::uint32_t remaining_length) {
    const std::uint32_t payload_length = remaining_length - 3;
    return {.type = Publish, .remaining_length = remaining_length, .topic = "t",
            .payload = std::string(std::min<std::size_t>(payload_length, kPayloadCap), '\0'),
            .payload_length = payload_length};
}

const std::vector<Fixture> kFixtures = {
    {.name = "remaining length 0 where the body cannot be empty",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30, 0x00},  // PUBLISH, remaining length 0: no room for the topic length
     .expected = Packet{.type = Publish},
     .anomalies = {AnomalyId::MqttFieldPastEnd},
     .malformed = true},

    {.name = "remaining length 127, the largest in one byte",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30,              // PUBLISH, QoS 0
               0x7f,              // remaining length 127
               0x00, 0x01, 't'},  // topic name, then 124 bytes of payload
     .expected = publish_of_zeros(127),
     .body_filler = 124},

    {.name = "remaining length 128, the smallest in two bytes",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30,              // PUBLISH, QoS 0
               0x80, 0x01,        // remaining length 0 + 1 * 128
               0x00, 0x01, 't'},  // topic name, then 125 bytes of payload
     .expected = publish_of_zeros(128),
     .body_filler = 125},

    {.name = "remaining length 16383, the largest in two bytes",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30,              // PUBLISH, QoS 0
               0xff, 0x7f,        // remaining length 127 + 127 * 128
               0x00, 0x01, 't'},  // topic name, then 16380 bytes of payload
     .expected = publish_of_zeros(16383),
     .body_filler = 16380},

    {.name = "remaining length 16384, the smallest in three bytes",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30,              // PUBLISH, QoS 0
               0x80, 0x80, 0x01,  // remaining length 0 + 0 * 128 + 1 * 16384
               0x00, 0x01, 't'},  // topic name, then 16381 bytes of payload
     .expected = publish_of_zeros(16384),
     .body_filler = 16381},

    {.name = "remaining length 2097151, the largest in three bytes, at the packet limit",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30,              // PUBLISH, QoS 0
               0xff, 0xff, 0x7f,  // remaining length 127 + 127 * 128 + 127 * 16384
               0x00, 0x01, 't'},  // topic name, then 2097148 bytes of payload
     .expected = publish_of_zeros(2'097'151),
     .body_filler = 2'097'148,
     .max_packet = 2'097'151},  // a packet as long as the limit is decoded

    {.name = "remaining length 2097152, the smallest in four bytes, over the packet limit",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30,                    // PUBLISH, QoS 0
               0x80, 0x80, 0x80, 0x01},  // remaining length 1 * 2097152, then the body
     .anomalies = {AnomalyId::MqttPacketTooLarge},
     .body_filler = 2'097'152,
     .max_packet = 2'097'151},

    {.name = "remaining length 268435455, the largest there is [MQTT-1.5.5]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30,                    // PUBLISH, QoS 0
               0xff, 0xff, 0xff, 0x7f},  // remaining length 268,435,455, then the body
     .anomalies = {AnomalyId::MqttPacketTooLarge},  // over the default limit of 1 MiB
     .body_filler = 268'435'455},

    // Sync is lost: decoding resumes at the next plausible packet, the good one.
    {.name = "a remaining length of five bytes",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30,                           // PUBLISH
               0xff, 0xff, 0xff, 0xff, 0x01},  // the fourth byte still says "more follows"
     .anomalies = {AnomalyId::MqttRemainingLengthTooLong, AnomalyId::MqttResync}},

    {.name = "remaining length 0 in two bytes [MQTT-1.5.5-1]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0xc0,          // PINGREQ
               0x80, 0x00},   // remaining length 0, not minimal
     .expected = Packet{.type = Pingreq},
     .anomalies = {AnomalyId::MqttRemainingLengthOverlong}},

    {.name = "remaining length 0 in four bytes [MQTT-1.5.5-1]",
     .version = V5,
     .dir = ToClient,
     .bytes = {0xd0,                      // PINGRESP
               0x80, 0x80, 0x80, 0x00},   // remaining length 0, not minimal
     .expected = Packet{.type = Pingresp},
     .anomalies = {AnomalyId::MqttRemainingLengthOverlong}},

    {.name = "remaining length 5 in two bytes [MQTT-1.5.5-1]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30,              // PUBLISH, QoS 0
               0x85, 0x00,        // remaining length 5, not minimal
               0x00, 0x01, 't',   // topic name
               'h', 'i'},         // payload
     .expected = Packet{.type = Publish, .remaining_length = 5, .topic = "t", .payload = "hi",
                        .payload_length = 2},
     .anomalies = {AnomalyId::MqttRemainingLengthOverlong}},

    {.name = "remaining length 127 in three bytes [MQTT-1.5.5-1]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30,              // PUBLISH, QoS 0
               0xff, 0x80, 0x00,  // remaining length 127, not minimal
               0x00, 0x01, 't'},  // topic name, then 124 bytes of payload
     .expected = publish_of_zeros(127),
     .anomalies = {AnomalyId::MqttRemainingLengthOverlong},
     .body_filler = 124},
};

}  // namespace

const std::vector<Fixture>& mqscan::test::remaining_length_fixtures() { return kFixtures; }

TEST_CASE("Remaining lengths at every boundary frame exactly, whatever the chunking",
          "[mqtt][fixture][remaining_length]") {
    check_fixture(GENERATE(from_range(remaining_length_fixtures())));
}
