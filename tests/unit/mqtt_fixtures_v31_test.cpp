// MQTT 3.1 (IBM and Eurotech, 2010: protocol name "MQIsdp", level 3), one
// annotated fixture per control packet type; CONNECT with and without will,
// user name and password.
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
    {.name = "CONNECT 3.1, clean session",
     .version = V31,
     .dir = ToServer,
     .bytes = {0x10, 0x10,                                 // CONNECT, remaining length 16
               0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',   // protocol name [3.1 §3.1]
               0x03,                                       // protocol version 3
               0x02,                                       // flags: clean session
               0x00, 0x3c,                                 // keep alive 60 s
               0x00, 0x02, 'c', '1'},                      // client identifier, 1 to 23 characters
     .expected = Packet{.type = Connect, .remaining_length = 16, .protocol_name = "MQIsdp",
                        .protocol_level = 3, .connect_flags = 0x02, .keepalive = 60, .client_id = "c1"},
     .after_connect = false},

    {.name = "CONNECT 3.1, user name, password and a retained QoS 0 will",
     .version = V31,
     .dir = ToServer,
     .bytes = {0x10, 0x2e,                                      // CONNECT, remaining length 46
               0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',        // protocol name
               0x03,                                            // protocol version 3
               0xe6,                                            // user, password, will retain, will, clean
               0x01, 0x2c,                                      // keep alive 300 s
               0x00, 0x07, 'm', 'o', 's', 'q', '-', '1', 'a',   // client identifier
               0x00, 0x05, 's', 't', '/', '1', 'a',             // will topic
               0x00, 0x07, 'o', 'f', 'f', 'l', 'i', 'n', 'e',   // will message
               0x00, 0x03, 'a', 'n', 'n',                       // user name
               0x00, 0x02, 'p', 'w'},                           // password
     .expected = Packet{.type = Connect, .remaining_length = 46, .protocol_name = "MQIsdp",
                        .protocol_level = 3, .connect_flags = 0xe6, .keepalive = 300, .client_id = "mosq-1a",
                        .will = Will{.qos = 0, .retain = true, .topic = "st/1a", .payload = "offline"},
                        .username = "ann", .password = "pw"},
     .after_connect = false},

    {.name = "CONNACK 3.1, accepted",
     .version = V31,
     .dir = ToClient,
     .bytes = {0x20, 0x02,  // CONNACK, remaining length 2
               0x00,        // reserved (topic name compression, unused)
               0x00},       // return code 0: accepted
     .expected = Packet{.type = Connack, .remaining_length = 2, .reason_code = 0}},

    {.name = "CONNACK 3.1, refused: identifier rejected",
     .version = V31,
     .dir = ToClient,
     .bytes = {0x20, 0x02,  // CONNACK, remaining length 2
               0x00,        // reserved
               0x02},       // return code 2: identifier rejected
     .expected = Packet{.type = Connack, .remaining_length = 2, .reason_code = 2}},

    {.name = "PUBLISH 3.1, QoS 0",
     .version = V31,
     .dir = ToServer,
     .bytes = {0x30, 0x08,                       // PUBLISH, QoS 0, remaining length 8
               0x00, 0x04, 'h', 'o', 'm', 'e',   // topic name
               'o', 'n'},                        // payload
     .expected = Packet{.type = Publish, .remaining_length = 8, .topic = "home", .payload = "on",
                        .payload_length = 2}},

    {.name = "PUBLISH 3.1, QoS 1, retained",
     .version = V31,
     .dir = ToClient,
     .bytes = {0x33, 0x0a,                       // PUBLISH, QoS 1, retain, remaining length 10
               0x00, 0x04, 'h', 'o', 'm', 'e',   // topic name
               0x00, 0x01,                       // message identifier 1
               'o', 'n'},                        // payload
     .expected = Packet{.type = Publish, .flags = 0x3, .remaining_length = 10, .qos = 1, .retain = true,
                        .packet_id = 1, .topic = "home", .payload = "on", .payload_length = 2}},

    {.name = "PUBLISH 3.1, QoS 2, duplicate, empty payload",
     .version = V31,
     .dir = ToServer,
     .bytes = {0x3c, 0x08,                       // PUBLISH, DUP, QoS 2, remaining length 8
               0x00, 0x04, 'h', 'o', 'm', 'e',   // topic name
               0x00, 0x02},                      // message identifier 2; the payload is empty
     .expected = Packet{.type = Publish, .flags = 0xc, .remaining_length = 8, .dup = true, .qos = 2,
                        .packet_id = 2, .topic = "home"}},

    {.name = "PUBACK 3.1",
     .version = V31,
     .dir = ToClient,
     .bytes = {0x40, 0x02,   // PUBACK, remaining length 2
               0x00, 0x01},  // message identifier 1
     .expected = Packet{.type = Puback, .remaining_length = 2, .packet_id = 1}},

    {.name = "PUBREC 3.1",
     .version = V31,
     .dir = ToClient,
     .bytes = {0x50, 0x02,   // PUBREC, remaining length 2
               0x00, 0x02},  // message identifier 2
     .expected = Packet{.type = Pubrec, .remaining_length = 2, .packet_id = 2}},

    {.name = "PUBREL 3.1",
     .version = V31,
     .dir = ToServer,
     .bytes = {0x62, 0x02,   // PUBREL, QoS 1 (it is acknowledged), remaining length 2
               0x00, 0x02},  // message identifier 2
     .expected = Packet{.type = Pubrel, .flags = 0x2, .remaining_length = 2, .packet_id = 2}},

    {.name = "PUBCOMP 3.1",
     .version = V31,
     .dir = ToClient,
     .bytes = {0x70, 0x02,   // PUBCOMP, remaining length 2
               0x00, 0x02},  // message identifier 2
     .expected = Packet{.type = Pubcomp, .remaining_length = 2, .packet_id = 2}},

    {.name = "SUBSCRIBE 3.1, two topics (the specification's example)",
     .version = V31,
     .dir = ToServer,
     .bytes = {0x82, 0x0e,                  // SUBSCRIBE, QoS 1, remaining length 14
               0x00, 0x03,                  // message identifier 3
               0x00, 0x03, 'a', '/', 'b',   // topic name
               0x01,                        // requested QoS 1
               0x00, 0x03, 'c', '/', 'd',   // topic name
               0x02},                       // requested QoS 2
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 14, .packet_id = 3,
                        .subscriptions = {Subscription{.filter = "a/b", .qos = 1, .options = 1},
                                          Subscription{.filter = "c/d", .qos = 2, .options = 2}}}},

    {.name = "SUBSCRIBE 3.1 re-sent with DUP (3.1 has no fixed flags) [3.1 \"DUP flag\"]",
     .version = V31,
     .dir = ToServer,
     .bytes = {0x8a, 0x08,                  // SUBSCRIBE, DUP, QoS 1, remaining length 8
               0x00, 0x01,                  // message identifier 1
               0x00, 0x03, 'a', '/', 'b',   // topic name
               0x01},                       // requested QoS 1
     .expected = Packet{.type = Subscribe, .flags = 0xa, .remaining_length = 8, .packet_id = 1,
                        .subscriptions = {Subscription{.filter = "a/b", .qos = 1, .options = 1}}}},

    {.name = "SUBACK 3.1, granted QoS 1 and 2",
     .version = V31,
     .dir = ToClient,
     .bytes = {0x90, 0x04,  // SUBACK, remaining length 4
               0x00, 0x03,  // message identifier 3
               0x01,        // granted QoS 1
               0x02},       // granted QoS 2
     .expected = Packet{.type = Suback, .remaining_length = 4, .packet_id = 3, .reason_codes = {0x01, 0x02}}},

    {.name = "UNSUBSCRIBE 3.1, two topics",
     .version = V31,
     .dir = ToServer,
     .bytes = {0xa2, 0x0c,                  // UNSUBSCRIBE, QoS 1, remaining length 12
               0x00, 0x04,                  // message identifier 4
               0x00, 0x03, 'a', '/', 'b',   // topic name
               0x00, 0x03, 'c', '/', 'd'},  // topic name
     .expected = Packet{.type = Unsubscribe, .flags = 0x2, .remaining_length = 12, .packet_id = 4,
                        .unsubscribe_filters = {"a/b", "c/d"}}},

    {.name = "UNSUBACK 3.1",
     .version = V31,
     .dir = ToClient,
     .bytes = {0xb0, 0x02,   // UNSUBACK, remaining length 2
               0x00, 0x04},  // message identifier 4
     .expected = Packet{.type = Unsuback, .remaining_length = 2, .packet_id = 4}},

    {.name = "PINGREQ 3.1",
     .version = V31,
     .dir = ToServer,
     .bytes = {0xc0, 0x00},  // PINGREQ, remaining length 0
     .expected = Packet{.type = Pingreq}},

    {.name = "PINGRESP 3.1",
     .version = V31,
     .dir = ToClient,
     .bytes = {0xd0, 0x00},  // PINGRESP, remaining length 0
     .expected = Packet{.type = Pingresp}},

    {.name = "DISCONNECT 3.1",
     .version = V31,
     .dir = ToServer,
     .bytes = {0xe0, 0x00},  // DISCONNECT, remaining length 0
     .expected = Packet{.type = Disconnect}},
};

}  // namespace

const std::vector<Fixture>& mqscan::test::v31_packet_fixtures() { return kFixtures; }

TEST_CASE("MQTT 3.1 packets decode as annotated, whatever the chunking", "[mqtt][fixture][v3.1]") {
    check_fixture(GENERATE(from_range(v31_packet_fixtures())));
}
