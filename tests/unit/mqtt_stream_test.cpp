// The MQTT dissector over streams: the same events whatever the chunking,
// resynchronisation after gaps, the version without a CONNECT, topic aliases.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "mqtt/codec.hpp"
#include "mqtt/mqtt_dissector.hpp"
#include "mqtt_harness.hpp"
#include "mqtt_packets.hpp"

using namespace mqscan;
using namespace mqscan::mqtt;
using namespace mqscan::test;

namespace {

// One line per event, so a whole conversation compares as a list of strings.
std::vector<std::string> lines(const DissectorHarness& h) {
    std::vector<std::string> out;
    for (const RecordedEvent& e : h.log.events) {
        const Packet& p = e.packet;
        out.push_back(std::string(to_string(e.dir)) + " " + std::string(to_string(p.type)) + " v" +
                      std::string(to_string(e.version)) + " id=" +
                      (p.packet_id ? std::to_string(*p.packet_id) : "-") + " topic=" +
                      p.effective_topic() + " payload=" + p.payload + (e.malformed ? " MALFORMED" : ""));
    }
    return out;
}

// A client stream of a QoS 0/1/2 session, including a large PUBLISH.
std::string client_stream(Version v) {
    std::string s;
    s += encode_packet(connect_packet(v, "student-1"), v);
    s += encode_packet(publish_packet(0, 0, "ciel", "hello"), v);
    s += encode_packet(publish_packet(1, 1, "ciel", "q1"), v);
    s += encode_packet(publish_packet(2, 2, "maison/salon/temperature", std::string(300, 't')), v);
    s += encode_packet(simple_packet(PacketType::Pubrel, 2), v);
    s += encode_packet(simple_packet(PacketType::Pingreq), v);
    s += encode_packet(simple_packet(PacketType::Disconnect), v);
    return s;
}

std::vector<std::string> feed_in_chunks(const std::string& stream, std::size_t chunk) {
    DissectorHarness h;
    MqttDissector& d = h.make();
    for (std::size_t at = 0; at < stream.size(); at += chunk)
        d.feed(Direction::ToServer, bytes_of(stream.substr(at, chunk)), {});
    d.end({});
    return lines(h);
}

}  // namespace

TEST_CASE("Any chunking of a stream gives the same packets", "[mqtt][stream]") {
    const Version version = GENERATE(Version::V311, Version::V5, Version::V31);
    const std::string stream = client_stream(version);
    const std::vector<std::string> whole = feed_in_chunks(stream, stream.size());
    REQUIRE(whole.size() == 7);
    CHECK(whole[3] == "to_server PUBLISH v" + std::string(to_string(version)) +
                          " id=2 topic=maison/salon/temperature payload=" + std::string(300, 't'));

    SECTION("1, 2, 3 and 7 bytes at a time") {
        const std::size_t chunk = GENERATE(1u, 2u, 3u, 7u);
        CHECK(feed_in_chunks(stream, chunk) == whole);
    }
    SECTION("split once at every position") {
        for (std::size_t split = 1; split < stream.size(); ++split) {
            DissectorHarness h;
            MqttDissector& d = h.make();
            d.feed(Direction::ToServer, bytes_of(stream.substr(0, split)), {});
            d.feed(Direction::ToServer, bytes_of(stream.substr(split)), {});
            d.end({});
            REQUIRE(lines(h) == whole);
            REQUIRE(h.anomalies.empty());
        }
    }
    SECTION("trailing garbage does not change what came before") {
        DissectorHarness h;
        MqttDissector& d = h.make();
        d.feed(Direction::ToServer, bytes_of(stream + std::string("\x30\x7f" "abc")), {});
        d.end({});
        CHECK(lines(h) == whole);
        CHECK(h.raised(AnomalyId::MqttPacketIncomplete));
    }
}

