// The law every MQTT byte fixture goes through: see mqtt_fixture.hpp.
#include "mqtt_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "mqtt_harness.hpp"

namespace mqscan::test {
namespace {

using mqtt::PacketType;
using mqtt::Version;
using ByteString = std::vector<std::uint8_t>;

// The CONNECT that fixes the connection's version before the fixture [MQTT-3.1.0-1].
ByteString connect_announcing(Version v) {
    switch (v) {
        case Version::V31:
            return {0x10, 0x0f,                                   // CONNECT, remaining length 15
                    0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',     // protocol name of 3.1
                    0x03,                                         // level 3
                    0x02,                                         // clean session
                    0x00, 0x3c,                                   // keep alive 60
                    0x00, 0x01, 'p'};                             // client identifier
        case Version::V311:
            return {0x10, 0x0d,                                   // CONNECT, remaining length 13
                    0x00, 0x04, 'M', 'Q', 'T', 'T',               // protocol name
                    0x04,                                         // level 4
                    0x02,                                         // clean session
                    0x00, 0x3c,                                   // keep alive 60
                    0x00, 0x01, 'p'};                             // client identifier
        case Version::V5:
            return {0x10, 0x0e,                                   // CONNECT, remaining length 14
                    0x00, 0x04, 'M', 'Q', 'T', 'T',               // protocol name
                    0x05,                                         // level 5
                    0x02,                                         // clean start
                    0x00, 0x3c,                                   // keep alive 60
                    0x00,                                         // no properties
                    0x00, 0x01, 'p'};                             // client identifier
        case Version::Unknown: break;
    }
    FAIL("a fixture after a CONNECT needs a known version");
    return {};
}

// The good packet after each fixture: a PUBACK reads the same in every
// version (5.0's short form [MQTT-3.4.2.1]) and may go either way.
const ByteString kFollower = {0x40, 0x02,   // PUBACK, remaining length 2
                          0x12, 0x34};  // packet identifier 0x1234

mqtt::Packet follower_packet() {
    return {.type = PacketType::Puback, .remaining_length = 2, .packet_id = 0x1234};
}

// A packet body longer than this is fed in blocks, not cut at every offset:
// the framer only counts such bytes, and cutting them everywhere would take hours.
constexpr std::uint32_t kCutFillerLimit = 64 * 1024;
constexpr std::size_t kFillerBlock = 64 * 1024;

// The bytes of a fixture's stream that chunkings cut (head, then tail), and
// the filler between them that is fed in blocks.
struct FixtureStream {
    ByteString head;
    std::uint64_t filler = 0;
    ByteString tail;

    [[nodiscard]] std::size_t cut_length() const { return head.size() + tail.size(); }
};

FixtureStream stream_of(const Fixture& f) {
    FixtureStream s{f.bytes, 0, {}};
    const bool cut_filler = f.body_filler <= kCutFillerLimit;
    if (cut_filler) {
        s.head.resize(s.head.size() + f.body_filler);
    } else {
        s.filler = f.body_filler;
    }
    ByteString& after = cut_filler ? s.head : s.tail;
    if (f.followed) after.insert(after.end(), kFollower.begin(), kFollower.end());
    return s;
}

// A chunking: the offsets, among the bytes chunkings cut, where one feed ends.
struct Chunking {
    std::string name;
    std::vector<std::size_t> cuts;  // ascending
};

Chunking every(std::size_t step, std::size_t length) {
    Chunking c{std::to_string(step) + " bytes at a time", {}};
    for (std::size_t at = step; at < length; at += step) c.cuts.push_back(at);
    return c;
}

// Feeds `bytes`, which start at `base` among the cut bytes, in the pieces the cuts make.
void feed_cut(mqtt::MqttDissector& d, Direction dir, const ByteString& bytes, std::size_t base,
              const std::vector<std::size_t>& cuts) {
    const Bytes all(bytes);
    std::size_t from = 0;
    for (std::size_t cut : cuts) {
        if (cut <= base + from || cut >= base + bytes.size()) continue;
        d.feed(dir, all.subspan(from, cut - base - from), {});
        from = cut - base;
    }
    if (from < bytes.size()) d.feed(dir, all.subspan(from), {});
}

void feed_filler(mqtt::MqttDissector& d, Direction dir, std::uint64_t length) {
    static const ByteString zeros(kFillerBlock);
    for (std::uint64_t left = length; left > 0;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, zeros.size()));
        d.feed(dir, Bytes(zeros).first(n), {});
        left -= n;
    }
}

