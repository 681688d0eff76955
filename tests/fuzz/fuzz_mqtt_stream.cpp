// Fuzz target: one MQTT connection, both directions, through an MqttDissector
// (the input format is in mqtt_conversation.hpp). Each event is checked as it
// comes, then the conversation is dissected again, cut into other chunks, and
// must give the same events. Broken invariants abort, so libFuzzer (and the
// corpus replay) report them.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include <fmt/core.h>

#include "mqtt/codec.hpp"
#include "mqtt/mqtt_dissector.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/varint.hpp"
#include "mqtt_conversation.hpp"

namespace {

using namespace mqscan;
using namespace mqscan::mqtt;
using fuzz::ConversationSettings;
using fuzz::Step;

constexpr std::size_t kKeepWholePayload = std::numeric_limits<std::size_t>::max();

// --- The log ------------------------------------------------------------------

struct PacketEntry {
    Direction dir;
    Version version;
    Packet packet;
    bool malformed;
    bool operator==(const PacketEntry&) const = default;
};

struct AnomalyEntry {
    AnomalyId id;
    std::string detail;
    bool operator==(const AnomalyEntry&) const = default;
};

using Entry = std::variant<PacketEntry, AnomalyEntry>;

std::string describe_packet(Direction dir, Version version, const Packet& packet, bool malformed) {
    return fmt::format("{} {} v{}{} remaining_length={} topic='{}' payload_length={}",
                       to_string(dir), to_string(packet.type), to_string(version),
                       malformed ? " malformed" : "", packet.remaining_length,
                       packet.effective_topic(), packet.payload_length);
}

std::string describe_entry(const Entry& entry) {
    if (const auto* anomaly = std::get_if<AnomalyEntry>(&entry))
        return fmt::format("anomaly {}: {}", mqscan::describe(anomaly->id).id, anomaly->detail);
    const auto& event = std::get<PacketEntry>(entry);
    return describe_packet(event.dir, event.version, event.packet, event.malformed);
}

// The event being checked, named when an invariant breaks.
const MqttPacketEvent* checking = nullptr;

[[noreturn]] void violated(const char* what) {
    std::fprintf(stderr, "fuzz_mqtt_stream: invariant broken: %s\n", what);
    if (checking != nullptr)
        std::fprintf(stderr, "  at the event %s\n",
                     describe_packet(checking->dir, checking->version, checking->packet,
                                     checking->malformed).c_str());
    std::abort();
}

void require(bool holds, const char* what) {
    if (!holds) violated(what);
}

std::size_t index(Direction dir) { return static_cast<std::size_t>(dir); }

// --- Frames -------------------------------------------------------------------

// One control packet on the wire: the fixed header's first byte, the bytes its
// remaining length counts, and its size with the fixed header.
struct Frame {
    std::uint8_t first_byte = 0;
    Bytes body;
    std::size_t size = 0;
};

// The remaining length of the fixed header that starts `bytes`.
Varint remaining_length_at(Bytes bytes) { return peek_varint(ByteReader(bytes.subspan(1))); }

// A view of `encoded`, which must outlive it.
Frame frame_of(const std::string& encoded) {
    const Bytes bytes(reinterpret_cast<const std::uint8_t*>(encoded.data()), encoded.size());
    const Varint length = remaining_length_at(bytes);
    return Frame{bytes[0], bytes.subspan(1 + length.length), bytes.size()};
}

// One direction's framing while it stays in sync: packets back to back, those
// over the limit skipped, a gap inside a packet of known length losing only
// that packet. A remaining length longer than four bytes, or a gap elsewhere,
// loses sync and the model stops: resynchronisation is a heuristic it does
// not model.
class FrameModel {
public:
    explicit FrameModel(std::uint32_t max_packet) : max_packet_(max_packet) {}

    [[nodiscard]] bool in_sync() const { return in_sync_; }

    void add(Bytes data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }

    // The next complete packet, not consumed; nullopt while it is incomplete
    // or once sync is lost.
    std::optional<Frame> next() {
        while (in_sync_ && next_ < bytes_.size()) {
            const Bytes rest = Bytes(bytes_).subspan(next_);
            const Varint length = remaining_length_at(rest);
            if (length.status == VarintStatus::NeedMore) return std::nullopt;
            if (length.status == VarintStatus::TooLong) {
                in_sync_ = false;
                return std::nullopt;
            }
            const std::size_t size = std::size_t{1} + length.length + length.value;
            if (length.value > max_packet_) {
                next_ += size;  // skipped unseen, however many of its bytes came
                continue;
            }
            if (rest.size() < size) return std::nullopt;
            return Frame{rest[0], rest.subspan(1 + length.length, length.value), size};
        }
        return std::nullopt;
    }

