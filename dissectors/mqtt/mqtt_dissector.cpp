#include "mqtt/mqtt_dissector.hpp"
#include "mqtt/properties.hpp"

#include <algorithm>
#include <fmt/core.h>

namespace mqscan::mqtt {
namespace {

// Issues that say "this is not how this version encodes this packet".
bool clean(const ParsedPacket& p) { return !p.malformed && p.issues.empty(); }

std::string describe_packet(std::uint8_t first_byte, std::uint32_t length) {
    return fmt::format("{} of {} bytes", to_string(static_cast<PacketType>(first_byte >> 4)), length);
}

bool client_only(PacketType t) {
    return t == PacketType::Connect || t == PacketType::Subscribe ||
           t == PacketType::Unsubscribe || t == PacketType::Pingreq;
}

bool server_only(PacketType t) {
    return t == PacketType::Connack || t == PacketType::Suback || t == PacketType::Unsuback ||
           t == PacketType::Pingresp;
}

}  // namespace

// Connects one direction's framer to the dissector for the duration of one call.
class MqttDissector::DirectionHandler final : public FrameHandler {
public:
    DirectionHandler(MqttDissector& dissector, Direction dir, FrameRef at)
        : d_(dissector), dir_(dir), at_(at) {}

    void on_frame(std::uint8_t first_byte, Bytes body, bool overlong) override {
        d_.on_packet(dir_, first_byte, body, overlong, at_);
    }
    void on_oversized(std::uint8_t first_byte, std::uint32_t length) override {
        d_.report(AnomalyId::MqttPacketTooLarge, at_,
                  fmt::format("{}, limit {}", describe_packet(first_byte, length), d_.settings_.max_packet));
    }
    void on_incomplete(std::uint8_t first_byte, std::uint32_t length) override {
        d_.report(AnomalyId::MqttPacketIncomplete, at_, describe_packet(first_byte, length));
    }
    void on_invalid_length(std::uint8_t first_byte) override {
        d_.report(AnomalyId::MqttRemainingLengthTooLong, at_,
                  fmt::format("{} {}", to_string(static_cast<PacketType>(first_byte >> 4)), to_string(dir_)));
    }
    void on_skipped(std::uint64_t bytes, bool resumed) override {
        d_.report(AnomalyId::MqttResync, at_,
                  resumed ? fmt::format("{} bytes skipped {}", bytes, to_string(dir_))
                          : fmt::format("{} bytes skipped {}; the connection ended first", bytes,
                                        to_string(dir_)));
    }
    bool plausible(std::uint8_t first_byte, Bytes body) override {
        const ParsedPacket p = d_.connect_seen_
                                   ? parse_packet(first_byte, body, d_.version_, 0)
                                   : d_.parse_guessing_version(first_byte, body);
        return !p.malformed &&
               std::none_of(p.issues.begin(), p.issues.end(), [](const CodecIssue& i) {
                   return i.id == AnomalyId::MqttFlagsInvalid || i.id == AnomalyId::MqttTypeReserved ||
                          i.id == AnomalyId::MqttTrailingBytes;
               });
    }

private:
    MqttDissector& d_;
    Direction dir_;
    FrameRef at_;
};

MqttDissector::MqttDissector(const MqttSettings& settings, const ConnectionSummary& connection,
                             EventSink& sink, AnomalyReporter report)
    : settings_(settings), connection_(connection), sink_(sink), report_(std::move(report)),
      framers_{MqttFramer(settings.max_packet), MqttFramer(settings.max_packet)},
      version_(settings.default_version) {}

void MqttDissector::feed(Direction dir, Bytes bytes, FrameRef at) {
    DirectionHandler handler(*this, dir, at);
    framers_[static_cast<int>(dir)].feed(bytes, handler);
}

void MqttDissector::gap(Direction dir, std::uint64_t bytes, FrameRef at) {
    DirectionHandler handler(*this, dir, at);
    framers_[static_cast<int>(dir)].gap(bytes, handler);
}

void MqttDissector::end(FrameRef at) {
    for (Direction dir : {Direction::ToServer, Direction::ToClient}) {
        DirectionHandler handler(*this, dir, at);
        framers_[static_cast<int>(dir)].end(handler);
    }
}

// Without a CONNECT the version is a guess: the current one unless another
// version reads the packet cleanly where it does not.
ParsedPacket MqttDissector::parse_guessing_version(std::uint8_t first_byte, Bytes body) {
    ParsedPacket current = parse_packet(first_byte, body, version_, settings_.payload_cap);
    if (clean(current)) return current;
    for (Version other : {Version::V5, Version::V311}) {
        if (other == version_) continue;
        ParsedPacket attempt = parse_packet(first_byte, body, other, settings_.payload_cap);
        if (clean(attempt)) {
            guessed_ = other;
            return attempt;
        }
    }
    return current;
}

void MqttDissector::on_packet(Direction dir, std::uint8_t first_byte, Bytes body, bool overlong,
                              FrameRef at) {
    const auto type = static_cast<PacketType>(first_byte >> 4);
    const bool connect = type == PacketType::Connect && dir == Direction::ToServer;
    if (overlong) report(AnomalyId::MqttRemainingLengthOverlong, at, std::string(to_string(type)));
    if (connect && connect_seen_) report(AnomalyId::MqttConnectDuplicate, at);
    if (!connect_seen_ && !connect && !connect_missing_reported_) {
        connect_missing_reported_ = true;
        report(AnomalyId::MqttConnectMissing, at,
               fmt::format("first packet {} {}", to_string(type), to_string(dir)));
    }

    guessed_.reset();
    ParsedPacket parsed = connect_seen_ || connect
                              ? parse_packet(first_byte, body, version_, settings_.payload_cap)
                              : parse_guessing_version(first_byte, body);
    if (guessed_) version_ = *guessed_;
    if (connect && !parsed.malformed) {
        connect_seen_ = true;
        const Version announced = version_of_level(parsed.packet.protocol_level);
        if (announced != Version::Unknown) version_ = announced;
    }
    for (const CodecIssue& issue : parsed.issues)
        report(issue.id, at, fmt::format("{}: {}", to_string(type), issue.detail));
    check_direction(dir, type, at);
    if (version_ == Version::V5 && type == PacketType::Publish) resolve_topic_alias(dir, parsed.packet, at);
    sink_.on_mqtt_packet(
        MqttPacketEvent{connection_, dir, at, version_, connect_seen_, parsed.packet, parsed.malformed});
}

void MqttDissector::check_direction(Direction dir, PacketType type, FrameRef at) {
    // Roles guessed from the ports may be wrong: only judge known roles.
    if (connection_.role_source == RoleSource::Port) return;
    const bool server_disconnect = type == PacketType::Disconnect && version_ != Version::V5;
    const bool wrong = dir == Direction::ToClient ? client_only(type) || server_disconnect
                                                  : server_only(type);
    if (wrong) report(AnomalyId::MqttWrongDirection, at, fmt::format("{} {}", to_string(type), to_string(dir)));
}

void MqttDissector::resolve_topic_alias(Direction dir, Packet& packet, FrameRef at) {
    const auto property = std::find_if(packet.properties.begin(), packet.properties.end(),
                                       [](const Property& p) { return p.id == kTopicAliasProperty; });
    if (property == packet.properties.end()) return;
    const auto alias = static_cast<std::uint16_t>(property->number);
    if (alias == 0) return report(AnomalyId::MqttTopicAliasInvalid, at);
    auto& aliases = topic_aliases_[static_cast<int>(dir)];
    if (!packet.topic.empty()) {
        if (aliases.size() < settings_.max_topic_aliases || aliases.count(alias) != 0)
            aliases[alias] = packet.topic;
        return;
    }
    const auto found = aliases.find(alias);
    if (found == aliases.end())
        return report(AnomalyId::MqttTopicAliasUnknown, at, fmt::format("alias {}", alias));
    packet.alias_topic = found->second;
}

}  // namespace mqscan::mqtt
