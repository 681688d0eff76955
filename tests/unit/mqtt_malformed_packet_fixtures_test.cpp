// Malformed packets: the fixed header, packet identifiers, topics, strings,
// fields past the end, trailing bytes, subscriptions. Each fixture names the
// anomaly and, like every fixture, is followed by a good packet that must
// still decode. Fields before the damage are expected as the spec lays them out.
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
    // mqtt.packet_type.reserved
    {.name = "packet type 0 is forbidden [MQTT-2.1.2, Table 2-1]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x0f, 0x00},  // type 0, flags 1111, remaining length 0
     .expected = Packet{.type = Reserved, .flags = 0xf},
     .anomalies = {AnomalyId::MqttTypeReserved},
     .malformed = true},

    {.name = "AUTH (type 15) is reserved before 5.0 [3.1.1 Table 2.1]",
     .version = V311,
     .dir = ToClient,
     .bytes = {0xf0, 0x00},  // type 15, remaining length 0
     .expected = Packet{.type = Auth},
     .anomalies = {AnomalyId::MqttTypeReserved},
     .malformed = true},

    // mqtt.flags.invalid
    {.name = "PUBREL with flags 0000 [MQTT-3.6.1-1]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x60, 0x02,   // PUBREL, flags 0000 instead of 0010, remaining length 2
               0x00, 0x01},  // packet identifier 1
     .expected = Packet{.type = Pubrel, .remaining_length = 2, .packet_id = 1},
     .anomalies = {AnomalyId::MqttFlagsInvalid}},

    {.name = "UNSUBSCRIBE 5.0 with flags 0000 [MQTT-3.10.1-1]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0xa0, 0x06,        // UNSUBSCRIBE, flags 0000 instead of 0010, remaining length 6
               0x00, 0x01,        // packet identifier 1
               0x00,              // property length 0
               0x00, 0x01, 'a'},  // topic filter
     .expected = Packet{.type = Unsubscribe, .remaining_length = 6, .packet_id = 1,
                        .unsubscribe_filters = {"a"}},
     .anomalies = {AnomalyId::MqttFlagsInvalid}},

    {.name = "PINGREQ with flags 0001 [MQTT-2.2.2-1]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0xc1, 0x00},  // PINGREQ, flags 0001 instead of 0000, remaining length 0
     .expected = Packet{.type = Pingreq, .flags = 0x1},
     .anomalies = {AnomalyId::MqttFlagsInvalid}},

    {.name = "DISCONNECT 5.0 with flags 0001 [MQTT-2.1.3-1]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0xe1, 0x00},  // DISCONNECT, flags 0001, remaining length 0
     .expected = Packet{.type = Disconnect, .flags = 0x1},
     .anomalies = {AnomalyId::MqttFlagsInvalid}},

    {.name = "CONNACK with a reserved acknowledge flag set [MQTT-3.2.2-1]",
     .version = V311,
     .dir = ToClient,
     .bytes = {0x20, 0x02,  // CONNACK, remaining length 2
               0x02,        // acknowledge flags: bit 1 is reserved
               0x00},       // return code 0
     .expected = Packet{.type = Connack, .remaining_length = 2, .reason_code = 0},
     .anomalies = {AnomalyId::MqttFlagsInvalid}},

    // mqtt.publish.qos_invalid
    {.name = "PUBLISH with QoS 3 [MQTT-3.3.1-4]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x3e, 0x08,                 // PUBLISH, DUP, QoS 3, remaining length 8
               0x00, 0x03, 'a', '/', 'b',  // topic name
               0x00, 0x07,                 // packet identifier 7 (QoS 3 is read like QoS 1 and 2)
               'x'},                       // payload
     .expected = Packet{.type = Publish, .flags = 0xe, .remaining_length = 8, .dup = true, .qos = 3,
                        .packet_id = 7, .topic = "a/b", .payload = "x", .payload_length = 1},
     .anomalies = {AnomalyId::MqttQosInvalid}},

    // mqtt.packet_id.zero
    {.name = "SUBSCRIBE with packet identifier 0 [MQTT-2.3.1-1]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x82, 0x08,                 // SUBSCRIBE, remaining length 8
               0x00, 0x00,                 // packet identifier 0
               0x00, 0x03, 'a', '/', 'b',  // topic filter
               0x00},                      // requested QoS 0
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 8, .packet_id = 0,
                        .subscriptions = {Subscription{.filter = "a/b"}}},
     .anomalies = {AnomalyId::MqttPacketIdZero}},

    {.name = "UNSUBSCRIBE 5.0 with packet identifier 0 [MQTT-2.2.1-3]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0xa2, 0x06,        // UNSUBSCRIBE, remaining length 6
               0x00, 0x00,        // packet identifier 0
               0x00,              // property length 0
               0x00, 0x01, 'a'},  // topic filter
     .expected = Packet{.type = Unsubscribe, .flags = 0x2, .remaining_length = 6, .packet_id = 0,
                        .unsubscribe_filters = {"a"}},
     .anomalies = {AnomalyId::MqttPacketIdZero}},

    // mqtt.publish.topic_wildcard
    {.name = "PUBLISH topic with a single-level wildcard [MQTT-3.3.2-2]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30, 0x08,                           // PUBLISH, remaining length 8
               0x00, 0x05, 'a', '/', '+', '/', 'c',  // topic name with '+'
               'x'},                                 // payload
     .expected = Packet{.type = Publish, .remaining_length = 8, .topic = "a/+/c", .payload = "x",
                        .payload_length = 1},
     .anomalies = {AnomalyId::MqttTopicWildcard}},

    {.name = "PUBLISH 5.0 topic '#' [MQTT-3.3.2-2]",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x30, 0x05,        // PUBLISH, remaining length 5
               0x00, 0x01, '#',   // topic name: the multi-level wildcard
               0x00,              // property length 0
               'x'},              // payload
     .expected = Packet{.type = Publish, .remaining_length = 5, .topic = "#", .payload = "x",
                        .payload_length = 1},
     .anomalies = {AnomalyId::MqttTopicWildcard}},

    // mqtt.publish.topic_empty
    {.name = "PUBLISH 3.1.1 with an empty topic [MQTT-4.7.3-1]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30, 0x03,  // PUBLISH, remaining length 3
               0x00, 0x00,  // topic name ""
               'x'},        // payload
     .expected = Packet{.type = Publish, .remaining_length = 3, .payload = "x", .payload_length = 1},
     .anomalies = {AnomalyId::MqttTopicEmpty}},

    {.name = "PUBLISH 5.0 with an empty topic and no topic alias [3.3.2.1]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x04,  // PUBLISH, remaining length 4
               0x00, 0x00,  // topic name ""
               0x00,        // property length 0: no topic alias
               'x'},        // payload
     .expected = Packet{.type = Publish, .remaining_length = 4, .payload = "x", .payload_length = 1},
     .anomalies = {AnomalyId::MqttTopicEmpty}},

    // mqtt.string.invalid_utf8
    {.name = "topic with an encoded UTF-16 surrogate, U+D800 [MQTT-1.5.3-1]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30, 0x06,              // PUBLISH, remaining length 6
               0x00, 0x03,              // topic name length 3
               0xed, 0xa0, 0x80,        // U+D800: ill-formed in UTF-8
               'x'},                    // payload
     .expected = Packet{.type = Publish, .remaining_length = 6, .topic = "\xed\xa0\x80", .payload = "x",
                        .payload_length = 1},
     .anomalies = {AnomalyId::MqttStringInvalidUtf8}},

    {.name = "topic filter with an overlong UTF-8 '/' [MQTT-1.5.3-1]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x82, 0x07,   // SUBSCRIBE, remaining length 7
               0x00, 0x01,   // packet identifier 1
               0x00, 0x02,   // topic filter length 2
               0xc0, 0xaf,   // '/' in two bytes: ill-formed
               0x00},        // requested QoS 0
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 7, .packet_id = 1,
                        .subscriptions = {Subscription{.filter = "\xc0\xaf"}}},
     .anomalies = {AnomalyId::MqttStringInvalidUtf8}},

    // mqtt.string.null_character
    {.name = "client identifier with U+0000 [MQTT-1.5.3-2]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x10, 0x0f,                      // CONNECT, remaining length 15
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x04,                            // protocol level 4
               0x02,                            // flags: clean session
               0x00, 0x3c,                      // keep alive 60 s
               0x00, 0x03, 'a', 0x00, 'b'},     // client identifier with a null character
     .expected = Packet{.type = Connect, .remaining_length = 15, .protocol_name = "MQTT", .protocol_level = 4,
                        .connect_flags = 0x02, .keepalive = 60, .client_id = std::string("a\0b", 3)},
     .anomalies = {AnomalyId::MqttStringNullChar},
     .after_connect = false},

    // mqtt.field.past_end
    {.name = "SUBSCRIBE filter without its requested QoS",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x82, 0x07,                  // SUBSCRIBE, remaining length 7
               0x00, 0x01,                  // packet identifier 1
               0x00, 0x03, 'a', '/', 'b'},  // topic filter, then the packet ends
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 7, .packet_id = 1},
     .anomalies = {AnomalyId::MqttFieldPastEnd},
     .malformed = true},

    {.name = "AUTH 5.0 with a reason code but no property length [3.15.2.1]",
     .version = V5,
     .dir = ToClient,
     .bytes = {0xf0, 0x01,  // AUTH, remaining length 1
               0x18},       // reason code 0x18 continue authentication; both or neither
     .expected = Packet{.type = Auth, .remaining_length = 1, .reason_code = 0x18},
     .anomalies = {AnomalyId::MqttFieldPastEnd},
     .malformed = true},

    {.name = "PUBACK too short for its packet identifier [3.4.1]",
     .version = V311,
     .dir = ToClient,
     .bytes = {0x40, 0x01,  // PUBACK, remaining length 1
               0x00},       // half a packet identifier
     .expected = Packet{.type = Puback, .remaining_length = 1},
     .anomalies = {AnomalyId::MqttFieldPastEnd},
     .malformed = true},

    {.name = "CONNACK 5.0 without its property length [3.2.2.3.1]",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x02,  // CONNACK, remaining length 2
               0x00,        // acknowledge flags
               0x00},       // reason code: success; the property length is missing
     .expected = Packet{.type = Connack, .remaining_length = 2, .reason_code = 0},
     .anomalies = {AnomalyId::MqttFieldPastEnd},
     .malformed = true},

    // mqtt.packet.trailing_bytes
    {.name = "PUBACK 3.1.1 with a byte after its packet identifier [3.4.1]",
     .version = V311,
     .dir = ToClient,
     .bytes = {0x40, 0x03,  // PUBACK, remaining length 3 (3.1.1 has no reason code)
               0x00, 0x0a,  // packet identifier 10
               0x00},       // one byte too many
     .expected = Packet{.type = Puback, .remaining_length = 3, .packet_id = 10},
     .anomalies = {AnomalyId::MqttTrailingBytes}},

    {.name = "DISCONNECT 3.1.1 with a body [3.14.1]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0xe0, 0x01,  // DISCONNECT, remaining length 1 instead of 0
               0x00},       // one byte too many
     .expected = Packet{.type = Disconnect, .remaining_length = 1},
     .anomalies = {AnomalyId::MqttTrailingBytes}},

    // mqtt.subscribe.no_filter
    {.name = "SUBSCRIBE without a topic filter [MQTT-3.8.3-3]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x82, 0x02,   // SUBSCRIBE, remaining length 2
               0x00, 0x01},  // packet identifier 1, and no payload
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 2, .packet_id = 1},
     .anomalies = {AnomalyId::MqttSubscribeEmpty}},

    {.name = "UNSUBSCRIBE 5.0 without a topic filter [MQTT-3.10.3-2]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0xa2, 0x03,  // UNSUBSCRIBE, remaining length 3
               0x00, 0x01,  // packet identifier 1
               0x00},       // property length 0, and no payload
     .expected = Packet{.type = Unsubscribe, .flags = 0x2, .remaining_length = 3, .packet_id = 1},
     .anomalies = {AnomalyId::MqttSubscribeEmpty}},

    // mqtt.subscribe.options_invalid
    {.name = "SUBSCRIBE 3.1.1 requesting QoS 3 [MQTT-3-8.3-4]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x82, 0x08,                 // SUBSCRIBE, remaining length 8
               0x00, 0x01,                 // packet identifier 1
               0x00, 0x03, 'a', '/', 'b',  // topic filter
               0x03},                      // requested QoS 3
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 8, .packet_id = 1,
                        .subscriptions = {Subscription{.filter = "a/b", .qos = 3, .options = 0x03}}},
     .anomalies = {AnomalyId::MqttSubscriptionOptionsInvalid}},

    // Bit 2 is 5.0's no local; in 3.1.1 it is reserved and not decoded.
    {.name = "SUBSCRIBE 3.1.1 with a reserved bit of the requested QoS byte [MQTT-3-8.3-4]",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x82, 0x08,                 // SUBSCRIBE, remaining length 8
               0x00, 0x01,                 // packet identifier 1
               0x00, 0x03, 'a', '/', 'b',  // topic filter
               0x04},                      // requested QoS 0, reserved bit 2 set
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 8, .packet_id = 1,
                        .subscriptions = {Subscription{.filter = "a/b", .qos = 0, .options = 0x04}}},
     .anomalies = {AnomalyId::MqttSubscriptionOptionsInvalid}},

    {.name = "SUBSCRIBE 5.0 with retain handling 3 [3.8.3.1]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x82, 0x09,                 // SUBSCRIBE, remaining length 9
               0x00, 0x01,                 // packet identifier 1
               0x00,                       // property length 0
               0x00, 0x03, 'a', '/', 'b',  // topic filter
               0x30},                      // options: QoS 0, retain handling 3
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 9, .packet_id = 1,
                        .subscriptions = {Subscription{.filter = "a/b", .retain_handling = 3,
                                                       .options = 0x30}}},
     .anomalies = {AnomalyId::MqttSubscriptionOptionsInvalid}},

    {.name = "SUBSCRIBE 5.0 with reserved option bits 6 and 7 [MQTT-3.8.3-5]",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x82, 0x09,                 // SUBSCRIBE, remaining length 9
               0x00, 0x01,                 // packet identifier 1
               0x00,                       // property length 0
               0x00, 0x03, 'a', '/', 'b',  // topic filter
               0xc1},                      // options: QoS 1, reserved bits 6 and 7 set
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 9, .packet_id = 1,
                        .subscriptions = {Subscription{.filter = "a/b", .qos = 1, .options = 0xc1}}},
     .anomalies = {AnomalyId::MqttSubscriptionOptionsInvalid}},

    // mqtt.packet.incomplete: nothing can follow a packet the stream's end cuts.
    {.name = "PUBLISH cut by the end of the stream",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30, 0x0a,                  // PUBLISH, remaining length 10
               0x00, 0x03, 'a', '/', 'b'},  // 5 of the 10 bytes, then the connection ends
     .anomalies = {AnomalyId::MqttPacketIncomplete},
     .followed = false},
};

}  // namespace

const std::vector<Fixture>& mqscan::test::malformed_packet_fixtures() { return kFixtures; }

TEST_CASE("Malformed packets are named and cost only themselves, whatever the chunking",
          "[mqtt][fixture][malformed]") {
    check_fixture(GENERATE(from_range(malformed_packet_fixtures())));
}