    void consume(const Frame& frame) { next_ += frame.size; }

    void gap(std::uint64_t bytes) {
        const std::optional<std::size_t> end = end_of_cut_packet();
        if (!end || bytes > *end - bytes_.size()) {
            in_sync_ = false;
            return;
        }
        // The bytes before the gap are never read again: count from after it.
        next_ = *end - bytes_.size() - static_cast<std::size_t>(bytes);
        bytes_.clear();
    }

private:
    // Where the packet the stream stops inside ends; nullopt at a packet
    // boundary or inside a fixed header (or out of sync).
    std::optional<std::size_t> end_of_cut_packet() {
        next();  // skips what is over the limit
        if (!in_sync_ || next_ == bytes_.size()) return std::nullopt;
        if (next_ > bytes_.size()) return next_;
        const Varint length = remaining_length_at(Bytes(bytes_).subspan(next_));
        if (length.status == VarintStatus::NeedMore) return std::nullopt;
        return next_ + 1 + length.length + length.value;
    }

    std::uint32_t max_packet_;
    std::vector<std::uint8_t> bytes_;
    std::size_t next_ = 0;  // where the next packet starts; past the end while skipping
    bool in_sync_ = true;
};

// --- Checks on one event ------------------------------------------------------

std::optional<std::uint16_t> topic_alias(const Packet& packet) {
    const auto found = std::find_if(packet.properties.begin(), packet.properties.end(),
                                    [](const Property& p) { return p.id == kTopicAliasProperty; });
    if (found == packet.properties.end()) return std::nullopt;
    return static_cast<std::uint16_t>(found->number);
}

void check_against_frame(const MqttPacketEvent& event, const Frame& frame) {
    const Packet& packet = event.packet;
    require(static_cast<std::uint8_t>(packet.type) == frame.first_byte >> 4,
            "the packet type is not its first byte's");
    require(packet.flags == (frame.first_byte & 0x0f), "the flags are not its first byte's");
    require(packet.remaining_length == frame.body.size(),
            "the remaining length is not the packet's");
    if (packet.type != PacketType::Publish || event.malformed) return;
    require(packet.payload_length <= frame.body.size(), "payload_length is past the packet");
    const Bytes payload = frame.body.last(packet.payload_length).first(packet.payload.size());
    require(std::string(payload.begin(), payload.end()) == packet.payload,
            "the payload kept is not the start of the packet's last payload_length bytes");
}

void check_payload(const MqttPacketEvent& event, std::size_t payload_cap) {
    const Packet& packet = event.packet;
    require(packet.payload.size() <= payload_cap, "more payload kept than the cap");
    require(packet.payload.size() <= packet.payload_length,
            "more payload kept than payload_length");
    if (packet.type == PacketType::Publish && !event.malformed)
        require(packet.payload.size() == std::min<std::size_t>(packet.payload_length, payload_cap),
                "less payload kept than the cap allows");
}

// The version a packet is encoded in: a CONNECT's own, else the connection's.
Version encoding_version(const MqttPacketEvent& event) {
    return event.packet.type == PacketType::Connect ? version_of_level(event.packet.protocol_level)
                                                    : event.version;
}

// A PUBLISH's variable header as encode_packet writes it. The sender's is as
// long, or longer only through overlong variable byte integers.
std::uint64_t variable_header_size(const Packet& publish, Version version) {
    Packet header_only = publish;
    header_only.payload.clear();
    const std::string encoded = encode_packet(header_only, version);
    return frame_of(encoded).body.size();
}

void check_publish_length(const MqttPacketEvent& event, bool overlong_integer_seen) {
    const Packet& packet = event.packet;
    if (packet.type != PacketType::Publish || event.malformed) return;
    const std::uint64_t accounted =
        variable_header_size(packet, event.version) + packet.payload_length;
    require(overlong_integer_seen ? accounted <= packet.remaining_length
                                  : accounted == packet.remaining_length,
            "payload_length is not the bytes after the variable header");
}

// What encoding keeps: only PUBLISH's flags are fields (dup, QoS, retain),
// the remaining length is recomputed, only the payload kept is written, and
// the alias resolution is the dissector's, not the packet's.
Packet wire_fields(Packet packet) {
    if (packet.type != PacketType::Publish) packet.flags = 0;
    packet.remaining_length = 0;
    packet.payload_length = static_cast<std::uint32_t>(packet.payload.size());
    packet.alias_topic.reset();
    return packet;
}

void check_round_trip(const MqttPacketEvent& event) {
    if (event.malformed) return;
    const Version version = encoding_version(event);
    const std::string encoded = encode_packet(event.packet, version);
    const Frame frame = frame_of(encoded);
    const ParsedPacket again =
        parse_packet(frame.first_byte, frame.body, version, kKeepWholePayload);
    require(!again.malformed, "a re-encoded packet is malformed");
    require(wire_fields(again.packet) == wire_fields(event.packet),
            "a re-encoded packet parses differently");
}

// The topics 5.0 PUBLISHes gave each alias, per direction: a resolved alias
// must name one of them.
class AliasHistory {
public:
    void record(const MqttPacketEvent& event) {
        const std::optional<std::uint16_t> alias = topic_alias(event.packet);
        if (event.version == Version::V5 && event.packet.type == PacketType::Publish && alias &&
            !event.packet.topic.empty())
            given_.emplace(event.dir, *alias, event.packet.topic);
    }

