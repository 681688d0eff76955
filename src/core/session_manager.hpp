#pragma once
// Picks each connection's dissector (a header probe of the client's first
// bytes, then the port), feeds it the reassembled streams, and fences it: a
// surprise inside a dissector costs that connection's decoding, never the
// analysis.

#include <memory>
#include <string>
#include <unordered_map>

#include "core/report_builder.hpp"
#include "mqscan/analysis.hpp"
#include "mqtt/mqtt_dissector.hpp"
#include "tls/tls_dissector.hpp"

namespace mqscan {

class SessionManager final : public StreamConsumer {
public:
    SessionManager(const AnalysisSettings& settings, ReportBuilder& report, EventSink& events);
    ~SessionManager() override;

    void on_connection_start(const ConnectionSummary& connection) override;
    void on_data(const ConnectionSummary& connection, Direction dir, Bytes bytes, FrameRef at) override;
    void on_gap(const ConnectionSummary& connection, Direction dir, std::uint64_t bytes, FrameRef at) override;
    void on_end(const ConnectionSummary& connection) override;

private:
    struct Session;

    void choose_dissector(Session& session, const ConnectionSummary& connection, Direction dir,
                          Bytes bytes, FrameRef at);
    // The dissector chosen; a protocol on the other one's port is a finding.
    void start_mqtt(Session& session, const ConnectionSummary& connection, FrameRef at);
    void start_tls(Session& session, const ConnectionSummary& connection, FrameRef at);
    void settle(Session& session, const ConnectionSummary& connection, FrameRef at);
    void flush_held(Session& session, const ConnectionSummary& connection, std::size_t count, FrameRef at);
    // Hands `bytes` to the connection's dissector, inside the fence.
    void deliver(Session& session, const ConnectionSummary& connection, Direction dir, Bytes bytes,
                 FrameRef at);
    template <typename Call>
    void fenced(Session& session, const ConnectionSummary& connection, FrameRef at, Call call);

    const AnalysisSettings& settings_;
    ReportBuilder& report_;
    EventSink& events_;
    std::unordered_map<std::uint64_t, std::unique_ptr<Session>> sessions_;
};

}  // namespace mqscan
