#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqscan/connection.hpp"
#include "mqscan/latency.hpp"
#include "mqscan/mqtt.hpp"
#include "mqscan/timestamp.hpp"

namespace mqscan {

// complete: every step seen; incomplete: the flow stopped (see `missing`);
// refused: a 5.0 PUBACK or PUBREC with a reason code >= 0x80 ended it.
enum class FlowStatus : std::uint8_t { Complete, Incomplete, Refused };

[[nodiscard]] std::string_view to_string(FlowStatus s);

struct QosStep {
    mqtt::PacketType type = mqtt::PacketType::Publish;
    std::uint64_t frame = 0;
    Timestamp time;
    bool dup = false;                         // a PUBLISH sent again with DUP set
    std::optional<std::uint8_t> reason_code;  // 5.0 acks
};

// One QoS 1 or 2 PUBLISH followed to its end, in either direction.
struct QosFlow {
    std::uint64_t connection = 0;
    Direction dir = Direction::ToServer;  // the PUBLISH's direction
    std::uint16_t packet_id = 0;
    std::uint8_t qos = 1;
    std::string topic;  // shortened to the payload cap
    std::uint32_t payload_length = 0;
    FlowStatus status = FlowStatus::Incomplete;
    std::optional<mqtt::PacketType> missing;  // the first step not seen, when incomplete
    std::vector<QosStep> steps;               // in order; at most QosReport::kStepsListed
    std::optional<std::int64_t> latency_ns;   // first PUBLISH to the last step, when complete
    std::uint32_t retransmissions = 0;        // PUBLISH (DUP) or PUBREL sent again
};

struct QosTotals {
    std::uint64_t flows = 0;
    std::uint64_t qos1 = 0;
    std::uint64_t qos2 = 0;
    std::uint64_t complete = 0;
    std::uint64_t incomplete = 0;
    std::uint64_t refused = 0;
    std::uint64_t retransmissions = 0;
    std::uint64_t packet_id_reused = 0;      // a new PUBLISH on an id still in flight
    std::uint64_t ack_without_publish = 0;   // an ack (or PUBREL) matching no flow
    LatencySummary latency;                  // over complete flows
};

struct QosConnectionTotals {
    std::uint64_t connection = 0;
    QosTotals totals;
};

struct QosReport {
    static constexpr std::size_t kStepsListed = 8;
    std::vector<QosFlow> flows;  // ordered by their PUBLISH's frame; the first Limits::max_qos_flows_listed
    std::uint64_t flows_unlisted = 0;
    std::uint64_t flows_untracked = 0;  // not followed: Limits::max_qos_in_flight was reached
    QosTotals totals;
    std::vector<QosConnectionTotals> per_connection;  // by connection, those with flows or stray acks
};

}  // namespace mqscan
