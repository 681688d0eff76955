#pragma once
// Every table and buffer has a finite size, passed in as one value. Hitting a
// limit is an anomaly with a documented fallback, never a crash.

#include <cstddef>
#include <cstdint>

namespace mqscan {

struct Limits {
    // Connections tracked at once; past it the least recently active is closed early.
    std::size_t max_connections = 10'000;
    // Out-of-order bytes and segments waiting per direction; past it the hole is declared a gap.
    std::size_t max_out_of_order_bytes = 256 * 1024;
    std::size_t max_out_of_order_segments = 256;
    // Out-of-order bytes waiting over all connections.
    std::size_t max_out_of_order_bytes_total = 32 * 1024 * 1024;
    // Recently delivered bytes kept per direction to compare retransmissions against.
    std::size_t overlap_check_bytes = 1024;
    // A connection silent this long (capture time) leaves the table; a later
    // packet on its ports starts a new connection.
    std::int64_t idle_timeout_seconds = 3600;
    // Gaps listed per connection (all are counted).
    std::size_t max_gaps_listed = 64;
    // Connections (the first by id) and anomalies listed in a report (all are counted).
    std::size_t max_connections_listed = 10'000;
    std::size_t max_anomalies_listed = 10'000;
    // Anomalies of one kind listed (a capture with checksum offload would list every packet).
    std::size_t max_anomalies_listed_per_kind = 100;

    // The analyses. QoS flows followed at once over all connections; past it a
    // new flow is counted as untracked (anomaly analysis.qos.in_flight_limit).
    std::size_t max_qos_in_flight = 100'000;
    std::size_t max_qos_flows_listed = 10'000;
    std::size_t max_pings_listed = 64;  // per connection
    std::size_t max_subscriptions_listed = 10'000;
    std::size_t max_retained_listed = 10'000;
    std::size_t max_fanouts_listed = 10'000;
    std::size_t max_deliveries_listed = 64;  // per fan-out
    // Topics counted for the topic tree; past it new topics are not counted
    // (anomaly analysis.topics.limit).
    std::size_t max_topics = 10'000;
    // Broker-bound PUBLISHes remembered to match the broker's deliveries; past
    // it the oldest is forgotten (anomaly analysis.delivery.window_limit).
    std::size_t max_delivery_candidates = 65'536;
    std::size_t max_findings_listed = 10'000;
    std::size_t max_findings_listed_per_kind = 100;
};

}  // namespace mqscan
