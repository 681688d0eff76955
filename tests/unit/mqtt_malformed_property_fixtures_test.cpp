// Malformed MQTT 5.0 properties: unknown, repeated, out of place, longer than
// the packet, a string that is not UTF-8, a variable byte integer not minimal.
#include <catch2/catch.hpp>

#include "mqtt_fixture_tables.hpp"

using namespace mqscan;
using namespace mqscan::test;

namespace {

using enum mqtt::PacketType;
using enum mqtt::Version;
using enum Direction;
using mqtt::Packet;
using mqtt::Subscription;

const std::vector<Fixture> kFixtures = {
    // mqtt.property.unknown: the rest of the packet cannot be read [2.2.2.2].
    {.name = "property identifier 4, which the specification does not define",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x09,                 // PUBLISH, remaining length 9
               0x00, 0x03, 'a', '/', 'b',  // topic name
               0x02,                       // property length 2
               0x04, 0x00,                 // identifier 4: unassigned
               'p'},                       // payload, unreachable
     .expected = Packet{.type = Publish, .remaining_length = 9, .topic = "a/b"},
     .anomalies = {AnomalyId::MqttPropertyUnknown},
     .malformed = true},

    // mqtt.property.duplicate
    {.name = "session expiry interval twice in CONNECT [3.1.2.11.2]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x17,                      // CONNECT, remaining length 23
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x05,                            // protocol version 5
               0x02,                            // flags: clean start
               0x00, 0x3c,                      // keep alive 60 s
               0x0a,                            // property length 10
               0x11, 0x00, 0x00, 0x00, 0x0a,    // session expiry interval 10 s
               0x11, 0x00, 0x00, 0x00, 0x14,    // session expiry interval 20 s: a protocol error
               0x00, 0x00},                     // client identifier ""
     .expected = Packet{.type = Connect, .remaining_length = 23,
                        .properties = {four_byte_property(17, 10), four_byte_property(17, 20)},
                        .protocol_name = "MQTT", .protocol_level = 5, .connect_flags = 0x02, .keepalive = 60},
     .anomalies = {AnomalyId::MqttPropertyDuplicate},
     .after_connect = false},

    {.name = "subscription identifier twice in SUBSCRIBE [3.8.2.1.2]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x82, 0x0b,              // SUBSCRIBE, remaining length 11
               0x00, 0x01,              // packet identifier 1
               0x04,                    // property length 4
               0x0b, 0x01,              // subscription identifier 1
               0x0b, 0x02,              // subscription identifier 2: once only in SUBSCRIBE
               0x00, 0x01, 'a',         // topic filter "a"
               0x00},                   // options: QoS 0
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 11, .packet_id = 1,
                        .properties = {varint_property(11, 1), varint_property(11, 2)},
                        .subscriptions = {Subscription{.filter = "a", .qos = 0, .options = 0}}},
     .anomalies = {AnomalyId::MqttPropertyDuplicate}},

    // mqtt.property.not_allowed
    {.name = "will delay interval among the CONNECT properties, not the will's [2.2.2.2, Table 2-4]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x12,                      // CONNECT, remaining length 18
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x05,                            // protocol version 5
               0x02,                            // flags: clean start, no will
               0x00, 0x3c,                      // keep alive 60 s
               0x05,                            // property length 5
               0x18, 0x00, 0x00, 0x00, 0x3c,    // will delay interval 60 s: will properties only
               0x00, 0x00},                     // client identifier ""
     .expected = Packet{.type = Connect, .remaining_length = 18, .properties = {four_byte_property(24, 60)},
                        .protocol_name = "MQTT", .protocol_level = 5, .connect_flags = 0x02, .keepalive = 60},
     .anomalies = {AnomalyId::MqttPropertyNotAllowed},
     .after_connect = false},

    {.name = "topic alias in CONNACK [2.2.2.2, Table 2-4]",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x06,         // CONNACK, remaining length 6
               0x00,               // acknowledge flags
               0x00,               // reason code: success
               0x03,               // property length 3
               0x23, 0x00, 0x01},  // topic alias 1: PUBLISH only
     .expected = Packet{.type = Connack, .remaining_length = 6, .properties = {two_byte_property(35, 1)},
                        .reason_code = 0},
     .anomalies = {AnomalyId::MqttPropertyNotAllowed}},

    // mqtt.property.length_past_end
    {.name = "SUBACK property length past the end of the packet",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x90, 0x04,  // SUBACK, remaining length 4
               0x00, 0x01,  // packet identifier 1
               0x05,        // property length 5, but 1 byte is left
               0x00},       // reason code 0
     .expected = Packet{.type = Suback, .remaining_length = 4, .packet_id = 1},
     .anomalies = {AnomalyId::MqttPropertyLengthPastEnd},
     .malformed = true},

    // mqtt.field.past_end inside the properties
    {.name = "user property without its value",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x0b,              // PUBLISH, remaining length 11
               0x00, 0x03, 'a', '/', 'b',  // topic name
               0x04,                    // property length 4
               0x26, 0x00, 0x01, 'k',   // user property: a name, and the properties end
               'p'},                    // payload, unreachable
     .expected = Packet{.type = Publish, .remaining_length = 11, .topic = "a/b"},
     .anomalies = {AnomalyId::MqttFieldPastEnd},
     .malformed = true},

    // mqtt.string.invalid_utf8 and mqtt.string.null_character in property strings
    {.name = "content type that is not UTF-8 [MQTT-1.5.4-1]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x0b,                 // PUBLISH, remaining length 11
               0x00, 0x03, 'a', '/', 'b',  // topic name
               0x04,                       // property length 4
               0x03, 0x00, 0x01, 0xff,     // content type: the byte 0xff never occurs in UTF-8
               'p'},                       // payload
     .expected = Packet{.type = Publish, .remaining_length = 11, .properties = {utf8_property(3, "\xff")},
                        .topic = "a/b", .payload = "p", .payload_length = 1},
     .anomalies = {AnomalyId::MqttStringInvalidUtf8}},

    {.name = "user property name with U+0000 [MQTT-1.5.4-2]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x0f,                   // PUBLISH, remaining length 15
               0x00, 0x03, 'a', '/', 'b',    // topic name
               0x08,                         // property length 8
               0x26, 0x00, 0x02, 'k', 0x00,  // user property name "k\0"
               0x00, 0x01, 'v',              // user property value
               'p'},                         // payload
     .expected = Packet{.type = Publish, .remaining_length = 15,
                        .properties = {user_property(std::string("k\0", 2), "v")}, .topic = "a/b",
                        .payload = "p", .payload_length = 1},
     .anomalies = {AnomalyId::MqttStringNullChar}},

    // mqtt.remaining_length.overlong names every variable byte integer [MQTT-1.5.5-1].
    {.name = "property length 0 in two bytes [MQTT-1.5.5-1]",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x04,   // CONNACK, remaining length 4
               0x00,         // acknowledge flags
               0x00,         // reason code: success
               0x80, 0x00},  // property length 0, not minimally encoded
     .expected = Packet{.type = Connack, .remaining_length = 4, .reason_code = 0},
     .anomalies = {AnomalyId::MqttRemainingLengthOverlong}},
};

}  // namespace

const std::vector<Fixture>& mqscan::test::malformed_property_fixtures() { return kFixtures; }

TEST_CASE("Malformed properties are named and cost only their packet, whatever the chunking",
          "[mqtt][fixture][malformed][property]") {
    check_fixture(GENERATE(from_range(malformed_property_fixtures())));
}