struct Outcome {
    std::vector<RecordedEvent> events;
    std::vector<RecordedAnomaly> anomalies;
};

Outcome run(const Fixture& f, const FixtureStream& s, const Chunking& chunking) {
    DissectorHarness h;
    if (f.max_packet) h.settings.max_packet = *f.max_packet;
    mqtt::MqttDissector& d = h.make();
    if (f.after_connect) d.feed(Direction::ToServer, connect_announcing(f.version), {});
    feed_cut(d, f.dir, s.head, 0, chunking.cuts);
    feed_filler(d, f.dir, s.filler);
    feed_cut(d, f.dir, s.tail, s.head.size(), chunking.cuts);
    d.end({});
    return {std::move(h.log.events), std::move(h.anomalies)};
}

std::vector<RecordedEvent> expected_events(const Fixture& f) {
    const bool is_connect = f.expected && f.expected->type == PacketType::Connect;
    const bool from_connect = f.after_connect || is_connect;
    std::vector<RecordedEvent> events;
    if (f.expected) events.push_back({f.dir, f.version, from_connect, f.malformed, *f.expected});
    if (f.followed) events.push_back({f.dir, f.version, from_connect, false, follower_packet()});
    return events;
}

// Anomaly ids by name and in a fixed order: which packet field comes first
// is the dissector's business, which anomalies there are is the spec's.
std::vector<std::string> sorted_ids(const std::vector<AnomalyId>& ids) {
    std::vector<std::string> names;
    for (AnomalyId id : ids) names.emplace_back(describe(id).id);
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<AnomalyId> ids_of(const std::vector<RecordedAnomaly>& anomalies) {
    std::vector<AnomalyId> ids;
    for (const RecordedAnomaly& a : anomalies) ids.push_back(a.id);
    return ids;
}

}  // namespace

void check_fixture(const Fixture& f) {
    INFO("fixture: " << f.name);
    const FixtureStream stream = stream_of(f);
    const Outcome whole = run(f, stream, {"whole", {}});

    SECTION("decodes as the specification annotates it") {
        std::vector<RecordedEvent> events = whole.events;
        if (f.after_connect) {
            REQUIRE_FALSE(events.empty());
            CHECK(events.front().packet.type == PacketType::Connect);
            events.erase(events.begin());
        }
        CHECK(events == expected_events(f));
        CHECK(sorted_ids(ids_of(whole.anomalies)) == sorted_ids(f.anomalies));
    }
    SECTION("gives the same events fed 1, 2, 3 and 7 bytes at a time") {
        const Chunking chunking = every(GENERATE(1u, 2u, 3u, 7u), stream.cut_length());
        INFO(chunking.name);
        const Outcome chunked = run(f, stream, chunking);
        CHECK(chunked.events == whole.events);
        CHECK(chunked.anomalies == whole.anomalies);
    }
    SECTION("gives the same events split in two at any offset") {
        for (std::size_t at = 1; at < stream.cut_length(); ++at) {
            INFO("split at " << at);
            const Outcome split = run(f, stream, {"split", {at}});
            CHECK(split.events == whole.events);
            CHECK(split.anomalies == whole.anomalies);
        }
    }
}

using mqtt::PropertyKind;

mqtt::Property byte_property(std::uint8_t id, std::uint8_t value) {
    return {.id = id, .kind = PropertyKind::Byte, .number = value};
}
mqtt::Property two_byte_property(std::uint8_t id, std::uint16_t value) {
    return {.id = id, .kind = PropertyKind::TwoByte, .number = value};
}
mqtt::Property four_byte_property(std::uint8_t id, std::uint32_t value) {
    return {.id = id, .kind = PropertyKind::FourByte, .number = value};
}
mqtt::Property varint_property(std::uint8_t id, std::uint32_t value) {
    return {.id = id, .kind = PropertyKind::VarInt, .number = value};
}
mqtt::Property utf8_property(std::uint8_t id, std::string value) {
    return {.id = id, .kind = PropertyKind::Utf8, .text = std::move(value)};
}
mqtt::Property binary_property(std::uint8_t id, std::string value) {
    return {.id = id, .kind = PropertyKind::Binary, .text = std::move(value)};
}
mqtt::Property user_property(std::string name, std::string value) {
    return {.id = 38, .kind = PropertyKind::Utf8Pair, .text = std::move(name), .value = std::move(value)};
}

}  // namespace mqscan::test
