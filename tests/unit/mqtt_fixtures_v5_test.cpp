// MQTT 5.0 (OASIS Standard, 7 March 2019), one annotated fixture per control
// packet type, and the short forms of the acknowledgements, DISCONNECT and
// AUTH (reason code and properties omitted). Properties: mqtt_property_fixtures_test.cpp.
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
using mqtt::Will;

const std::vector<Fixture> kFixtures = {
    {.name = "CONNECT 5.0, clean start, no properties, empty client identifier",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x0d,                      // CONNECT, remaining length 13
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name [3.1.2.1]
               0x05,                            // protocol version 5 [3.1.2.2]
               0x02,                            // flags: clean start
               0x00, 0x3c,                      // keep alive 60 s
               0x00,                            // property length 0
               0x00, 0x00},                     // client identifier "" [MQTT-3.1.3-6]
     .expected = Packet{.type = Connect, .remaining_length = 13, .protocol_name = "MQTT",
                        .protocol_level = 5, .connect_flags = 0x02, .keepalive = 60},
     .after_connect = false},

    {.name = "CONNECT 5.0, user name, password and a QoS 1 will",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x2b,                                 // CONNECT, remaining length 43
               0x00, 0x04, 'M', 'Q', 'T', 'T',             // protocol name
               0x05,                                       // protocol version 5
               0xce,                                       // flags: user, password, will QoS 1, will, clean
               0x00, 0x1e,                                 // keep alive 30 s
               0x00,                                       // property length 0
               0x00, 0x02, 'c', '5',                       // client identifier
               0x00,                                       // will property length 0 [3.1.3.2]
               0x00, 0x06, 'b', 'y', 'e', '/', 'c', '5',   // will topic
               0x00, 0x02, 0x01, 0x02,                     // will payload: binary data [3.1.3.4]
               0x00, 0x05, 'a', 'l', 'i', 'c', 'e',        // user name
               0x00, 0x06, 's', '3', 'c', 'r', 'e', 't'},  // password
     .expected = Packet{.type = Connect, .remaining_length = 43, .protocol_name = "MQTT",
                        .protocol_level = 5, .connect_flags = 0xce, .keepalive = 30, .client_id = "c5",
                        .will = Will{.qos = 1, .topic = "bye/c5", .payload = "\x01\x02"},
                        .username = "alice", .password = "s3cret"},
     .after_connect = false},

    // 5.0 allows a password without a user name, unlike 3.1.1 [3.1.2.9].
    {.name = "CONNECT 5.0, password without user name",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x12,                      // CONNECT, remaining length 18
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x05,                            // protocol version 5
               0x42,                            // flags: password, clean start
               0x00, 0x3c,                      // keep alive 60 s
               0x00,                            // property length 0
               0x00, 0x00,                      // client identifier ""
               0x00, 0x03, 'k', 'e', 'y'},      // password
     .expected = Packet{.type = Connect, .remaining_length = 18, .protocol_name = "MQTT",
                        .protocol_level = 5, .connect_flags = 0x42, .keepalive = 60, .password = "key"},
     .after_connect = false},

    {.name = "CONNACK 5.0, success",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x03,  // CONNACK, remaining length 3
               0x00,        // acknowledge flags: no session present
               0x00,        // reason code 0x00: success
               0x00},       // property length 0 (never omitted in CONNACK [3.2.2.3])
     .expected = Packet{.type = Connack, .remaining_length = 3, .reason_code = 0}},

    {.name = "CONNACK 5.0, success, session present",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x03,  // CONNACK, remaining length 3
               0x01,        // acknowledge flags: session present [3.2.2.1.1]
               0x00,        // reason code 0x00: success
               0x00},       // property length 0
     .expected = Packet{.type = Connack, .remaining_length = 3, .session_present = true, .reason_code = 0}},

    {.name = "CONNACK 5.0, refused: not authorized",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x03,  // CONNACK, remaining length 3
               0x00,        // acknowledge flags
               0x87,        // reason code 0x87: not authorized [3.2.2.2]
               0x00},       // property length 0
     .expected = Packet{.type = Connack, .remaining_length = 3, .reason_code = 0x87}},

    {.name = "PUBLISH 5.0, QoS 0",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x0a,                 // PUBLISH, QoS 0, remaining length 10
               0x00, 0x03, 'a', '/', 'b',  // topic name
               0x00,                       // property length 0
               '2', '1', '.', '5'},        // payload
     .expected = Packet{.type = Publish, .remaining_length = 10, .topic = "a/b", .payload = "21.5",
                        .payload_length = 4}},

    {.name = "PUBLISH 5.0, QoS 1, retained",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x33, 0x0a,                 // PUBLISH, QoS 1, retain, remaining length 10
               0x00, 0x03, 'a', '/', 'b',  // topic name
               0x00, 0x0a,                 // packet identifier 10
               0x00,                       // property length 0
               'o', 'n'},                  // payload
     .expected = Packet{.type = Publish, .flags = 0x3, .remaining_length = 10, .qos = 1, .retain = true,
                        .packet_id = 10, .topic = "a/b", .payload = "on", .payload_length = 2}},

    {.name = "PUBLISH 5.0, QoS 2, duplicate, empty payload",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x3c, 0x08,                 // PUBLISH, DUP, QoS 2, remaining length 8
               0x00, 0x03, 'a', '/', 'b',  // topic name
               0x01, 0x02,                 // packet identifier 258
               0x00},                      // property length 0; the payload is empty
     .expected = Packet{.type = Publish, .flags = 0xc, .remaining_length = 8, .dup = true, .qos = 2,
                        .packet_id = 258, .topic = "a/b"}},

    {.name = "PUBACK 5.0, short form: success, no properties",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x40, 0x02,   // PUBACK, remaining length 2: reason code and properties omitted [3.4.2.1]
               0x00, 0x0a},  // packet identifier 10
     .expected = Packet{.type = Puback, .remaining_length = 2, .packet_id = 10}},

    {.name = "PUBACK 5.0, reason code without property length",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x40, 0x03,  // PUBACK, remaining length 3: no property length [3.4.2.2.1]
               0x00, 0x0a,  // packet identifier 10
               0x10},       // reason code 0x10: no matching subscribers
     .expected = Packet{.type = Puback, .remaining_length = 3, .packet_id = 10, .reason_code = 0x10}},

    {.name = "PUBACK 5.0, reason code and empty properties",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x40, 0x04,  // PUBACK, remaining length 4
               0x00, 0x0a,  // packet identifier 10
               0x00,        // reason code 0x00: success
               0x00},       // property length 0
     .expected = Packet{.type = Puback, .remaining_length = 4, .packet_id = 10, .reason_code = 0}},

    {.name = "PUBREC 5.0, short form",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x50, 0x02,   // PUBREC, remaining length 2 [3.5.2.1]
               0x00, 0x0b},  // packet identifier 11
     .expected = Packet{.type = Pubrec, .remaining_length = 2, .packet_id = 11}},

    {.name = "PUBREC 5.0, unspecified error",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x50, 0x03,  // PUBREC, remaining length 3
               0x00, 0x0b,  // packet identifier 11
               0x80},       // reason code 0x80: unspecified error [3.5.2.1]
     .expected = Packet{.type = Pubrec, .remaining_length = 3, .packet_id = 11, .reason_code = 0x80}},

    {.name = "PUBREL 5.0, short form",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x62, 0x02,   // PUBREL, flags 0010 [MQTT-3.6.1-1], remaining length 2
               0x00, 0x0b},  // packet identifier 11
     .expected = Packet{.type = Pubrel, .flags = 0x2, .remaining_length = 2, .packet_id = 11}},

    {.name = "PUBREL 5.0, packet identifier not found",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x62, 0x03,  // PUBREL, remaining length 3
               0x00, 0x0b,  // packet identifier 11
               0x92},       // reason code 0x92: packet identifier not found [3.6.2.1]
     .expected = Packet{.type = Pubrel, .flags = 0x2, .remaining_length = 3, .packet_id = 11,
                        .reason_code = 0x92}},

    {.name = "PUBCOMP 5.0, short form",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x70, 0x02,   // PUBCOMP, remaining length 2 [3.7.2.1]
               0x00, 0x0b},  // packet identifier 11
     .expected = Packet{.type = Pubcomp, .remaining_length = 2, .packet_id = 11}},

    {.name = "PUBCOMP 5.0, packet identifier not found, empty properties",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x70, 0x04,  // PUBCOMP, remaining length 4
               0x00, 0x0b,  // packet identifier 11
               0x92,        // reason code 0x92: packet identifier not found
               0x00},       // property length 0
     .expected = Packet{.type = Pubcomp, .remaining_length = 4, .packet_id = 11, .reason_code = 0x92}},

    {.name = "SUBSCRIBE 5.0, four filters with subscription options",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x82, 0x24,                                     // SUBSCRIBE, remaining length 36
               0x00, 0x07,                                     // packet identifier 7
               0x00,                                           // property length 0
               0x00, 0x03, 'a', '/', 'b',                      // topic filter
               0x00,                                           // options: QoS 0 [3.8.3.1]
               0x00, 0x03, 'c', '/', '#',                      // topic filter
               0x05,                                           // options: QoS 1, no local
               0x00, 0x05, 's', '/', '+', '/', 't',            // topic filter
               0x2a,                                           // QoS 2, retain as published, RH 2
               0x00, 0x0a, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 'x',  // shared subscription [4.8.2]
               0x11},                                          // QoS 1, retain handling 1
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 36, .packet_id = 7,
                        .subscriptions = {Subscription{.filter = "a/b", .qos = 0, .options = 0x00},
                                          Subscription{.filter = "c/#", .qos = 1, .no_local = true,
                                                       .options = 0x05},
                                          Subscription{.filter = "s/+/t", .qos = 2,
                                                       .retain_as_published = true, .retain_handling = 2,
                                                       .options = 0x2a},
                                          Subscription{.filter = "$share/g/x", .qos = 1, .retain_handling = 1,
                                                       .options = 0x11}}}},

    {.name = "SUBACK 5.0, six reason codes",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x90, 0x09,  // SUBACK, remaining length 9
               0x00, 0x07,  // packet identifier 7
               0x00,        // property length 0
               0x00,        // granted QoS 0 [3.9.3]
               0x01,        // granted QoS 1
               0x02,        // granted QoS 2
               0x80,        // unspecified error
               0x87,        // not authorized
               0xa2},       // wildcard subscriptions not supported
     .expected = Packet{.type = Suback, .remaining_length = 9, .packet_id = 7,
                        .reason_codes = {0x00, 0x01, 0x02, 0x80, 0x87, 0xa2}}},

    {.name = "UNSUBSCRIBE 5.0, two filters",
     .version = V5,
     .dir = ToServer,
     .bytes = {0xa2, 0x0d,                  // UNSUBSCRIBE, flags 0010, remaining length 13
               0x00, 0x08,                  // packet identifier 8
               0x00,                        // property length 0
               0x00, 0x03, 'a', '/', 'b',   // topic filter
               0x00, 0x03, 'c', '/', '#'},  // topic filter
     .expected = Packet{.type = Unsubscribe, .flags = 0x2, .remaining_length = 13, .packet_id = 8,
                        .unsubscribe_filters = {"a/b", "c/#"}}},

    {.name = "UNSUBACK 5.0, two reason codes",
     .version = V5,
     .dir = ToClient,
     .bytes = {0xb0, 0x05,  // UNSUBACK, remaining length 5
               0x00, 0x08,  // packet identifier 8
               0x00,        // property length 0
               0x00,        // success [3.11.3]
               0x11},       // no subscription existed
     .expected = Packet{.type = Unsuback, .remaining_length = 5, .packet_id = 8,
                        .reason_codes = {0x00, 0x11}}},

    {.name = "PINGREQ 5.0",
     .version = V5,
     .dir = ToServer,
     .bytes = {0xc0, 0x00},  // PINGREQ, remaining length 0
     .expected = Packet{.type = Pingreq}},

    {.name = "PINGRESP 5.0",
     .version = V5,
     .dir = ToClient,
     .bytes = {0xd0, 0x00},  // PINGRESP, remaining length 0
     .expected = Packet{.type = Pingresp}},

    {.name = "DISCONNECT 5.0, short form: normal disconnection",
     .version = V5,
     .dir = ToServer,
     .bytes = {0xe0, 0x00},  // DISCONNECT, remaining length 0: reason 0x00, no properties [3.14.2.1]
     .expected = Packet{.type = Disconnect}},

    {.name = "DISCONNECT 5.0, reason code without property length",
     .version = V5,
     .dir = ToServer,
     .bytes = {0xe0, 0x01,  // DISCONNECT, remaining length 1: no property length [3.14.2.2.1]
               0x04},       // reason code 0x04: disconnect with will message
     .expected = Packet{.type = Disconnect, .remaining_length = 1, .reason_code = 0x04}},

    {.name = "DISCONNECT 5.0 from the server, session taken over",
     .version = V5,
     .dir = ToClient,
     .bytes = {0xe0, 0x02,  // DISCONNECT (the server may send it in 5.0 [3.14]), remaining length 2
               0x8e,        // reason code 0x8e: session taken over
               0x00},       // property length 0
     .expected = Packet{.type = Disconnect, .remaining_length = 2, .reason_code = 0x8e}},

    {.name = "AUTH 5.0, short form: success",
     .version = V5,
     .dir = ToClient,
     .bytes = {0xf0, 0x00},  // AUTH, remaining length 0: reason 0x00, no properties [3.15.2.1]
     .expected = Packet{.type = Auth}},

    {.name = "AUTH 5.0, re-authenticate",
     .version = V5,
     .dir = ToServer,
     .bytes = {0xf0, 0x0a,                         // AUTH, remaining length 10
               0x19,                               // reason code 0x19: re-authenticate [3.15.2.1]
               0x08,                               // property length 8
               0x15, 0x00, 0x05, 'S', 'C', 'R', 'A', 'M'},  // authentication method [MQTT-4.12.1-1]
     .expected = Packet{.type = Auth, .remaining_length = 10, .properties = {utf8_property(21, "SCRAM")},
                        .reason_code = 0x19}},
};

}  // namespace

const std::vector<Fixture>& mqscan::test::v5_packet_fixtures() { return kFixtures; }

TEST_CASE("MQTT 5.0 packets decode as annotated, whatever the chunking", "[mqtt][fixture][v5]") {
    check_fixture(GENERATE(from_range(v5_packet_fixtures())));
}
