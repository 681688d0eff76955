#include "flow/connection_tracker.hpp"

#include <algorithm>
#include <fmt/core.h>

namespace mqscan {

struct ConnectionTracker::Tracked {
    Tracked(const Limits& limits, std::size_t& pending_total, FlowKey flow_key)
        : key(flow_key), to_server(limits, pending_total), to_client(limits, pending_total) {}

    TcpReassembler& stream(Direction d) { return d == Direction::ToServer ? to_server : to_client; }

    FlowKey key;
    ConnectionSummary summary;
    TcpReassembler to_server;
    TcpReassembler to_client;
    std::array<std::optional<std::uint16_t>, 2> window;  // last advertised by each sender
    // Closed by a RST, or by FIN from both sides (then the streams have been ended too).
    [[nodiscard]] bool closed() const { return ended || summary.end_reason == EndReason::Rst; }

    bool ended = false;       // the streams have been ended (FIN+FIN, or retired)
    bool cut_reported = false;
    std::list<Tracked*>::iterator activity;
};

// Routes one direction's reassembled bytes and gaps to the summary and the consumer.
class ConnectionTracker::DirectionOutput final : public ReassemblyOutput {
public:
    DirectionOutput(ConnectionTracker& tracker, Tracked& connection, Direction dir, FrameRef at)
        : tracker_(tracker), connection_(connection), dir_(dir), at_(at) {}

    void deliver(Bytes bytes) override {
        connection_.summary.stats(dir_).bytes += bytes.size();
        if (tracker_.consumer_ != nullptr)
            tracker_.consumer_->on_data(connection_.summary, dir_, bytes, at_);
    }

