#include "mqtt_conversation.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>

namespace mqscan::fuzz {
namespace {

using mqtt::Version;

// The choices of byte 0; 3.1.1, the default, comes twice.
constexpr std::array kVersions = {Version::V31, Version::V311, Version::V5, Version::V311};
constexpr std::array<std::uint32_t, 4> kMaxPackets = {64, 256, 1024, 4096};
constexpr std::array<std::size_t, 4> kPayloadCaps = {0, 5, 64, 65536};
constexpr std::size_t kMaxTopicAliases = 2;  // small, so that the limit is reached
constexpr std::uint8_t kRolesFromPorts = 0x40;
constexpr std::uint8_t kRecutRandomly = 0x80;

// The low two bits of a control byte.
enum Op : std::uint8_t { kDataToServer = 0, kDataToClient = 1, kGap = 2, kEnd = 3 };
constexpr std::uint8_t kGapToClient = 0x04;

constexpr std::size_t kMaxLength = 0x7fff;
constexpr std::uint8_t kTwoByteLength = 0x80;

ConversationSettings decode_settings(std::uint8_t byte) {
    ConversationSettings settings;
    settings.default_version = kVersions[byte & 3];
    settings.max_packet = kMaxPackets[(byte >> 2) & 3];
    settings.payload_cap = kPayloadCaps[(byte >> 4) & 3];
    settings.roles = (byte & kRolesFromPorts) != 0 ? RoleSource::Port : RoleSource::Syn;
    settings.recut_randomly = recut_randomly(byte);
    return settings;
}

[[noreturn]] void unwritable(const char* what) {
    std::fprintf(stderr, "ConversationWriter: %s\n", what);
    std::abort();
}

template <typename Table, typename Value>
std::uint8_t index_of(const Table& table, Value value, const char* what) {
    const auto found = std::find(table.begin(), table.end(), value);
    if (found == table.end()) unwritable(what);
    return static_cast<std::uint8_t>(found - table.begin());
}

std::uint8_t encode_settings(const ConversationSettings& settings) {
    unsigned byte = index_of(kVersions, settings.default_version, "no such default version");
    byte |= index_of(kMaxPackets, settings.max_packet, "no such packet limit") << 2u;
    byte |= index_of(kPayloadCaps, settings.payload_cap, "no such payload cap") << 4u;
    if (settings.roles == RoleSource::Port) byte |= kRolesFromPorts;
    if (settings.recut_randomly) byte |= kRecutRandomly;
    return static_cast<std::uint8_t>(byte);
}

std::optional<std::size_t> read_length(ByteReader& in) {
    const auto first = in.u8();
    if (!first || *first < kTwoByteLength) return first;
    const auto second = in.u8();
    if (!second) return std::nullopt;
    return std::size_t{*first & 0x7fu} << 8 | *second;
}

Direction data_direction(std::uint8_t control) {
    return (control & 3) == kDataToClient ? Direction::ToClient : Direction::ToServer;
}

Direction gap_direction(std::uint8_t control) {
    return (control & kGapToClient) != 0 ? Direction::ToClient : Direction::ToServer;
}

}  // namespace

mqtt::MqttSettings ConversationSettings::mqtt() const {
    mqtt::MqttSettings settings;
    settings.default_version = default_version;
    settings.max_packet = max_packet;
    settings.payload_cap = payload_cap;
    settings.max_topic_aliases = kMaxTopicAliases;
    return settings;
}

Script read_script(Bytes input) {
    ByteReader in(input);
    Script script;
    script.settings = in.u8().value_or(0);
    while (const auto control = in.u8()) {
        if ((*control & 3) == kEnd) break;
        const auto length = read_length(in);
        if (!length) break;
        if ((*control & 3) == kGap) {
            const Direction dir = gap_direction(*control);
            if (*length > 0) script.steps.push_back({Step::Kind::Gap, dir, {}, *length});
            continue;
        }
        const Bytes data = *in.bytes(std::min(*length, in.remaining()));
        if (!data.empty()) script.steps.push_back({Step::Kind::Data, data_direction(*control), data, 0});
    }
    return script;
}

Conversation read_conversation(Bytes input) {
    Script script = read_script(input);
    return Conversation{decode_settings(script.settings), std::move(script.steps)};
}

Recut recut(const std::vector<Step>& steps, bool randomly, std::uint32_t seed) {
    Recut out;
    std::vector<const Step*> run_steps;  // per run: its first step (the gap, or the data's direction)
    for (const Step& step : steps) {
        const bool joins = step.kind == Step::Kind::Data && !run_steps.empty() &&
                           run_steps.back()->kind == Step::Kind::Data && run_steps.back()->dir == step.dir;
        if (!joins) {
            run_steps.push_back(&step);
            out.runs.emplace_back();
        }
        out.runs.back().insert(out.runs.back().end(), step.data.begin(), step.data.end());
    }
    std::minstd_rand sizes(seed);
    for (std::size_t i = 0; i < run_steps.size(); ++i) {
        const Step& first = *run_steps[i];
        if (first.kind == Step::Kind::Gap) out.steps.push_back(first);
        const Bytes run(out.runs[i]);
        for (std::size_t at = 0; at < run.size();) {
            const std::size_t size = randomly ? 1 + sizes() % 64 : 1;
            const Bytes piece = run.subspan(at, std::min(size, run.size() - at));
            out.steps.push_back({Step::Kind::Data, first.dir, piece, 0});
            at += piece.size();
        }
    }
    return out;
}

std::uint32_t fnv1a(Bytes bytes) {
    std::uint32_t hash = 2166136261u;
    for (const std::uint8_t byte : bytes) hash = (hash ^ byte) * 16777619u;
    return hash;
}

ConversationWriter::ConversationWriter(const ConversationSettings& settings)
    : ConversationWriter(encode_settings(settings)) {}

ConversationWriter::ConversationWriter(std::uint8_t settings) : out_(1, static_cast<char>(settings)) {}

ConversationWriter& ConversationWriter::data(Direction dir, std::string_view bytes) {
    for (std::size_t at = 0; at < bytes.size(); at += kMaxLength) {
        const std::string_view chunk = bytes.substr(at, kMaxLength);
        out_ += static_cast<char>(dir == Direction::ToClient ? kDataToClient : kDataToServer);
        length(chunk.size());
        out_ += chunk;
    }
    return *this;
}

ConversationWriter& ConversationWriter::gap(Direction dir, std::size_t bytes) {
    if (bytes == 0 || bytes > kMaxLength) unwritable("a gap of 1 to 32767 bytes");
    out_ += static_cast<char>(kGap | (dir == Direction::ToClient ? kGapToClient : 0));
    length(bytes);
    return *this;
}

ConversationWriter& ConversationWriter::end() {
    out_ += static_cast<char>(kEnd);
    return *this;
}

void ConversationWriter::length(std::size_t value) {
    if (value >= kTwoByteLength) out_ += static_cast<char>(kTwoByteLength | value >> 8);
    out_ += static_cast<char>(value & 0xff);
}

}  // namespace mqscan::fuzz