TEST_CASE("A gap inside a packet of known length loses only that packet", "[mqtt][stream]") {
    DissectorHarness h;
    MqttDissector& d = h.make();
    const std::string connect = encode_packet(connect_packet(Version::V311, "c"), Version::V311);
    const std::string lost = encode_packet(publish_packet(0, 0, "ciel", "0123456789"), Version::V311);
    const std::string next = encode_packet(publish_packet(1, 5, "ciel", "after"), Version::V311);
    d.feed(Direction::ToServer, bytes_of(connect + lost.substr(0, 6)), {});
    d.gap(Direction::ToServer, 4, {});
    d.feed(Direction::ToServer, bytes_of(lost.substr(10) + next), {});
    d.end({});
    const std::vector<std::string> seen = lines(h);
    REQUIRE(seen.size() == 2);
    CHECK(seen[1] == "to_server PUBLISH v3.1.1 id=5 topic=ciel payload=after");
    CHECK(h.raised(AnomalyId::MqttPacketIncomplete));
    CHECK_FALSE(h.raised(AnomalyId::MqttResync));
}

TEST_CASE("After a gap of unknown content, decoding resumes at a plausible packet", "[mqtt][stream]") {
    DissectorHarness h;
    MqttDissector& d = h.make();
    const Version v = Version::V311;
    d.feed(Direction::ToServer, bytes_of(encode_packet(connect_packet(v, "c"), v)), {});
    const std::string big = encode_packet(publish_packet(0, 0, "ciel", std::string(50, 'x')), v);
    d.gap(Direction::ToServer, 20, {});  // the gap swallowed the start of `big`
    d.feed(Direction::ToServer,
           bytes_of(big.substr(20) + encode_packet(publish_packet(1, 9, "ciel", "ok"), v) +
                    encode_packet(simple_packet(PacketType::Pingreq), v)),
           {});
    d.end({});
    const std::vector<std::string> seen = lines(h);
    REQUIRE(seen.size() == 3);
    CHECK(seen[1] == "to_server PUBLISH v3.1.1 id=9 topic=ciel payload=ok");
    CHECK(seen[2] == "to_server PINGREQ v3.1.1 id=- topic= payload=");
    CHECK(h.raised(AnomalyId::MqttResync));
}

TEST_CASE("A packet over the limit is reported and skipped, not buffered", "[mqtt][stream]") {
    DissectorHarness h;
    h.settings.max_packet = 64;
    MqttDissector& d = h.make();
    const Version v = Version::V311;
    const std::string big = encode_packet(publish_packet(0, 0, "ciel", std::string(200, 'x')), v);
    const std::string after = encode_packet(publish_packet(0, 0, "ciel", "small"), v);
    const std::string stream = encode_packet(connect_packet(v, "c"), v) + big + after;
    for (std::size_t at = 0; at < stream.size(); at += 10)
        d.feed(Direction::ToServer, bytes_of(stream.substr(at, 10)), {});
    CHECK(h.raised(AnomalyId::MqttPacketTooLarge));
    const std::vector<std::string> seen = lines(h);
    REQUIRE(seen.size() == 2);
    CHECK(seen[1] == "to_server PUBLISH v3.1.1 id=- topic=ciel payload=small");
}

TEST_CASE("Without a CONNECT the version is guessed and the gap is named", "[mqtt][stream]") {
    DissectorHarness h(RoleSource::Port);
    MqttDissector& d = h.make();
    Packet connack = simple_packet(PacketType::Connack);
    connack.reason_code = 0;
    connack.properties = {Property{34, PropertyKind::TwoByte, 10, {}, {}}};
    d.feed(Direction::ToClient, bytes_of(encode_packet(connack, Version::V5)), {});
    d.feed(Direction::ToServer, bytes_of(encode_packet(publish_packet(0, 0, "t", "p"), Version::V5)), {});
    CHECK(h.raised(AnomalyId::MqttConnectMissing));
    CHECK(d.version() == Version::V5);
    const std::vector<std::string> seen = lines(h);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == "to_client CONNACK v5.0 id=- topic= payload=");
}

TEST_CASE("The CONNECT's version applies to both directions", "[mqtt][stream]") {
    DissectorHarness h;
    MqttDissector& d = h.make();
    d.feed(Direction::ToServer, bytes_of(encode_packet(connect_packet(Version::V5, "x"), Version::V5)), {});
    Packet puback = simple_packet(PacketType::Puback, 1);
    puback.reason_code = 0x10;  // no matching subscribers
    d.feed(Direction::ToClient, bytes_of(encode_packet(puback, Version::V5)), {});
    CHECK(d.connect_seen());
    CHECK(h.anomalies.empty());
    const std::vector<std::string> seen = lines(h);
    REQUIRE(seen.size() == 2);
    CHECK(seen[1] == "to_client PUBACK v5.0 id=1 topic= payload=");
}