    void gap(std::uint64_t bytes) override {
        ConnectionSummary& summary = connection_.summary;
        DirectionStats& stats = summary.stats(dir_);
        stats.gap_bytes += bytes;
        ++stats.gap_count;
        if (summary.gaps.size() < tracker_.limits_.max_gaps_listed)
            summary.gaps.push_back(Gap{dir_, bytes, at_.time, at_.number});
        tracker_.report_.anomaly(AnomalyId::StreamGap, summary.id, at_.number,
                                 fmt::format("{} bytes missing {}", bytes, to_string(dir_)));
        if (tracker_.consumer_ != nullptr)
            tracker_.consumer_->on_gap(summary, dir_, bytes, at_);
    }

private:
    ConnectionTracker& tracker_;
    Tracked& connection_;
    Direction dir_;
    FrameRef at_;
};

ConnectionTracker::ConnectionTracker(const Limits& limits, std::vector<std::uint16_t> server_ports,
                                     ReportBuilder& report, StreamConsumer* consumer)
    : limits_(limits), server_ports_(std::move(server_ports)), report_(report),
      consumer_(consumer) {}

ConnectionTracker::~ConnectionTracker() = default;

SegmentStatus ConnectionTracker::on_segment(const TcpSegment& segment, FrameRef at) {
    Tracked& connection = find_or_create(segment, at);
    last_ = &connection;
    ConnectionSummary& summary = connection.summary;
    by_activity_.splice(by_activity_.end(), by_activity_, connection.activity);
    summary.end = at.time;
    summary.last_frame = at.number;

    const Direction dir = segment.src == summary.client ? Direction::ToServer : Direction::ToClient;
    DirectionStats& stats = summary.stats(dir);
    ++stats.packets;
    const auto peer_window = connection.window[static_cast<int>(opposite(dir))];
    connection.window[static_cast<int>(dir)] = segment.window;

    if (segment.payload_missing > 0 && !connection.cut_reported) {
        connection.cut_reported = true;
        report_.anomaly(AnomalyId::FrameCutBySnaplen, summary.id, at.number,
                        fmt::format("{} of {} payload bytes captured", segment.payload.size(),
                                    segment.payload_length()));
    }
    if (segment.has(tcp_flags::Fin) && !stats.fin) {
        stats.fin = true;
        stats.fin_frame = at.number;
        stats.fin_time = at.time;
    }
    if (segment.has(tcp_flags::Rst) && !stats.rst) {
        stats.rst = true;
        stats.rst_frame = at.number;
        stats.rst_time = at.time;
    }
    if (connection.ended) {
        return segment.payload_length() > 0 ? SegmentStatus::Ignored : SegmentStatus::NoPayload;
    }
    if (segment.has(tcp_flags::Rst)) {
        // The streams go on: segments already in flight after a RST still
        // crossed the wire. The RST's own bytes are a diagnostic text [RFC 1122
        // 4.2.2.12], not stream data.
        summary.end_reason = EndReason::Rst;
        connection.to_server.release_history();
        connection.to_client.release_history();
        return segment.payload_length() > 0 ? SegmentStatus::Ignored : SegmentStatus::NoPayload;
    }

    SegmentInput input;
    input.seq = segment.seq;
    input.syn = segment.has(tcp_flags::Syn);
    input.fin = segment.has(tcp_flags::Fin);
    input.payload = segment.payload;
    input.missing = segment.payload_missing;
    input.peer_window_zero = peer_window.has_value() && *peer_window == 0;
    DirectionOutput output(*this, connection, dir, at);
    const SegmentOutcome outcome = connection.stream(dir).accept(input, output);
    if (segment.has(tcp_flags::Ack)) {
        DirectionOutput peer_output(*this, connection, opposite(dir), at);
        connection.stream(opposite(dir)).acknowledged(segment.ack, peer_output);
    }
    if (outcome.overlap_mismatch)
        report_.anomaly(AnomalyId::SegmentOverlapMismatch, summary.id, at.number,
                        std::string(to_string(dir)));
    if (outcome.out_of_order_limit)
        report_.anomaly(AnomalyId::OutOfOrderLimit, summary.id, at.number,
                        std::string(to_string(dir)));
    if (connection.to_server.fin_reached() && connection.to_client.fin_reached()) {
        if (summary.end_reason != EndReason::Rst) summary.end_reason = EndReason::Fin;
        end_streams(connection, at);
    }
    return outcome.status;
}

ConnectionTracker::Tracked& ConnectionTracker::find_or_create(const TcpSegment& segment,
                                                              FrameRef at) {
    const FlowKey key = FlowKey::of(segment.src, segment.dst);
    Tracked* known = last_ != nullptr && last_->key == key ? last_ : nullptr;
    if (known == nullptr) {
        auto found = table_.find(key);
        if (found == table_.end()) return create(key, segment, at);
        known = found->second.get();
    }
    Tracked& existing = *known;
    // Silence is measured on the connection's own clock, so that one frame with
    // an odd timestamp elsewhere cannot end every connection.
    const std::int64_t idle_limit = limits_.idle_timeout_seconds * 1'000'000'000;
    if (at.time.ns - existing.summary.end.ns > idle_limit) {
        retire(existing, existing.closed() ? std::nullopt : std::optional(EndReason::IdleTimeout));
        return create(key, segment, at);
    }
    const bool opening = segment.has(tcp_flags::Syn) && !segment.has(tcp_flags::Ack);
    if (!opening) return existing;
    const Direction dir =
        segment.src == existing.summary.client ? Direction::ToServer : Direction::ToClient;
    const TcpReassembler& stream = existing.stream(dir);
    if (!stream.started() || stream.owns_syn(segment.seq)) {
        ConnectionSummary& summary = existing.summary;
        if (!summary.syn_seen && segment.src == summary.client) {
            // A SYN captured after the first data confirms the guessed roles.
            summary.syn_seen = true;
            summary.role_source = RoleSource::Syn;
        }
        return existing;
    }

    // A SYN with a new initial sequence number: the ports were reused.
    retire(existing, existing.closed() ? std::nullopt : std::optional(EndReason::PortReused));
    Tracked& fresh = create(key, segment, at);
    report_.anomaly(AnomalyId::PortReused, fresh.summary.id, at.number);
    return fresh;
}

ConnectionTracker::Tracked& ConnectionTracker::create(const FlowKey& key,
                                                      const TcpSegment& segment, FrameRef at) {
    if (table_.size() >= limits_.max_connections && !by_activity_.empty()) {
        Tracked& oldest = *by_activity_.front();
        if (!oldest.closed())
            report_.anomaly(AnomalyId::FlowTableFull, oldest.summary.id, at.number,
                            fmt::format("{} connections tracked", limits_.max_connections));
        retire(oldest, oldest.closed() ? std::nullopt : std::optional(EndReason::Evicted));
    }
    auto owned = std::make_unique<Tracked>(limits_, pending_total_, key);
    Tracked& connection = *owned;
    ConnectionSummary& summary = connection.summary;
    summary.id = next_id_++;
    summary.start = at.time;
    summary.end = at.time;
    summary.first_frame = at.number;
    summary.last_frame = at.number;
    assign_roles(summary, segment);
    connection.activity = by_activity_.insert(by_activity_.end(), &connection);
    table_.emplace(key, std::move(owned));
    if (consumer_ != nullptr) consumer_->on_connection_start(summary);
    return connection;
}

void ConnectionTracker::assign_roles(ConnectionSummary& summary, const TcpSegment& segment) const {
    const bool syn = segment.has(tcp_flags::Syn);
    const bool ack = segment.has(tcp_flags::Ack);
    if (syn && !ack) {
        summary.syn_seen = true;
        summary.role_source = RoleSource::Syn;
        summary.client = segment.src;
        summary.server = segment.dst;
        return;
    }
    if (syn && ack) {
        summary.role_source = RoleSource::SynAck;
        summary.client = segment.dst;
        summary.server = segment.src;
        return;
    }
    // Started before the capture: a known service port is the server, else a
    // privileged port, else the lower port (clients usually get high ephemeral ports).
    summary.role_source = RoleSource::Port;
    auto known = [this](std::uint16_t port) {
        return std::find(server_ports_.begin(), server_ports_.end(), port) != server_ports_.end();
    };
    const bool src_known = known(segment.src.port);
    const bool dst_known = known(segment.dst.port);
    bool src_is_server = false;
    if (src_known != dst_known) {
        src_is_server = src_known;
    } else if ((segment.src.port < 1024) != (segment.dst.port < 1024)) {
        src_is_server = segment.src.port < 1024;
    } else {
        src_is_server = segment.src.port < segment.dst.port;
    }
    summary.client = src_is_server ? segment.dst : segment.src;
    summary.server = src_is_server ? segment.src : segment.dst;
}

void ConnectionTracker::end_streams(Tracked& connection, FrameRef at) {
    if (connection.ended) return;
    connection.ended = true;
    for (Direction dir : {Direction::ToServer, Direction::ToClient}) {
        DirectionOutput output(*this, connection, dir, at);
        connection.stream(dir).flush(output);
        connection.stream(dir).release_memory();
    }
    if (consumer_ != nullptr) consumer_->on_end(connection.summary);
}

void ConnectionTracker::retire(Tracked& connection, std::optional<EndReason> reason) {
    ConnectionSummary& summary = connection.summary;
    if (reason) {
        summary.end_reason = *reason;
        if (*reason == EndReason::IdleTimeout)
            report_.anomaly(AnomalyId::ConnectionIdleEvicted, summary.id, summary.last_frame);
    }
    end_streams(connection, FrameRef{summary.last_frame, summary.end});
    report_.connection(std::move(summary));
    by_activity_.erase(connection.activity);
    if (last_ == &connection) last_ = nullptr;
    const FlowKey key = connection.key;  // erase() destroys `connection`
    table_.erase(key);
}

void ConnectionTracker::finish() {
    while (!by_activity_.empty()) {
        Tracked& connection = *by_activity_.front();
        std::optional<EndReason> reason;
        if (!connection.closed()) {
            const auto& s = connection.summary;
            const bool fin_both = s.stats(Direction::ToServer).fin && s.stats(Direction::ToClient).fin;
            const bool fin_one = s.stats(Direction::ToServer).fin || s.stats(Direction::ToClient).fin;
            reason = fin_both ? EndReason::Fin : fin_one ? EndReason::HalfClosed : EndReason::Open;
        }
        retire(connection, reason);
    }
}

}  // namespace mqscan
