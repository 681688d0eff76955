#pragma once
// One connection's MQTT: a framer per direction, the version both directions
// share (from the CONNECT, else guessed), topic aliases, and the anomalies.

#include <array>
#include <functional>
#include <optional>
#include <unordered_map>

#include "mqscan/anomaly.hpp"
#include "mqscan/events.hpp"
#include "mqtt/codec.hpp"
#include "mqtt/framer.hpp"

namespace mqscan::mqtt {

// Where the dissector's findings go: (anomaly, frame, detail).
using AnomalyReporter = std::function<void(AnomalyId, std::uint64_t frame, std::string detail)>;

class MqttDissector {
public:
    MqttDissector(const MqttSettings& settings, const ConnectionSummary& connection,
                  EventSink& sink, AnomalyReporter report);

    void feed(Direction dir, Bytes bytes, FrameRef at);
    void gap(Direction dir, std::uint64_t bytes, FrameRef at);
    void end(FrameRef at);

    [[nodiscard]] Version version() const { return version_; }
    [[nodiscard]] bool connect_seen() const { return connect_seen_; }

private:
    class DirectionHandler;
    friend class DirectionHandler;

    void on_packet(Direction dir, std::uint8_t first_byte, Bytes body, bool overlong, FrameRef at);
    // Records in guessed_ a version other than version_ that reads the packet cleanly.
    ParsedPacket parse_guessing_version(std::uint8_t first_byte, Bytes body);
    void check_direction(Direction dir, PacketType type, FrameRef at);
    void resolve_topic_alias(Direction dir, Packet& packet, FrameRef at);
    void report(AnomalyId id, FrameRef at, std::string detail = {}) { report_(id, at.number, std::move(detail)); }

    const MqttSettings& settings_;
    const ConnectionSummary& connection_;
    EventSink& sink_;
    AnomalyReporter report_;
    std::array<MqttFramer, 2> framers_;
    std::array<std::unordered_map<std::uint16_t, std::string>, 2> topic_aliases_;
    Version version_;
    bool connect_seen_ = false;
    bool connect_missing_reported_ = false;
    std::optional<Version> guessed_;
};

}  // namespace mqscan::mqtt