    void check(const MqttPacketEvent& event) const {
        const Packet& packet = event.packet;
        if (!packet.alias_topic) return;
        require(event.version == Version::V5 && packet.type == PacketType::Publish,
                "a topic alias resolved outside a 5.0 PUBLISH");
        require(packet.topic.empty(), "a topic alias resolved for a PUBLISH with a topic");
        const std::optional<std::uint16_t> alias = topic_alias(packet);
        require(alias && given_.count({event.dir, *alias, *packet.alias_topic}) == 1,
                "a topic alias resolved to a topic it was never given");
    }

private:
    std::set<std::tuple<Direction, std::uint16_t, std::string>> given_;
};

// --- One run ------------------------------------------------------------------

// A conversation through a fresh dissector: every event is checked as it
// comes, and the events and anomalies are logged for the chunking law.
class DissectorRun final : public EventSink {
public:
    explicit DissectorRun(const ConversationSettings& settings)
        : settings_(settings.mqtt()),
          connection_(connection_with(settings.roles)),
          frames_{FrameModel(settings_.max_packet), FrameModel(settings_.max_packet)},
          dissector_(settings_, connection_, *this,
                     [this](AnomalyId id, std::uint64_t, std::string detail) {
                         on_anomaly(id, std::move(detail));
                     }) {}

    std::vector<Entry> play(const std::vector<Step>& steps) && {
        for (const Step& step : steps) {
            if (step.kind == Step::Kind::Data)
                feed(step.dir, step.data);
            else
                gap(step.dir, step.gap_bytes);
        }
        dissector_.end({});
        ended_ = true;
        dissector_.end({});  // end() drains everything: a second one has nothing left
        return std::move(log_);
    }

private:
    static ConnectionSummary connection_with(RoleSource roles) {
        ConnectionSummary connection;
        connection.role_source = roles;
        return connection;
    }

    void feed(Direction dir, Bytes data) {
        FrameModel& frames = frames_[index(dir)];
        frames.add(data);
        dissector_.feed(dir, data, {});
        require(!frames.next(), "a complete packet was not emitted");
    }

    void gap(Direction dir, std::uint64_t bytes) {
        frames_[index(dir)].gap(bytes);
        dissector_.gap(dir, bytes, {});
    }

    void on_anomaly(AnomalyId id, std::string detail) {
        require(!ended_, "an anomaly after end()");
        if (id == AnomalyId::MqttRemainingLengthOverlong) overlong_integer_seen_ = true;
        log_.emplace_back(AnomalyEntry{id, std::move(detail)});
    }

    void on_mqtt_packet(const MqttPacketEvent& event) override {
        checking = &event;
        require(!ended_, "an event after end()");
        check_payload(event, settings_.payload_cap);
        check_publish_length(event, overlong_integer_seen_);
        check_frame(event);
        check_round_trip(event);
        aliases_.check(event);
        checking = nullptr;
        aliases_.record(event);
        overlong_integer_seen_ = false;
        log_.emplace_back(PacketEntry{event.dir, event.version, event.packet, event.malformed});
    }

