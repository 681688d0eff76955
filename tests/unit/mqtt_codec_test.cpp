// MQTT codec: annotated byte fixtures per packet type and version, malformed
// cases, the remaining-length boundaries, and encode/parse round trips.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "mqtt/codec.hpp"
#include "mqtt/varint.hpp"
#include "mqtt_packets.hpp"

using namespace mqscan;
using namespace mqscan::mqtt;

namespace {

using Frame = std::vector<std::uint8_t>;

// Parses a whole frame whose remaining length is one byte (the fixtures here).
ParsedPacket parse(const Frame& frame, Version version = Version::V311) {
    REQUIRE(frame.size() >= 2);
    REQUIRE(frame[1] == frame.size() - 2);
    return parse_packet(frame[0], Bytes(frame).subspan(2), version, 1024);
}

bool has_issue(const ParsedPacket& p, AnomalyId id) {
    return std::any_of(p.issues.begin(), p.issues.end(), [&](const auto& i) { return i.id == id; });
}

}  // namespace

TEST_CASE("CONNECT 3.1.1 with will, user name and password", "[mqtt][codec]") {
    const Frame frame = {
        0x10, 33,                       // CONNECT, remaining length
        0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name
        0x04,                           // level 4 = 3.1.1
        0xee,                           // user, password, will retain, will QoS 1, will, clean
        0x00, 0x3c,                     // keep alive 60
        0x00, 0x02, 'c', '1',           // client id
        0x00, 0x03, 'a', '/', 'w',      // will topic
        0x00, 0x03, 'b', 'y', 'e',      // will payload
        0x00, 0x03, 'b', 'o', 'b',      // user name
        0x00, 0x02, 'p', 'w',           // password
    };
    const ParsedPacket r = parse(frame, Version::Unknown);
    CHECK_FALSE(r.malformed);
    CHECK(r.issues.empty());
    const Packet& p = r.packet;
    CHECK(p.type == PacketType::Connect);
    CHECK(p.protocol_name == "MQTT");
    CHECK(version_of_level(p.protocol_level) == Version::V311);
    CHECK(p.keepalive == 60);
    CHECK(p.clean_session());
    CHECK(p.client_id == "c1");
    REQUIRE(p.will.has_value());
    CHECK(p.will->qos == 1);
    CHECK(p.will->retain);
    CHECK(p.will->topic == "a/w");
    CHECK(p.will->payload == "bye");
    CHECK(p.username == "bob");
    CHECK(p.password == "pw");
}

TEST_CASE("CONNECT 3.1 (MQIsdp) and 5.0 with properties", "[mqtt][codec]") {
    SECTION("3.1") {
        const Frame frame = {
            0x10, 14,
            0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',  // protocol name
            0x03,                                      // level 3 = 3.1
            0x02,                                      // clean session
            0x00, 0x0a,                                // keep alive 10
            0x00, 0x00,                                // empty client id
        };
        const ParsedPacket r = parse(frame, Version::Unknown);
        CHECK(r.issues.empty());
        CHECK(version_of_level(r.packet.protocol_level) == Version::V31);
    }
    SECTION("5.0") {
        const Frame frame = {
            0x10, 23,
            0x00, 0x04, 'M', 'Q', 'T', 'T',
            0x05,                    // level 5
            0x02,                    // clean start
            0x00, 0x3c,              // keep alive 60
            0x08,                    // property length
            0x11, 0, 0, 0x0e, 0x10,  // session expiry interval 3600
            0x21, 0x00, 0x14,        // receive maximum 20
            0x00, 0x02, 'm', 'x',    // client id
        };
        const ParsedPacket r = parse(frame, Version::Unknown);
        CHECK(r.issues.empty());
        REQUIRE(r.packet.properties.size() == 2);
        CHECK(r.packet.properties[0].id == 17);
        CHECK(r.packet.properties[0].number == 3600);
        CHECK(r.packet.properties[1].id == 33);
        CHECK(r.packet.properties[1].number == 20);
        CHECK(r.packet.client_id == "mx");
    }
}

TEST_CASE("CONNACK in 3.1.1 and 5.0", "[mqtt][codec]") {
    const ParsedPacket v3 = parse({0x20, 2, 0x01, 0x05});  // session present, not authorised
    CHECK(v3.packet.session_present);
    CHECK(v3.packet.reason_code == 5);
    const ParsedPacket v5 = parse({0x20, 6,
                                   0x00,              // flags
                                   0x86,              // bad user name or password
                                   0x03,              // property length
                                   0x22, 0x00, 0x0a}, // topic alias maximum 10
                                  Version::V5);
    CHECK(v5.issues.empty());
    CHECK(v5.packet.reason_code == 0x86);
    REQUIRE(v5.packet.properties.size() == 1);
    CHECK(v5.packet.properties[0].number == 10);
}

