#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/flat_map.hpp"
#include "analysis/id_table.hpp"
#include "analysis/latency_stats.hpp"
#include "analysis/listed_records.hpp"
#include "analysis/slot_pool.hpp"
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
        bool operator==(const FlowKey&) const = default;
    };
    struct FlowKeyHash {
        std::uint64_t operator()(const FlowKey& k) const {
            return (k.connection << 17) ^ (static_cast<std::uint64_t>(k.dir) << 16) ^ k.packet_id;
        }
    };

    static constexpr std::uint32_t kNoFlow = UINT32_MAX;

    // Kept in a reused slot while in flight: following a flow allocates
    // nothing once there are slots for the flows in flight at once.
    struct OpenFlow {
        FlowKey key;
        // The connection's flows in flight, in the order they started.
        std::uint32_t previous = kNoFlow;
        std::uint32_t next = kNoFlow;
        std::uint8_t qos = 1;
        mqtt::PacketType expected = mqtt::PacketType::Puback;  // the next step
        std::uint32_t payload_length = 0;
        std::uint32_t retransmissions = 0;
        std::uint8_t step_count = 0;
        std::array<QosStep, QosReport::kStepsListed> steps{};
        std::string topic;
        std::optional<std::size_t> slot;  // its place in the listed flows
    };

    struct ConnectionTally {
        QosTotals totals;
        LatencyStats latency;    // of a listed connection only
        bool untracked = false;  // some of its flows were not followed (in-flight limit)
        std::uint32_t first_open = kNoFlow;
        std::uint32_t last_open = kNoFlow;
    };

    void on_publish(const MqttPacketEvent& event, std::uint16_t packet_id);
    void on_step(const MqttPacketEvent& event, std::uint16_t packet_id);
    void start_flow(const MqttPacketEvent& event, const FlowKey& key, ConnectionTally& tally);
    void record_step(OpenFlow& flow, const MqttPacketEvent& event, bool dup);
    // How an ack, PUBREL or PUBCOMP fits the flow its id names.
    enum class StepFit { Next, Repeat, None };
    StepFit take_step(OpenFlow& flow, const MqttPacketEvent& event);
    void report_reuse(const MqttPacketEvent& event, const OpenFlow& old);
    void report_stray(const MqttPacketEvent& event, const FlowKey& key, const OpenFlow* waiting,
                      ConnectionTally& tally);
    void report_refused(const OpenFlow& flow);
    void report_incomplete(const OpenFlow& flow, EndReason ended);
    // The flow in flight under `key`, or kNoFlow.
    [[nodiscard]] std::uint32_t find_flow(const FlowKey& key) const;
    // Ends the flow in `slot`: counts it, fills its listing slot, frees its state.
    void close(std::uint32_t slot, FlowStatus status, ConnectionTally& tally);
    void close_connection_flows(std::uint64_t connection, EndReason ended);
    void count(ConnectionTally& tally, const OpenFlow& flow, FlowStatus status,
               std::optional<std::int64_t> latency);
    void list(OpenFlow& flow, FlowStatus status, std::optional<std::int64_t> latency);
    void retire(std::uint64_t connection);
    [[nodiscard]] bool listed_connection(std::uint64_t connection) const;
    [[nodiscard]] std::string_view shortened(const mqtt::Packet& publish) const;

    const AnalysisSettings& settings_;
    ReportBuilder& report_;
    FlatMap<FlowKey, std::uint32_t, FlowKeyHash> in_flight_;  // the slot in flows_ of each flow in flight
    SlotPool<OpenFlow> flows_;
    std::vector<std::uint32_t> closing_;  // kept across connections, so that closing one allocates nothing
    IdTable<ConnectionTally> connections_;
    QosTotals totals_;
    LatencyStats latency_;
    std::vector<QosFlow> listed_;  // slots reserved in PUBLISH order, filled when each flow ends
    ListedRecords<QosConnectionTotals> per_connection_;
    std::uint64_t flows_unlisted_ = 0;
    std::uint64_t flows_untracked_ = 0;
};

}  // namespace mqscan
