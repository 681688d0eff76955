// `mqscan mosquitto`: the exact lines a mosquitto 2.0 broker logs for each
// packet of a conversation, and for its end.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mqtt/codec.hpp"
#include "mqtt_packets.hpp"
#include "report/mosquitto_log.hpp"

using namespace mqscan;
using namespace mqscan::mqtt;

namespace {

using Lines = std::vector<std::string>;

constexpr std::int64_t kStart = 1'700'000'000;

// One client's connection to a broker on 1883, opened (SYN) in the capture at kStart.
struct Conversation {
    explicit Conversation(Version v = Version::V311, std::uint64_t id = 0) : version(v) {
        connection.id = id;
        connection.syn_seen = true;
        connection.start = Timestamp::from_seconds(kStart);
        connection.client.address.bytes = {127, 0, 0, 1};
        connection.client.port = 40000;
        connection.server.address.bytes = {127, 0, 0, 1};
        connection.server.port = 1883;
    }
    Lines from_client(const Packet& p, std::int64_t second = kStart, bool malformed = false) {
        return log.lines_for({connection, Direction::ToServer, frame(second), version, true, p, malformed});
    }
    Lines to_client(const Packet& p, std::int64_t second = kStart) {
        return log.lines_for({connection, Direction::ToClient, frame(second), version, true, p, false});
    }
    // The client's FIN, then the end of the connection at `second`.
    Lines client_closes(std::int64_t second) {
        connection.stats(Direction::ToServer).fin = true;
        connection.end = Timestamp::from_seconds(second);
        return log.lines_at_end(connection);
    }
    static FrameRef frame(std::int64_t second) { return {1, Timestamp::from_seconds(second)}; }

    Version version;
    ConnectionSummary connection;
    MosquittoLog log;
};

// The argument order of mosquitto's own log: who, then how.
Packet connect(const std::string& client_id, Version v = Version::V311) {
    return test::connect_packet(v, client_id);
}

Packet connack(std::uint8_t code = 0) {
    Packet p;
    p.type = PacketType::Connack;
    p.reason_code = code;
    return p;
}

Packet subscribe(std::uint16_t id, const std::vector<std::pair<std::string, std::uint8_t>>& filters) {
    Packet p = test::simple_packet(PacketType::Subscribe, id);
    for (const auto& [filter, qos] : filters) p.subscriptions.push_back({filter, qos, false, false, 0, qos});
    return p;
}

Packet suback(std::uint16_t id, std::vector<std::uint8_t> codes) {
    Packet p = test::simple_packet(PacketType::Suback, id);
    p.reason_codes = std::move(codes);
    return p;
}

// The packet as mqscan decodes it from the encoder's bytes.
Packet decoded(const Packet& original, Version v) {
    const std::string frame = encode_packet(original, v);
    const auto split = test::split_frame(frame);
    REQUIRE(split.has_value());
    const ParsedPacket parsed = parse_packet(split->first_byte, split->body, v, 1024);
    REQUIRE(parsed.issues.empty());
    return parsed.packet;
}

// Connects the client, its opening lines read and set aside.
void open(Conversation& c, const std::string& client_id) {
    c.from_client(connect(client_id, c.version));
    c.to_client(connack());
}

}  // namespace

TEST_CASE("A 3.1.1 publisher at QoS 1: connection, PUBLISH, PUBACK, DISCONNECT", "[mosquitto]") {
    Conversation c;
    CHECK(c.from_client(connect("pub311")) ==
          Lines{"1700000000: New connection from 127.0.0.1:40000 on port 1883."});
    CHECK(c.to_client(connack()) ==
          Lines{"1700000000: New client connected from 127.0.0.1:40000 as pub311 (p2, c1, k60).",
                "1700000000: No will message specified.",
                "1700000000: Sending CONNACK to pub311 (0, 0)"});
    CHECK(c.from_client(test::publish_packet(1, 1, "ciel", "hello"), kStart + 1) ==
          Lines{"1700000001: Received PUBLISH from pub311 (d0, q1, r0, m1, 'ciel', ... (5 bytes))"});
    CHECK(c.to_client(test::simple_packet(PacketType::Puback, 1), kStart + 1) ==
          Lines{"1700000001: Sending PUBACK to pub311 (m1, rc0)"});
    CHECK(c.from_client(test::simple_packet(PacketType::Disconnect), kStart + 2) ==
          Lines{"1700000002: Received DISCONNECT from pub311", "1700000002: Client pub311 disconnected."});
    CHECK(c.client_closes(kStart + 2).empty());
}