TEST_CASE("PUBLISH at each QoS", "[mqtt][codec]") {
    const ParsedPacket q0 = parse({0x31, 9, 0x00, 0x04, 'c', 'i', 'e', 'l', 'h', 'e', 'y'});
    CHECK(q0.packet.retain);
    CHECK(q0.packet.qos == 0);
    CHECK_FALSE(q0.packet.packet_id.has_value());
    CHECK(q0.packet.topic == "ciel");
    CHECK(q0.packet.payload == "hey");
    CHECK(q0.packet.payload_length == 3);

    const ParsedPacket q2 = parse({0x3c, 10,             // DUP, QoS 2
                                   0x00, 0x04, 'c', 'i', 'e', 'l',
                                   0x00, 0x07,           // packet id 7
                                   'h', 'i'});
    CHECK(q2.packet.dup);
    CHECK(q2.packet.qos == 2);
    CHECK(q2.packet.packet_id == 7);
    CHECK(q2.packet.payload == "hi");
}

TEST_CASE("The payload is capped but its length stays exact", "[mqtt][codec]") {
    const Frame frame = {0x30, 9, 0x00, 0x01, 't', '1', '2', '3', '4', '5', '6'};
    const ParsedPacket r = parse_packet(frame[0], Bytes(frame).subspan(2), Version::V311, 4);
    CHECK(r.packet.payload == "1234");
    CHECK(r.packet.payload_length == 6);
}

TEST_CASE("Acknowledgements, with the 5.0 short forms", "[mqtt][codec]") {
    CHECK(parse({0x40, 2, 0x00, 0x01}).packet.packet_id == 1);
    const ParsedPacket short_form = parse({0x50, 2, 0x00, 0x01}, Version::V5);
    CHECK_FALSE(short_form.packet.reason_code.has_value());
    CHECK(short_form.issues.empty());
    const ParsedPacket with_code = parse({0x62, 3, 0x00, 0x01, 0x92}, Version::V5);
    CHECK(with_code.packet.reason_code == 0x92);  // packet identifier not found
    const ParsedPacket full = parse({0x70, 8, 0x00, 0x01, 0x00,
                                     0x04, 0x1f, 0x00, 0x01, 'x'}, Version::V5);
    CHECK(full.packet.properties.at(0).text == "x");
}

TEST_CASE("SUBSCRIBE with 5.0 options, SUBACK, UNSUBSCRIBE, UNSUBACK", "[mqtt][codec]") {
    const ParsedPacket s5 = parse({0x82, 13,
                                   0x00, 0x02,  // packet id
                                   0x00,        // no properties
                                   0x00, 0x07, 'm', 'a', 'i', 's', 'o', 'n', '/',
                                   0x2e},       // QoS 2, no local, retain as published, RH 2
                                  Version::V5);
    REQUIRE(s5.packet.subscriptions.size() == 1);
    const Subscription& s = s5.packet.subscriptions[0];
    CHECK(s.filter == "maison/");
    CHECK(s.qos == 2);
    CHECK(s.no_local);
    CHECK(s.retain_as_published);
    CHECK(s.retain_handling == 2);

    const ParsedPacket suback = parse({0x90, 4, 0x00, 0x02, 0x01, 0x80});
    CHECK(suback.packet.reason_codes == std::vector<std::uint8_t>{0x01, 0x80});
    const ParsedPacket unsub = parse({0xa2, 7, 0x00, 0x03, 0x00, 0x03, 'a', '/', 'b'});
    CHECK(unsub.packet.unsubscribe_filters == std::vector<std::string>{"a/b"});
    const ParsedPacket unsuback = parse({0xb0, 4, 0x00, 0x03, 0x00, 0x11}, Version::V5);
    CHECK(unsuback.packet.reason_codes == std::vector<std::uint8_t>{0x11});
}