    // While its direction is in sync, an event is the next packet in the stream.
    void check_frame(const MqttPacketEvent& event) {
        FrameModel& frames = frames_[index(event.dir)];
        const std::optional<Frame> frame = frames.next();
        if (!frames.in_sync()) return;
        require(frame.has_value(), "an event without a complete packet in the stream");
        frames.consume(*frame);
        check_against_frame(event, *frame);
    }

    MqttSettings settings_;
    ConnectionSummary connection_;
    std::array<FrameModel, 2> frames_;
    AliasHistory aliases_;
    std::vector<Entry> log_;
    bool overlong_integer_seen_ = false;  // reported since the last event: for the next packet
    bool ended_ = false;
    MqttDissector dissector_;  // last: it holds references to the members above
};

// --- The chunking law ---------------------------------------------------------

// Consecutive data of one direction, joined, or one gap.
struct Run {
    Step::Kind kind;
    Direction dir;
    std::vector<std::uint8_t> bytes;
    std::uint64_t gap_bytes;
};

std::vector<Run> joined_runs(const std::vector<Step>& steps) {
    std::vector<Run> runs;
    for (const Step& step : steps) {
        const bool joins = step.kind == Step::Kind::Data && !runs.empty() &&
                           runs.back().kind == Step::Kind::Data && runs.back().dir == step.dir;
        if (!joins) runs.push_back({step.kind, step.dir, {}, step.gap_bytes});
        runs.back().bytes.insert(runs.back().bytes.end(), step.data.begin(), step.data.end());
    }
    return runs;
}

// Each run of data cut into single bytes, or into pieces of 1 to 64 bytes
// drawn from `seed`; gaps stay as they are.
std::vector<Step> cut(const std::vector<Run>& runs, bool randomly, std::uint32_t seed) {
    std::minstd_rand sizes(seed);
    std::vector<Step> pieces;
    for (const Run& run : runs) {
        if (run.kind == Step::Kind::Gap)
            pieces.push_back({Step::Kind::Gap, run.dir, {}, run.gap_bytes});
        for (std::size_t at = 0; at < run.bytes.size();) {
            const std::size_t size = randomly ? 1 + sizes() % 64 : 1;
            const Bytes piece = Bytes(run.bytes).subspan(at, std::min(size, run.bytes.size() - at));
            pieces.push_back({Step::Kind::Data, run.dir, piece, 0});
            at += piece.size();
        }
    }
    return pieces;
}

std::uint32_t fingerprint(Bytes bytes) {  // FNV-1a
    std::uint32_t hash = 2166136261u;
    for (const std::uint8_t byte : bytes) hash = (hash ^ byte) * 16777619u;
    return hash;
}

void require_same(const std::vector<Entry>& expected, const std::vector<Entry>& recut) {
    const auto [left, right] =
        std::mismatch(expected.begin(), expected.end(), recut.begin(), recut.end());
    if (left == expected.end() && right == recut.end()) return;
    std::fprintf(stderr, "fuzz_mqtt_stream: entry %zu\n  as fed: %s\n  recut:  %s\n",
                 static_cast<std::size_t>(left - expected.begin()),
                 left == expected.end() ? "(none)" : describe_entry(*left).c_str(),
                 right == recut.end() ? "(none)" : describe_entry(*right).c_str());
    violated("another chunking of the same bytes changed the events");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes input(data, size);
    const fuzz::Conversation conversation = fuzz::read_conversation(input);
    const ConversationSettings& settings = conversation.settings;
    const std::vector<Entry> as_fed = DissectorRun(settings).play(conversation.steps);
    // The chunking law. A direction's packets, gaps and resynchronisations are
    // decided by its bytes and gaps, not by where its chunks end. Joining a
    // direction's consecutive chunks and cutting them anew keeps each of them
    // between the same chunks of the other direction, so the events must be
    // the same and in the same order (the order matters: both directions share
    // the version and the CONNECT).
    const std::vector<Run> runs = joined_runs(conversation.steps);
    const std::vector<Step> pieces = cut(runs, settings.recut_randomly, fingerprint(input));
    require_same(as_fed, DissectorRun(settings).play(pieces));
    return 0;
}
