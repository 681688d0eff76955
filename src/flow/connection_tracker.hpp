#pragma once

#include <list>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/report_builder.hpp"
#include "decode/decoded_packet.hpp"
#include "flow/flow_key.hpp"
#include "flow/tcp_reassembler.hpp"
#include "mqscan/frame.hpp"
#include "mqscan/limits.hpp"
#include "mqscan/stream_consumer.hpp"

namespace mqscan {

// The flow table: finds each segment's connection (creating, replacing or
// evicting as needed), feeds the right direction's reassembler, and reports
// each connection when it ends.
class ConnectionTracker {
public:
    // `server_ports` decide the roles of a connection seen without its SYN.
    ConnectionTracker(const Limits& limits, std::vector<std::uint16_t> server_ports,
                      ReportBuilder& report, StreamConsumer* consumer);
    ~ConnectionTracker();
    ConnectionTracker(const ConnectionTracker&) = delete;
    ConnectionTracker& operator=(const ConnectionTracker&) = delete;

    SegmentStatus on_segment(const TcpSegment& segment, FrameRef at);
    // End of capture: every connection still tracked is reported.
    void finish();
    [[nodiscard]] std::size_t tracked() const { return table_.size(); }

private:
    struct Tracked;
    class DirectionOutput;

    Tracked& find_or_create(const TcpSegment& segment, FrameRef at);
    Tracked& create(const FlowKey& key, const TcpSegment& segment, FrameRef at);
    void assign_roles(ConnectionSummary& summary, const TcpSegment& segment) const;
    void end_streams(Tracked& connection, FrameRef at);
    void retire(Tracked& connection, std::optional<EndReason> reason);

    const Limits& limits_;
    std::vector<std::uint16_t> server_ports_;
    ReportBuilder& report_;
    StreamConsumer* consumer_;
    std::size_t pending_total_ = 0;  // before table_: the reassemblers update it as they go
    std::unordered_map<FlowKey, std::unique_ptr<Tracked>, FlowKeyHash> table_;
    // The connection of the previous segment: the next one is often the same.
    Tracked* last_ = nullptr;
    std::list<Tracked*> by_activity_;  // least recently active first
    std::uint64_t next_id_ = 0;
};

}  // namespace mqscan