TEST_CASE("The connection line gives the protocol, user name and will", "[mosquitto]") {
    Conversation c(Version::V5);
    Packet p = connect("sub5", Version::V5);
    p.keepalive = 5;
    p.connect_flags = 0x80 | 0x20 | 0x08 | 0x04;  // user name, will retain, will QoS 1, will
    p.username = "student";
    p.will = Will{1, true, {}, "adieu", "bye"};
    c.from_client(p);
    CHECK(c.to_client(connack()) ==
          Lines{"1700000000: New client connected from 127.0.0.1:40000 as sub5 (p5, c0, k5, u'student').",
                "1700000000: Will message specified (3 bytes) (r1, q1).",
                "1700000000: \tadieu",
                "1700000000: Sending CONNACK to sub5 (0, 0)"});

    Conversation v31(Version::V31);
    v31.from_client(connect("pub31", Version::V31));
    CHECK(v31.to_client(connack()).front() ==
          "1700000000: New client connected from 127.0.0.1:40000 as pub31 (p1, c1, k60).");
}

TEST_CASE("The connection lines carry the CONNECT's time, the CONNACK line its own", "[mosquitto]") {
    Conversation c;
    c.from_client(connect("slow"), kStart + 4);
    CHECK(c.to_client(connack(), kStart + 5) ==
          Lines{"1700000004: New client connected from 127.0.0.1:40000 as slow (p2, c1, k60).",
                "1700000004: No will message specified.",
                "1700000005: Sending CONNACK to slow (0, 0)"});
}

TEST_CASE("An empty client id: the id a 5.0 CONNACK assigns, else it is said unknown", "[mosquitto]") {
    Conversation v5(Version::V5);
    v5.from_client(decoded(connect("", Version::V5), Version::V5));
    Packet ack = connack();
    ack.properties.push_back({0x12, PropertyKind::Utf8, 0, "auto-1F2E", {}});
    CHECK(v5.to_client(decoded(ack, Version::V5)) ==
          Lines{"1700000000: New client connected from 127.0.0.1:40000 as auto-1F2E (p5, c1, k60).",
                "1700000000: No will message specified.",
                "1700000000: Sending CONNACK to auto-1F2E (0, 0)"});

    Conversation v311(Version::V311, 7);
    v311.from_client(connect(""));
    CHECK(v311.to_client(connack()).back() == "1700000000: Sending CONNACK to <auto-assigned id #7> (0, 0)");
}

TEST_CASE("A refused client is named by its address, then closed as <unknown>", "[mosquitto]") {
    Conversation v311;
    v311.from_client(connect("refused311"));
    CHECK(v311.to_client(connack(5)) ==
          Lines{"1700000000: Sending CONNACK to 127.0.0.1 (0, 5)",
                "1700000000: Client <unknown> disconnected, not authorised."});
    CHECK(v311.from_client(test::publish_packet(0, 0, "late", "x")).empty());
    CHECK(v311.client_closes(kStart).empty());

    Conversation v5(Version::V5);
    v5.from_client(connect("refused5", Version::V5));
    CHECK(v5.to_client(connack(0x85)) ==
          Lines{"1700000000: Sending CONNACK to 127.0.0.1 (0, 133)",
                "1700000000: Client <unknown> disconnected due to protocol error."});
}

