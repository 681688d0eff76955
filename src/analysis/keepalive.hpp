#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/id_table.hpp"
#include "analysis/latency_stats.hpp"
#include "analysis/listed_records.hpp"
#include "mqscan/analysis.hpp"
#include "mqscan/keepalive_report.hpp"

namespace mqscan {

// Per MQTT connection: the keepalive that applies, each PINGREQ with the idle
// time before it and its PINGRESP, the client's longest silence, and whether
// the broker closed the connection for it [MQTT-3.1.2-23, MQTT-3.1.2-24].
class KeepaliveAnalyzer final : public Analyzer {
public:
    KeepaliveAnalyzer(const AnalysisSettings& settings, ReportBuilder& report);

    void on_mqtt_connection(const ConnectionSummary& connection) override;
    void on_mqtt_packet(const MqttPacketEvent& event) override;
    void on_mqtt_end(const ConnectionSummary& connection) override;
    void finish(ReportBuilder& report) override;

private:
    struct PendingPing {
        FrameRef request;
        std::optional<std::size_t> listed;  // its place in the report's pings
    };

    struct ConnectionState {
        KeepaliveReport report;
        Timestamp start;
        bool connect_seen = false;
        bool client_disconnect = false;
        std::optional<FrameRef> client_last;  // the client's latest packet
        std::uint64_t silence_start_frame = 0;  // the packet that began the longest silence
        std::optional<PendingPing> pending;
        LatencyStats response_latency;  // of a listed connection only
        std::optional<FrameRef> broker_disconnect;  // 5.0
        std::optional<std::uint8_t> broker_disconnect_code;
    };

    ConnectionState& state_of(const ConnectionSummary& connection);
    [[nodiscard]] bool listed(std::uint64_t connection) const;
    void on_client_packet(ConnectionState& state, const MqttPacketEvent& event);
    void on_broker_packet(ConnectionState& state, const MqttPacketEvent& event);
    void on_pingreq(ConnectionState& state, const MqttPacketEvent& event);
    void on_pingresp(ConnectionState& state, const MqttPacketEvent& event);
    // `before` says when the PINGRESP was due; made only when the finding is listed.
    void report_unanswered(ConnectionState& state, std::uint64_t connection,
                           const std::function<std::string()>& before);
    void silence(ConnectionState& state, FrameRef ended_by);
    void conclude(ConnectionState& state, const ConnectionSummary& connection);
    void judge(ConnectionState& state, std::uint64_t connection);

    const AnalysisSettings& settings_;
    ReportBuilder& report_;
    IdTable<ConnectionState> connections_;
    ListedRecords<KeepaliveReport> reports_;
};

}  // namespace mqscan
