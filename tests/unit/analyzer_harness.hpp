#pragma once
// Drives one analysis with hand-made MQTT events, as the pipeline would:
// on_mqtt_connection, packets, on_mqtt_end, then finish into a ReportBuilder.

#include <cstdint>
#include <optional>

#include "core/report_builder.hpp"
#include "mqscan/analysis.hpp"
#include "mqscan/mqtt.hpp"

namespace mqscan::test {

// Event times are given from this instant (2023-11-14 22:13:20 UTC).
inline constexpr std::int64_t kHarnessStartNs = 1'700'000'000'000'000'000;

constexpr std::int64_t us(std::int64_t n) { return n * 1'000; }
constexpr std::int64_t ms(std::int64_t n) { return n * 1'000'000; }
constexpr std::int64_t sec(std::int64_t n) { return n * 1'000'000'000; }

inline mqtt::Packet ack_packet(mqtt::PacketType type, std::uint16_t id,
                               std::optional<std::uint8_t> reason_code = std::nullopt) {
    mqtt::Packet p;
    p.type = type;
    p.packet_id = id;
    p.reason_code = reason_code;
    return p;
}

template <typename Analysis>
class AnalyzerHarness {
public:
    AnalyzerHarness() { connection = connection_with_id(0); }
    AnalyzerHarness(const AnalyzerHarness&) = delete;
    AnalyzerHarness& operator=(const AnalyzerHarness&) = delete;

    // A connection opened at the harness's start (time 0), roles from its SYN.
    static ConnectionSummary connection_with_id(std::uint64_t id) {
        ConnectionSummary c;
        c.id = id;
        c.syn_seen = true;
        c.role_source = RoleSource::Syn;
        c.start = Timestamp{kHarnessStartNs};
        return c;
    }

    // Built on first use, after the test has adjusted the settings.
    Analysis& analysis() {
        if (!analysis_) analysis_.emplace(settings, builder);
        return *analysis_;
    }

    void open(const ConnectionSummary& c) { analysis().on_mqtt_connection(c); }
    void open() { open(connection); }

    // A packet completed by `frame`, `at_ns` after the start.
    void packet(const ConnectionSummary& c, Direction dir, std::uint64_t frame, std::int64_t at_ns,
                const mqtt::Packet& p, mqtt::Version version = mqtt::Version::V311, bool malformed = false) {
        analysis().on_mqtt_packet(MqttPacketEvent{c, dir, FrameRef{frame, Timestamp{kHarnessStartNs + at_ns}},
                                                  version, true, p, malformed});
    }
    void packet(Direction dir, std::uint64_t frame, std::int64_t at_ns, const mqtt::Packet& p,
                mqtt::Version version = mqtt::Version::V311, bool malformed = false) {
        packet(connection, dir, frame, at_ns, p, version, malformed);
    }

    void end(ConnectionSummary& c, EndReason reason) {
        c.end_reason = reason;
        analysis().on_mqtt_end(c);
    }
    void end(EndReason reason) { end(connection, reason); }

    CaptureReport& finish() {
        analysis().finish(builder);
        return builder.draft();
    }

    AnalysisSettings settings;
    ReportBuilder builder{settings.limits};
    ConnectionSummary connection;

private:
    std::optional<Analysis> analysis_;
};

}  // namespace mqscan::test