TEST_CASE("A connection whose CONNECT was not captured", "[mosquitto]") {
    Conversation c(Version::V311, 3);
    c.connection.syn_seen = false;
    CHECK(c.from_client(test::simple_packet(PacketType::Pingreq)) == Lines{"1700000000: Received PINGREQ from <unknown client #3>"});
    CHECK(c.to_client(test::simple_packet(PacketType::Pingresp)) == Lines{"1700000000: Sending PINGRESP to <unknown client #3>"});
    CHECK(c.to_client(connack()) == Lines{"1700000000: Sending CONNACK to <unknown client #3> (0, 0)"});
}

TEST_CASE("SUBSCRIBE lines wait for the SUBACK, which says what was granted", "[mosquitto]") {
    Conversation c;
    open(c, "sub311");
    CHECK(c.from_client(subscribe(1, {{"ciel", 2}, {"maison/#", 2}, {"a/+/b", 1}})).empty());
    CHECK(c.to_client(suback(1, {1, 0x80, 1}), kStart + 1) ==
          Lines{"1700000000: Received SUBSCRIBE from sub311",
                "1700000000: \tciel (QoS 1)",
                "1700000000: sub311 1 ciel",
                "1700000000: \tmaison/# (QoS 2)",
                "1700000000: \ta/+/b (QoS 1)",
                "1700000000: sub311 1 a/+/b",
                "1700000001: Sending SUBACK to sub311"});
}

TEST_CASE("A SUBSCRIBE whose SUBACK was not captured says only what the broker read", "[mosquitto]") {
    Conversation c;
    open(c, "sub311");
    c.from_client(subscribe(4, {{"ciel", 2}}));
    CHECK(c.client_closes(kStart + 9) ==
          Lines{"1700000000: Received SUBSCRIBE from sub311", "1700000000: \tciel (QoS 2)",
                "1700000009: Client sub311 closed its connection."});
}

TEST_CASE("UNSUBSCRIBE, UNSUBACK and the ping", "[mosquitto]") {
    Conversation c(Version::V5);
    open(c, "unsub5");
    Packet unsubscribe = test::simple_packet(PacketType::Unsubscribe, 2);
    unsubscribe.unsubscribe_filters = {"x/y", "z"};
    CHECK(c.from_client(unsubscribe) ==
          Lines{"1700000000: Received UNSUBSCRIBE from unsub5", "1700000000: \tx/y", "1700000000: unsub5 x/y",
                "1700000000: \tz", "1700000000: unsub5 z"});
    CHECK(c.to_client(test::simple_packet(PacketType::Unsuback, 2)) == Lines{"1700000000: Sending UNSUBACK to unsub5"});
    CHECK(c.from_client(test::simple_packet(PacketType::Pingreq)) == Lines{"1700000000: Received PINGREQ from unsub5"});
    CHECK(c.to_client(test::simple_packet(PacketType::Pingresp)) == Lines{"1700000000: Sending PINGRESP to unsub5"});
}

TEST_CASE("QoS 2 both ways: each acknowledgement's own format", "[mosquitto]") {
    Conversation c;
    open(c, "q2");
    Packet in = test::publish_packet(2, 1, "ciel", "bonjour");
    in.retain = true;
    CHECK(c.from_client(in) ==
          Lines{"1700000000: Received PUBLISH from q2 (d0, q2, r1, m1, 'ciel', ... (7 bytes))"});
    CHECK(c.to_client(test::simple_packet(PacketType::Pubrec, 1)) == Lines{"1700000000: Sending PUBREC to q2 (m1, rc0)"});
    CHECK(c.from_client(test::simple_packet(PacketType::Pubrel, 1)) == Lines{"1700000000: Received PUBREL from q2 (Mid: 1)"});
    CHECK(c.to_client(test::simple_packet(PacketType::Pubcomp, 1)) == Lines{"1700000000: Sending PUBCOMP to q2 (m1)"});

    Packet out = test::publish_packet(2, 2, "ciel", "bonjour");
    out.dup = true;
    CHECK(c.to_client(out) == Lines{"1700000000: Sending PUBLISH to q2 (d1, q2, r0, m2, 'ciel', ... (7 bytes))"});
    CHECK(c.from_client(test::simple_packet(PacketType::Pubrec, 2)) == Lines{"1700000000: Received PUBREC from q2 (Mid: 2)"});
    CHECK(c.to_client(test::simple_packet(PacketType::Pubrel, 2)) == Lines{"1700000000: Sending PUBREL to q2 (m2)"});
    Packet pubcomp = test::simple_packet(PacketType::Pubcomp, 2);
    pubcomp.reason_code = 0x92;
    CHECK(c.from_client(pubcomp) == Lines{"1700000000: Received PUBCOMP from q2 (Mid: 2, RC:146)"});
}

