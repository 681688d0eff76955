// What is wrong for the connection rather than inside one field: the CONNECT
// (protocol, flags, missing, repeated), packets sent the wrong way, topic aliases.
#include <catch2/catch.hpp>

#include "mqtt_fixture_tables.hpp"

using namespace mqscan;
using namespace mqscan::test;

namespace {

using enum mqtt::PacketType;
using enum mqtt::Version;
using enum Direction;
using mqtt::Packet;
using mqtt::Will;

// A 3.1.1 CONNECT with these flags, a client identifier "" and then `rest`.
std::vector<std::uint8_t> connect_v311(std::uint8_t remaining_length, std::uint8_t flags,
                                       std::initializer_list<std::uint8_t> rest) {
    std::vector<std::uint8_t> bytes = {0x10, remaining_length,          // CONNECT, remaining length
                                       0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
                                       0x04,                            // protocol level 4
                                       flags,                           // connect flags
                                       0x00, 0x3c,                      // keep alive 60 s
                                       0x00, 0x00};                     // client identifier ""
    bytes.insert(bytes.end(), rest);
    return bytes;
}

Packet connect_v311_packet(std::uint32_t remaining_length, std::uint8_t flags) {
    return {.type = Connect, .remaining_length = remaining_length, .protocol_name = "MQTT",
            .protocol_level = 4, .connect_flags = flags, .keepalive = 60};
}

const std::vector<Fixture> kFixtures = {
    // mqtt.connect.protocol_unknown
    {.name = "CONNECT of an unknown protocol level, 6 [MQTT-3.1.2-2]",
     .version = V311,  // the dissector's default version stays: no known level was announced
     .dir = ToServer,
     .bytes = {0x10, 0x0c,                      // CONNECT, remaining length 12
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x06,                            // protocol level 6: no such version
               0x02,                            // flags: clean session
               0x00, 0x3c,                      // keep alive 60 s
               0x00, 0x00},                     // client identifier "" (no properties before 5.0)
     .expected = Packet{.type = Connect, .remaining_length = 12, .protocol_name = "MQTT", .protocol_level = 6,
                        .connect_flags = 0x02, .keepalive = 60},
     .anomalies = {AnomalyId::MqttProtocolNameUnknown},
     .after_connect = false},

    {.name = "CONNECT with 3.1's protocol name and 3.1.1's level",
     .version = V311,  // the level decides the version
     .dir = ToServer,
     .bytes = {0x10, 0x0e,                                // CONNECT, remaining length 14
               0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',  // protocol name of 3.1
               0x04,                                      // protocol level 4, of 3.1.1 [MQTT-3.1.2-1]
               0x02,                                      // flags: clean session
               0x00, 0x3c,                                // keep alive 60 s
               0x00, 0x00},                               // client identifier ""
     .expected = Packet{.type = Connect, .remaining_length = 14, .protocol_name = "MQIsdp",
                        .protocol_level = 4, .connect_flags = 0x02, .keepalive = 60},
     .anomalies = {AnomalyId::MqttProtocolNameUnknown},
     .after_connect = false},

    // mqtt.connect.reserved_flag
    {.name = "CONNECT with the reserved flag set [MQTT-3.1.2-3]",
     .version = V311,
     .dir = ToServer,
     .bytes = connect_v311(0x0c, 0x03, {}),  // flags: clean session, reserved bit 0
     .expected = connect_v311_packet(12, 0x03),
     .anomalies = {AnomalyId::MqttConnectReservedFlag},
     .after_connect = false},

    // mqtt.connect.flags_invalid
    {.name = "CONNECT with will QoS 1 but no will [MQTT-3.1.2-13]",
     .version = V311,
     .dir = ToServer,
     .bytes = connect_v311(0x0c, 0x0a, {}),  // flags: will QoS 1, clean session, no will
     .expected = connect_v311_packet(12, 0x0a),
     .anomalies = {AnomalyId::MqttConnectFlagsInvalid},
     .after_connect = false},

    {.name = "CONNECT with will retain but no will [MQTT-3.1.2-15]",
     .version = V311,
     .dir = ToServer,
     .bytes = connect_v311(0x0c, 0x22, {}),  // flags: will retain, clean session, no will
     .expected = connect_v311_packet(12, 0x22),
     .anomalies = {AnomalyId::MqttConnectFlagsInvalid},
     .after_connect = false},

    {.name = "CONNECT with will QoS 3 [MQTT-3.1.2-14]",
     .version = V311,
     .dir = ToServer,
     .bytes = connect_v311(0x12, 0x1e,                 // remaining length 18; flags: will QoS 3, will, clean
                           {0x00, 0x01, 'w',           // will topic
                            0x00, 0x01, 'x'}),         // will message
     .expected = Packet{.type = Connect, .remaining_length = 18, .protocol_name = "MQTT",
                        .protocol_level = 4, .connect_flags = 0x1e, .keepalive = 60,
                        .will = Will{.qos = 3, .topic = "w", .payload = "x"}},
     .anomalies = {AnomalyId::MqttConnectFlagsInvalid},
     .after_connect = false},

    {.name = "CONNECT 3.1.1 with a password but no user name [MQTT-3.1.2-22]",
     .version = V311,
     .dir = ToServer,
     .bytes = connect_v311(0x10, 0x42,                 // remaining length 16; flags: password, clean
                           {0x00, 0x02, 'p', 'w'}),    // password
     .expected = Packet{.type = Connect, .remaining_length = 16, .protocol_name = "MQTT", .protocol_level = 4,
                        .connect_flags = 0x42, .keepalive = 60, .password = "pw"},
     .anomalies = {AnomalyId::MqttConnectFlagsInvalid},
     .after_connect = false},

    // mqtt.connect.missing: the version is guessed (3.1.1 reads this PUBACK cleanly).
    {.name = "a connection whose CONNECT was not captured",
     .version = V311,
     .dir = ToClient,
     .bytes = {0x40, 0x02,   // PUBACK, remaining length 2
               0x00, 0x0a},  // packet identifier 10
     .expected = Packet{.type = Puback, .remaining_length = 2, .packet_id = 10},
     .anomalies = {AnomalyId::MqttConnectMissing},
     .after_connect = false},

    // mqtt.connect.duplicate
    {.name = "a second CONNECT on the connection [MQTT-3.1.0-2]",
     .version = V311,
     .dir = ToServer,
     .bytes = connect_v311(0x0c, 0x02, {}),  // flags: clean session
     .expected = connect_v311_packet(12, 0x02),
     .anomalies = {AnomalyId::MqttConnectDuplicate}},

    // mqtt.direction.unexpected (the fixtures' roles come from the SYN)
    {.name = "SUBACK sent by the client [3.9]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x90, 0x03,  // SUBACK, remaining length 3
               0x00, 0x01,  // packet identifier 1
               0x00},       // granted QoS 0
     .expected = Packet{.type = Suback, .remaining_length = 3, .packet_id = 1, .reason_codes = {0x00}},
     .anomalies = {AnomalyId::MqttWrongDirection}},

