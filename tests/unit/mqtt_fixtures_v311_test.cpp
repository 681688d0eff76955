// MQTT 3.1.1 (OASIS Standard, 29 October 2014), one annotated fixture per
// control packet type; CONNECT with and without will, user name and password.
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
    {.name = "CONNECT 3.1.1, clean session, empty client identifier",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x10, 0x0c,                      // CONNECT, remaining length 12
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name [MQTT-3.1.2-1]
               0x04,                            // protocol level 4 [3.1.2.2]
               0x02,                            // flags: clean session
               0x00, 0x3c,                      // keep alive 60 s
               0x00, 0x00},                     // client identifier "" [MQTT-3.1.3-7]
     .expected = Packet{.type = Connect, .remaining_length = 12, .protocol_name = "MQTT",
                        .protocol_level = 4, .connect_flags = 0x02, .keepalive = 60},
     .after_connect = false},

    {.name = "CONNECT 3.1.1, user name, password and a QoS 1 will",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x10, 0x2b,                                   // CONNECT, remaining length 43
               0x00, 0x04, 'M', 'Q', 'T', 'T',               // protocol name
               0x04,                                         // protocol level 4
               0xce,                                         // flags: user, password, will QoS 1, will, clean
               0x00, 0x3c,                                   // keep alive 60 s
               0x00, 0x02, 'c', '1',                         // client identifier
               0x00, 0x06, 'b', 'y', 'e', '/', 'c', '1',     // will topic [3.1.3.2]
               0x00, 0x04, 'g', 'o', 'n', 'e',               // will message [3.1.3.3]
               0x00, 0x05, 'a', 'l', 'i', 'c', 'e',          // user name [3.1.3.4]
               0x00, 0x06, 's', '3', 'c', 'r', 'e', 't'},    // password [3.1.3.5]
     .expected = Packet{.type = Connect, .remaining_length = 43, .protocol_name = "MQTT",
                        .protocol_level = 4, .connect_flags = 0xce, .keepalive = 60, .client_id = "c1",
                        .will = Will{.qos = 1, .topic = "bye/c1", .payload = "gone"},
                        .username = "alice", .password = "s3cret"},
     .after_connect = false},

    {.name = "CONNECT 3.1.1, user name only, retained QoS 2 will with a binary message",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x10, 0x2a,                                          // CONNECT, remaining length 42
               0x00, 0x04, 'M', 'Q', 'T', 'T',                      // protocol name
               0x04,                                                // protocol level 4
               0xb4,                                                // user, will retain, will QoS 2, will
               0x00, 0x00,                                          // keep alive 0: off [3.1.2.10]
               0x00, 0x08, 's', 'e', 'n', 's', 'o', 'r', '-', '7',  // client identifier
               0x00, 0x0a, 's', '/', '7', '/', 's', 't', 'a', 't', 'u', 's',  // will topic
               0x00, 0x03, 0x00, 0xff, 0x10,                        // will message: any bytes
               0x00, 0x03, 'b', 'o', 'b'},                          // user name
     .expected = Packet{.type = Connect, .remaining_length = 42, .protocol_name = "MQTT",
                        .protocol_level = 4, .connect_flags = 0xb4, .client_id = "sensor-7",
                        .will = Will{.qos = 2, .retain = true, .topic = "s/7/status",
                                     .payload = std::string("\x00\xff\x10", 3)},
                        .username = "bob"},
     .after_connect = false},

    {.name = "CONNACK 3.1.1, accepted, session present",
     .version = V311,
     .dir = ToClient,
     .bytes = {0x20, 0x02,  // CONNACK, remaining length 2
               0x01,        // acknowledge flags: session present [3.2.2.2]
               0x00},       // return code 0: accepted
     .expected = Packet{.type = Connack, .remaining_length = 2, .session_present = true, .reason_code = 0}},

    {.name = "CONNACK 3.1.1, refused: not authorized",
     .version = V311,
     .dir = ToClient,
     .bytes = {0x20, 0x02,  // CONNACK, remaining length 2
               0x00,        // acknowledge flags: no session
               0x05},       // return code 5: not authorized [3.2.2.3]
     .expected = Packet{.type = Connack, .remaining_length = 2, .reason_code = 5}},

    {.name = "PUBLISH 3.1.1, QoS 0",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x30, 0x09,                  // PUBLISH, QoS 0, remaining length 9
               0x00, 0x03, 'a', '/', 'b',   // topic name (no packet identifier at QoS 0)
               '2', '1', '.', '5'},         // payload
     .expected = Packet{.type = Publish, .remaining_length = 9, .topic = "a/b", .payload = "21.5",
                        .payload_length = 4}},

    {.name = "PUBLISH 3.1.1, QoS 1, retained",
     .version = V311,
     .dir = ToClient,
     .bytes = {0x33, 0x09,                  // PUBLISH, QoS 1, retain, remaining length 9
               0x00, 0x03, 'a', '/', 'b',   // topic name
               0x00, 0x0a,                  // packet identifier 10
               'o', 'n'},                   // payload
     .expected = Packet{.type = Publish, .flags = 0x3, .remaining_length = 9, .qos = 1, .retain = true,
                        .packet_id = 10, .topic = "a/b", .payload = "on", .payload_length = 2}},

    {.name = "PUBLISH 3.1.1, QoS 2, duplicate, empty payload",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x3c, 0x07,                  // PUBLISH, DUP, QoS 2, remaining length 7
               0x00, 0x03, 'a', '/', 'b',   // topic name
               0x01, 0x02},                 // packet identifier 258; the payload is empty
     .expected = Packet{.type = Publish, .flags = 0xc, .remaining_length = 7, .dup = true, .qos = 2,
                        .packet_id = 258, .topic = "a/b"}},

    {.name = "PUBACK 3.1.1",
     .version = V311,
     .dir = ToClient,
     .bytes = {0x40, 0x02,   // PUBACK, remaining length 2
               0x00, 0x0a},  // packet identifier 10
     .expected = Packet{.type = Puback, .remaining_length = 2, .packet_id = 10}},

    {.name = "PUBREC 3.1.1",
     .version = V311,
     .dir = ToClient,
     .bytes = {0x50, 0x02,   // PUBREC, remaining length 2
               0x00, 0x0b},  // packet identifier 11
     .expected = Packet{.type = Pubrec, .remaining_length = 2, .packet_id = 11}},

    {.name = "PUBREL 3.1.1",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x62, 0x02,   // PUBREL, flags 0010 [MQTT-3.6.1-1], remaining length 2
               0x00, 0x0b},  // packet identifier 11
     .expected = Packet{.type = Pubrel, .flags = 0x2, .remaining_length = 2, .packet_id = 11}},

    {.name = "PUBCOMP 3.1.1",
     .version = V311,
     .dir = ToClient,
     .bytes = {0x70, 0x02,   // PUBCOMP, remaining length 2
               0x00, 0x0b},  // packet identifier 11
     .expected = Packet{.type = Pubcomp, .remaining_length = 2, .packet_id = 11}},

    {.name = "SUBSCRIBE 3.1.1, three filters at QoS 0, 1 and 2",
     .version = V311,
     .dir = ToServer,
     .bytes = {0x82, 0x16,                            // SUBSCRIBE, flags 0010 [MQTT-3.8.1-1], length 22
               0x00, 0x05,                            // packet identifier 5
               0x00, 0x03, 'a', '/', 'b',             // topic filter
               0x00,                                  // requested QoS 0
               0x00, 0x03, 'c', '/', '#',             // topic filter, multi-level wildcard
               0x01,                                  // requested QoS 1
               0x00, 0x05, 's', '/', '+', '/', 't',   // topic filter, single-level wildcard
               0x02},                                 // requested QoS 2
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 22, .packet_id = 5,
                        .subscriptions = {Subscription{.filter = "a/b", .qos = 0, .options = 0},
                                          Subscription{.filter = "c/#", .qos = 1, .options = 1},
                                          Subscription{.filter = "s/+/t", .qos = 2, .options = 2}}}},

    {.name = "SUBACK 3.1.1, granted QoS 2 and 1, and a failure",
     .version = V311,
     .dir = ToClient,
     .bytes = {0x90, 0x05,  // SUBACK, remaining length 5
               0x00, 0x05,  // packet identifier 5
               0x02,        // granted QoS 2
               0x01,        // granted QoS 1
               0x80},       // failure [3.9.3]
     .expected = Packet{.type = Suback, .remaining_length = 5, .packet_id = 5,
                        .reason_codes = {0x02, 0x01, 0x80}}},

    {.name = "UNSUBSCRIBE 3.1.1, two filters",
     .version = V311,
     .dir = ToServer,
     .bytes = {0xa2, 0x0c,                  // UNSUBSCRIBE, flags 0010 [MQTT-3.10.1-1], length 12
               0x00, 0x06,                  // packet identifier 6
               0x00, 0x03, 'a', '/', 'b',   // topic filter
               0x00, 0x03, 'c', '/', '#'},  // topic filter
     .expected = Packet{.type = Unsubscribe, .flags = 0x2, .remaining_length = 12, .packet_id = 6,
                        .unsubscribe_filters = {"a/b", "c/#"}}},

    {.name = "UNSUBACK 3.1.1",
     .version = V311,
     .dir = ToClient,
     .bytes = {0xb0, 0x02,   // UNSUBACK, remaining length 2
               0x00, 0x06},  // packet identifier 6; no payload [3.11.3]
     .expected = Packet{.type = Unsuback, .remaining_length = 2, .packet_id = 6}},

    {.name = "PINGREQ 3.1.1",
     .version = V311,
     .dir = ToServer,
     .bytes = {0xc0, 0x00},  // PINGREQ, remaining length 0
     .expected = Packet{.type = Pingreq}},

    {.name = "PINGRESP 3.1.1",
     .version = V311,
     .dir = ToClient,
     .bytes = {0xd0, 0x00},  // PINGRESP, remaining length 0
     .expected = Packet{.type = Pingresp}},

    {.name = "DISCONNECT 3.1.1",
     .version = V311,
     .dir = ToServer,
     .bytes = {0xe0, 0x00},  // DISCONNECT, remaining length 0 (from the client only [3.14])
     .expected = Packet{.type = Disconnect}},
};

}  // namespace

const std::vector<Fixture>& mqscan::test::v311_packet_fixtures() { return kFixtures; }

TEST_CASE("MQTT 3.1.1 packets decode as annotated, whatever the chunking", "[mqtt][fixture][v3.1.1]") {
    check_fixture(GENERATE(from_range(v311_packet_fixtures())));
}
