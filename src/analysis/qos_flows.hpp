#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/latency_stats.hpp"
#include "mqscan/analysis.hpp"
#include "mqscan/qos_report.hpp"

namespace mqscan {

// Follows every QoS 1 and QoS 2 PUBLISH, in both directions, to its end:
// PUBLISH -> PUBACK, PUBLISH -> PUBREC -> PUBREL -> PUBCOMP (MQTT 3.1.1 §4.3.2, §4.3.3).
// State is kept only while a flow is in flight, at most
// Limits::max_qos_in_flight flows over all connections.
class QosFlowAnalyzer final : public Analyzer {
public:
    QosFlowAnalyzer(const AnalysisSettings& settings, ReportBuilder& report);

    void on_mqtt_packet(const MqttPacketEvent& event) override;
    void on_mqtt_end(const ConnectionSummary& connection) override;
    void finish(ReportBuilder& report) override;

private:
    // A flow is named by its connection, its PUBLISH's direction and its packet id.
    struct FlowKey {
        std::uint64_t connection = 0;
        Direction dir = Direction::ToServer;
        std::uint16_t packet_id = 0;
        auto operator<=>(const FlowKey&) const = default;
    };

    struct OpenFlow {
        std::uint8_t qos = 1;
        mqtt::PacketType expected = mqtt::PacketType::Puback;  // the next step
        std::uint32_t payload_length = 0;
        std::uint32_t retransmissions = 0;
        std::uint8_t step_count = 0;
        // Inline, so that following a flow allocates nothing but its map node (and a long topic).
        std::array<QosStep, QosReport::kStepsListed> steps{};
        std::string topic;
        std::optional<std::size_t> slot;  // its place in the listed flows
    };

    struct ConnectionTally {
        QosTotals totals;
        LatencyStats latency;
        bool untracked = false;  // some of its flows were not followed (in-flight limit)
    };

    using FlowMap = std::map<FlowKey, OpenFlow>;

    void on_publish(const MqttPacketEvent& event, std::uint16_t packet_id);
    void on_step(const MqttPacketEvent& event, std::uint16_t packet_id);
    void start_flow(const MqttPacketEvent& event, const FlowKey& key, ConnectionTally& tally);
    void record_step(OpenFlow& flow, const MqttPacketEvent& event, bool dup);
    // How an ack, PUBREL or PUBCOMP fits the flow its id names.
    enum class StepFit { Next, Repeat, None };
    StepFit take_step(OpenFlow& flow, const MqttPacketEvent& event);
    void report_reuse(const MqttPacketEvent& event, const FlowKey& key, const OpenFlow& old);
    void report_stray(const MqttPacketEvent& event, const FlowKey& key, const OpenFlow* waiting,
                      ConnectionTally& tally);
    void report_refused(const FlowKey& key, const OpenFlow& flow);
    void report_incomplete(const FlowKey& key, const OpenFlow& flow, EndReason ended);
    // Ends the flow at `it`: counts it, fills its listing slot, frees its state.
    void close(FlowMap::iterator it, FlowStatus status, ConnectionTally& tally);
    void close_connection_flows(std::uint64_t connection, EndReason ended);
    void count(ConnectionTally& tally, const OpenFlow& flow, FlowStatus status,
               std::optional<std::int64_t> latency);
    void list(const FlowKey& key, OpenFlow& flow, FlowStatus status,
              std::optional<std::int64_t> latency);
    ConnectionTally& tally_of(std::uint64_t connection);
    void retire(std::uint64_t connection);
    [[nodiscard]] bool listed_connection(std::uint64_t connection) const;
    [[nodiscard]] std::string_view shortened(const mqtt::Packet& publish) const;

    const AnalysisSettings& settings_;
    ReportBuilder& report_;
    FlowMap in_flight_;  // ordered, so that one connection's flows are one range
    std::unordered_map<std::uint64_t, ConnectionTally> connections_;
    ConnectionTally* last_tally_ = nullptr;  // of the previous packet (the map's nodes stay in place)
    std::uint64_t last_connection_ = 0;
    QosTotals totals_;
    LatencyStats latency_;
    std::vector<QosFlow> listed_;  // slots reserved in PUBLISH order, filled when each flow ends
    std::vector<QosConnectionTotals> per_connection_;
    std::uint64_t flows_unlisted_ = 0;
    std::uint64_t flows_untracked_ = 0;
};

}  // namespace mqscan