    {.name = "DISCONNECT sent by a 3.1.1 server [3.14]",
     .version = V311,
     .dir = ToClient,
     .bytes = {0xe0, 0x00},  // DISCONNECT, remaining length 0
     .expected = Packet{.type = Disconnect},
     .anomalies = {AnomalyId::MqttWrongDirection}},

    // mqtt.topic_alias.unknown
    {.name = "PUBLISH by a topic alias never set [3.3.2.3.4]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x07,         // PUBLISH, remaining length 7
               0x00, 0x00,         // topic name "": the alias stands for it
               0x03,               // property length 3
               0x23, 0x00, 0x07,   // topic alias 7, unknown on this connection
               'x'},               // payload
     .expected = Packet{.type = Publish, .remaining_length = 7, .properties = {two_byte_property(35, 7)},
                        .payload = "x", .payload_length = 1},
     .anomalies = {AnomalyId::MqttTopicAliasUnknown}},

    // mqtt.topic_alias.invalid
    {.name = "topic alias 0 [MQTT-3.3.2-8]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x0a,                 // PUBLISH, remaining length 10
               0x00, 0x03, 'a', '/', 'b',  // topic name
               0x03,                       // property length 3
               0x23, 0x00, 0x00,           // topic alias 0
               'x'},                       // payload
     .expected = Packet{.type = Publish, .remaining_length = 10, .properties = {two_byte_property(35, 0)},
                        .topic = "a/b", .payload = "x", .payload_length = 1},
     .anomalies = {AnomalyId::MqttTopicAliasInvalid}},
};

}  // namespace

const std::vector<Fixture>& mqscan::test::malformed_connection_fixtures() { return kFixtures; }

TEST_CASE("Connection-level violations are named and the stream goes on, whatever the chunking",
          "[mqtt][fixture][malformed]") {
    check_fixture(GENERATE(from_range(malformed_connection_fixtures())));
}
