// Every MQTT 5.0 property of Table 2-4 [2.2.2.2], each in a fixture of a
// packet type that allows it, with its decoded value.
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

// The hosts, so that each fixture differs from its neighbours only in its properties:
//   PUBLISH QoS 0, topic "a/b", payload "p";
//   CONNECT 5.0, clean start, keep alive 60, client identifier "";
//   CONNACK, no session, success.
Packet publish_with(std::uint32_t remaining_length, std::vector<mqtt::Property> properties) {
    return {.type = Publish, .remaining_length = remaining_length, .properties = std::move(properties),
            .topic = "a/b", .payload = "p", .payload_length = 1};
}

Packet connect_with(std::uint32_t remaining_length, std::vector<mqtt::Property> properties) {
    return {.type = Connect, .remaining_length = remaining_length, .properties = std::move(properties),
            .protocol_name = "MQTT", .protocol_level = 5, .connect_flags = 0x02, .keepalive = 60};
}

Packet connack_with(std::uint32_t remaining_length, std::vector<mqtt::Property> properties) {
    return {.type = Connack, .remaining_length = remaining_length, .properties = std::move(properties),
            .reason_code = 0};
}

const std::vector<Fixture> kFixtures = {
    {.name = "payload format indicator (1) in PUBLISH",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x09,                 // PUBLISH, remaining length 9
               0x00, 0x03, 'a', '/', 'b',  // topic name
               0x02,                       // property length 2
               0x01, 0x01,                 // payload format indicator: 1, UTF-8 [3.3.2.3.2]
               'p'},                       // payload
     .expected = publish_with(9, {byte_property(1, 1)})},

    {.name = "message expiry interval (2) in PUBLISH",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x0c,                    // PUBLISH, remaining length 12
               0x00, 0x03, 'a', '/', 'b',     // topic name
               0x05,                          // property length 5
               0x02, 0x00, 0x00, 0x0e, 0x10,  // message expiry interval: 3600 s [3.3.2.3.3]
               'p'},                          // payload
     .expected = publish_with(12, {four_byte_property(2, 3600)})},

    {.name = "content type (3) in PUBLISH",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x14,                                        // PUBLISH, remaining length 20
               0x00, 0x03, 'a', '/', 'b',                         // topic name
               0x0d,                                              // property length 13
               0x03,                                              // content type [3.3.2.3.9]
               0x00, 0x0a, 't', 'e', 'x', 't', '/', 'p', 'l', 'a', 'i', 'n',  // "text/plain"
               'p'},                                              // payload
     .expected = publish_with(20, {utf8_property(3, "text/plain")})},

    {.name = "response topic (8) in PUBLISH",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x0d,                       // PUBLISH, remaining length 13
               0x00, 0x03, 'a', '/', 'b',        // topic name
               0x06,                             // property length 6
               0x08, 0x00, 0x03, 'r', '/', '1',  // response topic [3.3.2.3.5]
               'p'},                             // payload
     .expected = publish_with(13, {utf8_property(8, "r/1")})},

    {.name = "correlation data (9) in PUBLISH",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x0e,                                // PUBLISH, remaining length 14
               0x00, 0x03, 'a', '/', 'b',                 // topic name
               0x07,                                      // property length 7
               0x09, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,  // correlation data: binary [3.3.2.3.6]
               'p'},                                      // payload
     .expected = publish_with(14, {binary_property(9, "\xde\xad\xbe\xef")})},

    {.name = "subscription identifier (11) in SUBSCRIBE, the largest value",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x82, 0x0e,                    // SUBSCRIBE, remaining length 14
               0x00, 0x01,                    // packet identifier 1
               0x05,                          // property length 5
               0x0b, 0xff, 0xff, 0xff, 0x7f,  // subscription identifier 268,435,455 [3.8.2.1.2]
               0x00, 0x03, 'a', '/', 'b',     // topic filter
               0x01},                         // options: QoS 1
     .expected = Packet{.type = Subscribe, .flags = 0x2, .remaining_length = 14, .packet_id = 1,
                        .properties = {varint_property(11, 268'435'455)},
                        .subscriptions = {Subscription{.filter = "a/b", .qos = 1, .options = 1}}}},

    // A message that matched two subscriptions carries both identifiers [3.3.2.3.8].
    {.name = "subscription identifier (11) twice in PUBLISH to the client",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x30, 0x0c,                 // PUBLISH, remaining length 12
               0x00, 0x03, 'a', '/', 'b',  // topic name
               0x05,                       // property length 5
               0x0b, 0x01,                 // subscription identifier 1
               0x0b, 0x80, 0x01,           // subscription identifier 128, in two bytes
               'p'},                       // payload
     .expected = publish_with(12, {varint_property(11, 1), varint_property(11, 128)})},

    {.name = "session expiry interval (17) in CONNECT",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x12,                      // CONNECT, remaining length 18
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x05,                            // protocol version 5
               0x02,                            // flags: clean start
               0x00, 0x3c,                      // keep alive 60 s
               0x05,                            // property length 5
               0x11, 0xff, 0xff, 0xff, 0xff,    // session expiry interval: never [3.1.2.11.2]
               0x00, 0x00},                     // client identifier ""
     .expected = connect_with(18, {four_byte_property(17, 0xffff'ffff)}),
     .after_connect = false},

    {.name = "assigned client identifier (18) in CONNACK",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x0c,  // CONNACK, remaining length 12
               0x00,        // acknowledge flags
               0x00,        // reason code: success
               0x09,        // property length 9
               0x12, 0x00, 0x06, 'a', 'u', 't', 'o', '-', '1'},  // assigned client identifier [3.2.2.3.7]
     .expected = connack_with(12, {utf8_property(18, "auto-1")})},

    {.name = "server keep alive (19) in CONNACK",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x06,          // CONNACK, remaining length 6
               0x00,                // acknowledge flags
               0x00,                // reason code: success
               0x03,                // property length 3
               0x13, 0x00, 0x1e},   // server keep alive: 30 s [3.2.2.3.14]
     .expected = connack_with(6, {two_byte_property(19, 30)})},

    {.name = "authentication method (21) in CONNECT",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x1b,                      // CONNECT, remaining length 27
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x05,                            // protocol version 5
               0x02,                            // flags: clean start
               0x00, 0x3c,                      // keep alive 60 s
               0x0e,                            // property length 14
               0x15,                            // authentication method [3.1.2.11.9]
               0x00, 0x0b, 'S', 'C', 'R', 'A', 'M', '-', 'S', 'H', 'A', '-', '1',  // "SCRAM-SHA-1"
               0x00, 0x00},                     // client identifier ""
     .expected = connect_with(27, {utf8_property(21, "SCRAM-SHA-1")}),
     .after_connect = false},

    // The method must come with the data [3.15.2.2.2].
    {.name = "authentication data (22) in AUTH, continue authentication",
     .version = V5,
     .dir = ToClient,
     .bytes = {0xf0, 0x16,                           // AUTH, remaining length 22
               0x18,                                 // reason code 0x18: continue authentication
               0x14,                                 // property length 20
               0x15,                                 // authentication method
               0x00, 0x0b, 'S', 'C', 'R', 'A', 'M', '-', 'S', 'H', 'A', '-', '1',  // "SCRAM-SHA-1"
               0x16, 0x00, 0x03, 0x01, 0x02, 0x03},  // authentication data: binary [3.15.2.2.4]
     .expected = Packet{.type = Auth, .remaining_length = 22,
                        .properties = {utf8_property(21, "SCRAM-SHA-1"),
                                       binary_property(22, "\x01\x02\x03")},
                        .reason_code = 0x18}},

    {.name = "request problem information (23) in CONNECT",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x0f,                      // CONNECT, remaining length 15
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x05,                            // protocol version 5
               0x02,                            // flags: clean start
               0x00, 0x3c,                      // keep alive 60 s
               0x02,                            // property length 2
               0x17, 0x00,                      // request problem information: 0 [3.1.2.11.7]
               0x00, 0x00},                     // client identifier ""
     .expected = connect_with(15, {byte_property(23, 0)}),
     .after_connect = false},

    {.name = "will delay interval (24) in the will properties of CONNECT",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x19,                      // CONNECT, remaining length 25
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x05,                            // protocol version 5
               0x06,                            // flags: will (QoS 0), clean start
               0x00, 0x3c,                      // keep alive 60 s
               0x00,                            // property length 0
               0x00, 0x00,                      // client identifier ""
               0x05,                            // will property length 5
               0x18, 0x00, 0x00, 0x00, 0x3c,    // will delay interval: 60 s [3.1.3.2.2]
               0x00, 0x01, 'w',                 // will topic
               0x00, 0x01, 'x'},                // will payload
     .expected = Packet{.type = Connect, .remaining_length = 25, .protocol_name = "MQTT", .protocol_level = 5,
                        .connect_flags = 0x06, .keepalive = 60,
                        .will = Will{.properties = {four_byte_property(24, 60)}, .topic = "w",
                                     .payload = "x"}},
     .after_connect = false},

    {.name = "request response information (25) in CONNECT",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x0f,                      // CONNECT, remaining length 15
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x05,                            // protocol version 5
               0x02,                            // flags: clean start
               0x00, 0x3c,                      // keep alive 60 s
               0x02,                            // property length 2
               0x19, 0x01,                      // request response information: 1 [3.1.2.11.6]
               0x00, 0x00},                     // client identifier ""
     .expected = connect_with(15, {byte_property(25, 1)}),
     .after_connect = false},

    {.name = "response information (26) in CONNACK",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x0b,  // CONNACK, remaining length 11
               0x00,        // acknowledge flags
               0x00,        // reason code: success
               0x08,        // property length 8
               0x1a, 0x00, 0x05, 'r', 'e', 's', 'p', '/'},  // response information [3.2.2.3.15]
     .expected = connack_with(11, {utf8_property(26, "resp/")})},

    {.name = "server reference (28) in DISCONNECT from the server",
     .version = V5,
     .dir = ToClient,
     .bytes = {0xe0, 0x0c,  // DISCONNECT, remaining length 12
               0x9c,        // reason code 0x9c: use another server
               0x0a,        // property length 10
               0x1c, 0x00, 0x07, 'b', '2', ':', '1', '8', '8', '3'},  // server reference [3.14.2.2.5]
     .expected = Packet{.type = Disconnect, .remaining_length = 12,
                        .properties = {utf8_property(28, "b2:1883")}, .reason_code = 0x9c}},

    {.name = "reason string (31) in PUBACK",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x40, 0x0e,  // PUBACK, remaining length 14
               0x00, 0x0a,  // packet identifier 10
               0x10,        // reason code 0x10: no matching subscribers
               0x0a,        // property length 10
               0x1f, 0x00, 0x07, 'n', 'o', ' ', 's', 'u', 'b', 's'},  // reason string [3.4.2.2.2]
     .expected = Packet{.type = Puback, .remaining_length = 14, .packet_id = 10,
                        .properties = {utf8_property(31, "no subs")}, .reason_code = 0x10}},

    {.name = "receive maximum (33) in CONNECT",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x10,                      // CONNECT, remaining length 16
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x05,                            // protocol version 5
               0x02,                            // flags: clean start
               0x00, 0x3c,                      // keep alive 60 s
               0x03,                            // property length 3
               0x21, 0x00, 0x14,                // receive maximum: 20 [3.1.2.11.3]
               0x00, 0x00},                     // client identifier ""
     .expected = connect_with(16, {two_byte_property(33, 20)}),
     .after_connect = false},

    {.name = "topic alias maximum (34) in CONNACK",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x06,         // CONNACK, remaining length 6
               0x00,               // acknowledge flags
               0x00,               // reason code: success
               0x03,               // property length 3
               0x22, 0x00, 0x0a},  // topic alias maximum: 10 [3.2.2.3.8]
     .expected = connack_with(6, {two_byte_property(34, 10)})},

    {.name = "topic alias (35) in PUBLISH, set with its topic",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x0a,                 // PUBLISH, remaining length 10
               0x00, 0x03, 'a', '/', 'b',  // topic name
               0x03,                       // property length 3
               0x23, 0x00, 0x01,           // topic alias 1 [3.3.2.3.4]
               'p'},                       // payload
     .expected = publish_with(10, {two_byte_property(35, 1)})},

    {.name = "maximum QoS (36) in CONNACK",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x05,   // CONNACK, remaining length 5
               0x00,         // acknowledge flags
               0x00,         // reason code: success
               0x02,         // property length 2
               0x24, 0x01},  // maximum QoS: 1 [3.2.2.3.4]
     .expected = connack_with(5, {byte_property(36, 1)})},

    {.name = "retain available (37) in CONNACK",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x05,   // CONNACK, remaining length 5
               0x00,         // acknowledge flags
               0x00,         // reason code: success
               0x02,         // property length 2
               0x25, 0x00},  // retain available: 0, not supported [3.2.2.3.5]
     .expected = connack_with(5, {byte_property(37, 0)})},

    // User properties keep their order, and a name may repeat [3.3.2.3.7].
    {.name = "user property (38) three times in PUBLISH, one name twice",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x30, 0x25,                                          // PUBLISH, remaining length 37
               0x00, 0x03, 'a', '/', 'b',                           // topic name
               0x1e,                                                // property length 30
               0x26, 0x00, 0x04, 'u', 'n', 'i', 't', 0x00, 0x01, 'C',  // user property unit=C
               0x26, 0x00, 0x04, 's', 'i', 't', 'e', 0x00, 0x01, 'a',  // user property site=a
               0x26, 0x00, 0x04, 'u', 'n', 'i', 't', 0x00, 0x01, 'K',  // user property unit=K
               'p'},                                                // payload
     .expected = publish_with(37, {user_property("unit", "C"), user_property("site", "a"),
                                   user_property("unit", "K")})},

    {.name = "maximum packet size (39) in CONNECT",
     .version = V5,
     .dir = ToServer,
     .bytes = {0x10, 0x12,                      // CONNECT, remaining length 18
               0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
               0x05,                            // protocol version 5
               0x02,                            // flags: clean start
               0x00, 0x3c,                      // keep alive 60 s
               0x05,                            // property length 5
               0x27, 0x00, 0x00, 0x10, 0x00,    // maximum packet size: 4096 [3.1.2.11.4]
               0x00, 0x00},                     // client identifier ""
     .expected = connect_with(18, {four_byte_property(39, 4096)}),
     .after_connect = false},

    {.name = "wildcard subscription available (40) in CONNACK",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x05,   // CONNACK, remaining length 5
               0x00,         // acknowledge flags
               0x00,         // reason code: success
               0x02,         // property length 2
               0x28, 0x00},  // wildcard subscription available: 0 [3.2.2.3.11]
     .expected = connack_with(5, {byte_property(40, 0)})},

    {.name = "subscription identifiers available (41) in CONNACK",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x05,   // CONNACK, remaining length 5
               0x00,         // acknowledge flags
               0x00,         // reason code: success
               0x02,         // property length 2
               0x29, 0x01},  // subscription identifiers available: 1 [3.2.2.3.12]
     .expected = connack_with(5, {byte_property(41, 1)})},

    {.name = "shared subscription available (42) in CONNACK",
     .version = V5,
     .dir = ToClient,
     .bytes = {0x20, 0x05,   // CONNACK, remaining length 5
               0x00,         // acknowledge flags
               0x00,         // reason code: success
               0x02,         // property length 2
               0x2a, 0x00},  // shared subscription available: 0 [3.2.2.3.13]
     .expected = connack_with(5, {byte_property(42, 0)})},
};

}  // namespace

const std::vector<Fixture>& mqscan::test::property_fixtures() { return kFixtures; }

TEST_CASE("Each MQTT 5.0 property decodes to its value, whatever the chunking", "[mqtt][fixture][property]") {
    check_fixture(GENERATE(from_range(property_fixtures())));
}