TEST_CASE("PUBLISH lines give the topic an alias stands for and the whole payload length", "[mosquitto]") {
    Conversation c(Version::V5);
    open(c, "alias5");
    Packet p = test::publish_packet(0, 0, "", "");
    p.alias_topic = "maison/salon";
    p.payload = "first bytes only";
    p.payload_length = 100'000;
    CHECK(c.from_client(p) ==
          Lines{"1700000000: Received PUBLISH from alias5 (d0, q0, r0, m0, 'maison/salon', ... (100000 bytes))"});
}

TEST_CASE("A line is cut at 999 bytes, as mosquitto's buffer cuts it", "[mosquitto]") {
    Conversation c;
    open(c, "long");
    const Lines lines = c.from_client(test::publish_packet(0, 0, std::string(2000, 't'), "x"));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].size() == 999);
    CHECK(lines[0].rfind("1700000000: Received PUBLISH from long (d0, q0, r0, m0, 'ttt", 0) == 0);
}

TEST_CASE("The end of a connection", "[mosquitto]") {
    SECTION("the client closed its socket without DISCONNECT") {
        Conversation c;
        open(c, "quiet");
        CHECK(c.client_closes(kStart + 3) == Lines{"1700000003: Client quiet closed its connection."});
    }
    SECTION("the broker sent a 5.0 DISCONNECT: it wrote no line for it, and reads no more") {
        Conversation c(Version::V5);
        open(c, "kicked");
        CHECK(c.to_client(test::simple_packet(PacketType::Disconnect)).empty());
        CHECK(c.from_client(test::simple_packet(PacketType::Pingreq)).empty());
        CHECK(c.client_closes(kStart + 1).empty());
    }
    SECTION("still open when the capture ends") {
        Conversation c;
        open(c, "open");
        CHECK(c.log.lines_at_end(c.connection).empty());
    }
}

TEST_CASE("A malformed client packet ends the client", "[mosquitto]") {
    Conversation c;
    open(c, "broken");
    CHECK(c.from_client(test::publish_packet(1, 1, "ciel", ""), kStart, true) ==
          Lines{"1700000000: Client broken disconnected due to malformed packet."});
    CHECK(c.client_closes(kStart).empty());
}

TEST_CASE("AUTH lines give the reason code and the method", "[mosquitto]") {
    Conversation c(Version::V5);
    open(c, "scram");
    Packet auth = test::simple_packet(PacketType::Auth);
    auth.reason_code = 0x18;
    auth.properties.push_back({0x15, PropertyKind::Utf8, 0, "SCRAM-SHA-1", {}});
    CHECK(c.from_client(auth) == Lines{"1700000000: Received AUTH from scram (rc24, SCRAM-SHA-1)"});
    CHECK(c.to_client(auth) == Lines{"1700000000: Sending AUTH to scram (rc24, SCRAM-SHA-1)"});
}