TEST_CASE("Malformed packets name what is wrong", "[mqtt][codec]") {
    SECTION("flags the type forbids") {
        CHECK(has_issue(parse({0x82 & 0xf0, 5, 0, 1, 0, 1, 'a'}), AnomalyId::MqttFlagsInvalid));
    }
    SECTION("QoS 3") {
        CHECK(has_issue(parse({0x36, 5, 0, 1, 't', 0, 1}), AnomalyId::MqttQosInvalid));
    }
    SECTION("packet id 0 with QoS 1") {
        CHECK(has_issue(parse({0x32, 5, 0, 1, 't', 0, 0}), AnomalyId::MqttPacketIdZero));
    }
    SECTION("wildcard in a PUBLISH topic") {
        CHECK(has_issue(parse({0x30, 3, 0, 1, '#'}), AnomalyId::MqttTopicWildcard));
    }
    SECTION("invalid UTF-8 and U+0000") {
        CHECK(has_issue(parse({0x30, 4, 0, 2, 0xc3, 0x28}), AnomalyId::MqttStringInvalidUtf8));
        CHECK(has_issue(parse({0x30, 4, 0, 2, 'a', 0x00}), AnomalyId::MqttStringNullChar));
    }
    SECTION("a string one byte past the end") {
        const ParsedPacket r = parse({0x30, 4, 0, 3, 'a', 'b'});
        CHECK(r.malformed);
        CHECK(has_issue(r, AnomalyId::MqttFieldPastEnd));
    }
    SECTION("a property length past the packet") {
        const ParsedPacket r = parse({0x20, 3, 0x00, 0x00, 0x09}, Version::V5);
        CHECK(r.malformed);
        CHECK(has_issue(r, AnomalyId::MqttPropertyLengthPastEnd));
    }
    SECTION("a repeated property") {
        const ParsedPacket r = parse({0x20, 9, 0, 0, 6, 0x24, 1, 0x24, 1, 0x25, 1}, Version::V5);
        CHECK_FALSE(r.malformed);
        CHECK(has_issue(r, AnomalyId::MqttPropertyDuplicate));
    }
    SECTION("an unknown property") {
        CHECK(has_issue(parse({0x20, 5, 0, 0, 2, 0x7f, 0}, Version::V5),
                        AnomalyId::MqttPropertyUnknown));
    }
    SECTION("trailing bytes") {
        CHECK(has_issue(parse({0xc0, 1, 0xff}), AnomalyId::MqttTrailingBytes));
    }
    SECTION("reserved type 0") {
        const ParsedPacket r = parse({0x00, 0});
        CHECK(r.malformed);
        CHECK(has_issue(r, AnomalyId::MqttTypeReserved));
    }
}

TEST_CASE("Remaining length: 1 to 4 bytes, minimal, at most 268435455", "[mqtt][varint]") {
    struct Case {
        std::vector<std::uint8_t> bytes;
        VarintStatus status;
        std::uint32_t value;
    };
    const auto c = GENERATE(values<Case>({
        {{0x00}, VarintStatus::Ok, 0},
        {{0x7f}, VarintStatus::Ok, 127},
        {{0x80, 0x01}, VarintStatus::Ok, 128},
        {{0xff, 0xff, 0xff, 0x7f}, VarintStatus::Ok, 268'435'455},
        {{0x80, 0x00}, VarintStatus::Overlong, 0},
        {{0xff, 0x80, 0x00}, VarintStatus::Overlong, 127},
        {{0xff, 0xff, 0xff, 0xff, 0x01}, VarintStatus::TooLong, 0},
        {{0x80, 0x80}, VarintStatus::NeedMore, 0},
    }));
    ByteReader reader(c.bytes);
    const Varint v = peek_varint(reader);
    CHECK(v.status == c.status);
    if (c.status == VarintStatus::Ok) {
        CHECK(v.value == c.value);
        CHECK(v.length == c.bytes.size());
        std::string encoded;
        encode_varint(c.value, encoded);
        CHECK(std::vector<std::uint8_t>(encoded.begin(), encoded.end()) == c.bytes);
    }
    CHECK(reader.position() == 0);
}

TEST_CASE("Encoding then parsing gives the same packet", "[mqtt][codec]") {
    Packet publish;
    publish.type = PacketType::Publish;
    publish.qos = 1;
    publish.retain = true;
    publish.packet_id = 9;
    publish.topic = "maison/salon/temperature";
    publish.payload = "21.5";
    publish.payload_length = 4;
    publish.properties = {Property{35, PropertyKind::TwoByte, 3, {}, {}},
                          Property{38, PropertyKind::Utf8Pair, 0, "unit", "C"}};

    Packet connect;
    connect.type = PacketType::Connect;
    connect.protocol_name = "MQTT";
    connect.protocol_level = 5;
    connect.connect_flags = 0xc6;  // user, password, will, clean start
    connect.keepalive = 30;
    connect.client_id = "mqttx_1234";
    connect.will = Will{0, false, {Property{24, PropertyKind::FourByte, 5, {}, {}}}, "w", "gone"};
    connect.username = "alice";
    connect.password = "secret";

    const Packet original = GENERATE_COPY(publish, connect);
    const std::string frame = encode_packet(original, Version::V5);
    const auto split = test::split_frame(frame);
    REQUIRE(split.has_value());
    ParsedPacket parsed = parse_packet(split->first_byte, split->body, Version::V5, 1024);
    CHECK(parsed.issues.empty());
    Packet expected = original;
    expected.flags = parsed.packet.flags;
    expected.remaining_length = split->remaining_length;
    CHECK(parsed.packet == expected);
}