TEST_CASE("Topic aliases resolve per direction", "[mqtt][stream]") {
    DissectorHarness h;
    MqttDissector& d = h.make();
    const Version v = Version::V5;
    d.feed(Direction::ToServer, bytes_of(encode_packet(connect_packet(v, "x"), v)), {});
    Packet first = publish_packet(0, 0, "maison/salon/temperature", "20");
    first.properties = {Property{35, PropertyKind::TwoByte, 4, {}, {}}};
    Packet again = publish_packet(0, 0, "", "21");
    again.properties = first.properties;
    Packet unknown = publish_packet(0, 0, "", "22");
    unknown.properties = {Property{35, PropertyKind::TwoByte, 9, {}, {}}};
    d.feed(Direction::ToServer,
           bytes_of(encode_packet(first, v) + encode_packet(again, v) + encode_packet(unknown, v)), {});
    d.feed(Direction::ToClient, bytes_of(encode_packet(again, v)), {});
    const std::vector<std::string> seen = lines(h);
    REQUIRE(seen.size() == 5);
    CHECK(seen[2] == "to_server PUBLISH v5.0 id=- topic=maison/salon/temperature payload=21");
    CHECK(seen[3] == "to_server PUBLISH v5.0 id=- topic= payload=22");
    CHECK(seen[4] == "to_client PUBLISH v5.0 id=- topic= payload=21");
    CHECK(h.count(AnomalyId::MqttTopicAliasUnknown) == 2);
}

TEST_CASE("Packets sent the wrong way are named when the roles are known", "[mqtt][stream]") {
    DissectorHarness h;
    MqttDissector& d = h.make();
    d.feed(Direction::ToClient, bytes_of(encode_packet(simple_packet(PacketType::Pingreq), Version::V311)), {});
    CHECK(h.raised(AnomalyId::MqttWrongDirection));
}

TEST_CASE("A malformed packet costs one packet, not the stream", "[mqtt][stream]") {
    DissectorHarness h;
    MqttDissector& d = h.make();
    const Version v = Version::V311;
    const std::string bad = std::string("\x30\x04\x00\x09" "ab", 6);  // topic longer than the packet
    d.feed(Direction::ToServer,
           bytes_of(encode_packet(connect_packet(v, "c"), v) + bad +
                    encode_packet(publish_packet(0, 0, "ciel", "fine"), v)),
           {});
    const std::vector<std::string> seen = lines(h);
    REQUIRE(seen.size() == 3);
    CHECK(seen[1] == "to_server PUBLISH v3.1.1 id=- topic= payload= MALFORMED");
    CHECK(seen[2] == "to_server PUBLISH v3.1.1 id=- topic=ciel payload=fine");
    CHECK(h.raised(AnomalyId::MqttFieldPastEnd));
}

// Found in review: a candidate judged on the byte after it was accepted or not
// depending on where the chunks ended.
TEST_CASE("After a gap, resynchronisation does not depend on the chunking", "[mqtt][stream]") {
    const std::string connect = encode_packet(connect_packet(Version::V311, "c"), Version::V311);
    const std::string after_gap("\x30\x02\x00\x00\x00\xc0\x00", 7);
    const auto run = [&](std::size_t chunk) {
        DissectorHarness h;
        MqttDissector& d = h.make();
        d.feed(Direction::ToServer, bytes_of(connect), {});
        d.gap(Direction::ToServer, 9, {});
        for (std::size_t at = 0; at < after_gap.size(); at += chunk)
            d.feed(Direction::ToServer, bytes_of(after_gap.substr(at, chunk)), {});
        d.end({});
        return std::make_pair(lines(h), h.anomalies);
    };
    const auto whole = run(after_gap.size());
    CHECK(run(1) == whole);
    CHECK(run(2) == whole);
    CHECK(run(3) == whole);
}