TEST_CASE("An IPv6 peer is written without brackets", "[mosquitto]") {
    Conversation c;
    c.connection.client.address = IpAddress{IpVersion::V6, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
    CHECK(c.from_client(connect("six")) == Lines{"1700000000: New connection from ::1:40000 on port 1883."});
}

TEST_CASE("Pipelined packets: each one's lines just before its answer, as the broker handled them",
          "[mosquitto]") {
    Conversation c(Version::V5);
    open(c, "unsub5");
    Packet first = test::simple_packet(PacketType::Unsubscribe, 2);
    first.unsubscribe_filters = {"x/y"};
    Packet second = test::simple_packet(PacketType::Unsubscribe, 3);
    second.unsubscribe_filters = {"z"};
    CHECK(c.from_client(first) ==
          Lines{"1700000000: Received UNSUBSCRIBE from unsub5", "1700000000: \tx/y", "1700000000: unsub5 x/y"});
    CHECK(c.from_client(second).empty());
    CHECK(c.from_client(test::simple_packet(PacketType::Disconnect)).empty());
    CHECK(c.to_client(test::simple_packet(PacketType::Unsuback, 2)) ==
          Lines{"1700000000: Sending UNSUBACK to unsub5", "1700000000: Received UNSUBSCRIBE from unsub5",
                "1700000000: \tz", "1700000000: unsub5 z"});
    CHECK(c.to_client(test::simple_packet(PacketType::Unsuback, 3)) ==
          Lines{"1700000000: Sending UNSUBACK to unsub5", "1700000000: Received DISCONNECT from unsub5",
                "1700000000: Client unsub5 disconnected."});
}

TEST_CASE("A packet the broker sends on its own does not wait for a pending answer", "[mosquitto]") {
    Conversation c;
    open(c, "busy");
    CHECK(c.from_client(test::publish_packet(1, 7, "ciel", "hello")) ==
          Lines{"1700000000: Received PUBLISH from busy (d0, q1, r0, m7, 'ciel', ... (5 bytes))"});
    CHECK(c.to_client(test::publish_packet(0, 0, "ciel", "hello")) ==
          Lines{"1700000000: Sending PUBLISH to busy (d0, q0, r0, m0, 'ciel', ... (5 bytes))"});
    CHECK(c.from_client(test::simple_packet(PacketType::Pingreq)).empty());
    CHECK(c.to_client(test::simple_packet(PacketType::Puback, 7)) ==
          Lines{"1700000000: Sending PUBACK to busy (m7, rc0)", "1700000000: Received PINGREQ from busy"});
}

TEST_CASE("Packets sent before the CONNACK wait for it, and are dropped with a refusal", "[mosquitto]") {
    Conversation accepted;
    accepted.from_client(connect("eager"));
    CHECK(accepted.from_client(test::publish_packet(0, 0, "ciel", "early")).empty());
    CHECK(accepted.to_client(connack()) ==
          Lines{"1700000000: New client connected from 127.0.0.1:40000 as eager (p2, c1, k60).",
                "1700000000: No will message specified.", "1700000000: Sending CONNACK to eager (0, 0)",
                "1700000000: Received PUBLISH from eager (d0, q0, r0, m0, 'ciel', ... (5 bytes))"});

    Conversation refused;
    refused.from_client(connect("eager"));
    refused.from_client(test::publish_packet(0, 0, "ciel", "early"));
    CHECK(refused.to_client(connack(4)) ==
          Lines{"1700000000: Sending CONNACK to 127.0.0.1 (0, 4)",
                "1700000000: Client <unknown> disconnected, not authorised."});
    CHECK(refused.client_closes(kStart).empty());
}

TEST_CASE("Answers missing from the capture hold back at most 64 packets", "[mosquitto]") {
    Conversation c;
    open(c, "one-way");
    Lines lines;
    for (std::uint16_t id = 1; id <= 70; ++id) {
        const Lines more = c.from_client(test::publish_packet(1, id, "ciel", "x"));
        lines.insert(lines.end(), more.begin(), more.end());
    }
    REQUIRE(lines.size() == 7);
    CHECK(lines.back() == "1700000000: Received PUBLISH from one-way (d0, q1, r0, m7, 'ciel', ... (1 bytes))");
    CHECK(c.client_closes(kStart).size() == 63 + 1);
}
