#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "report/reporters.hpp"
#include "report/terminal_text.hpp"
#include "report/text_tls.hpp"
#include "report/time_format.hpp"

namespace mqscan {
namespace {

std::string side_of(const ConnectionSummary& c, bool (*flag)(const DirectionStats&)) {
    const bool client = flag(c.stats(Direction::ToServer));
    const bool server = flag(c.stats(Direction::ToClient));
    if (client && server) return "both sides";
    return client ? "the client" : "the server";
}

std::string ending(const ConnectionSummary& c) {
    auto fin = [](const DirectionStats& s) { return s.fin; };
    auto rst = [](const DirectionStats& s) { return s.rst; };
    switch (c.end_reason) {
        case EndReason::Fin: return "closed normally (FIN from both sides)";
        case EndReason::Rst: return fmt::format("reset by {} (RST)", side_of(c, rst));
        case EndReason::HalfClosed:
            return fmt::format("half-closed (FIN from {} only) when the capture ended",
                               side_of(c, fin));
        case EndReason::Open: return "still open when the capture ended";
        case EndReason::IdleTimeout: return "silent past the idle timeout; closed in the report";
        case EndReason::Evicted: return "closed early in the report: the connection table was full";
        case EndReason::PortReused: return "replaced by a new connection on the same ports";
    }
    return "unknown";
}

std::string opening(const ConnectionSummary& c) {
    switch (c.role_source) {
        case RoleSource::Syn: return "opened in the capture (SYN seen)";
        case RoleSource::SynAck: return "SYN not captured; roles from the SYN-ACK";
        case RoleSource::Port:
            return "started before the capture; roles guessed from the ports";
    }
    return "";
}

class TextReport {
public:
    explicit TextReport(const CaptureReport& report)
        : report_(report), precision_(report.capture.precision) {}

    std::string render() {
        capture();
        connections();
        anomalies();
        counters();
        return std::move(out_);
    }

private:
    template <typename... Args>
    void line(fmt::format_string<Args...> format, Args&&... args) {
        out_ += terminal_line(fmt::format(format, std::forward<Args>(args)...));
        out_ += '\n';
    }

    void capture() {
        const CaptureInfo& c = report_.capture;
        line("Capture {}", c.file);
        line("  {}{}, link type {}, snaplen {}, {} timestamps", to_string(c.format),
             c.gzip ? " (gzip)" : "", c.link_type_name, c.snaplen,
             precision_ == TimePrecision::Nano ? "nanosecond" : "microsecond");
        if (c.first_time && c.last_time) {
            line("  {} packets, {} bytes, from {} to {} ({})", c.packets, c.bytes,
                 utc_time(*c.first_time, precision_), utc_time(*c.last_time, precision_),
                 duration_text(c.last_time->ns - c.first_time->ns));
        } else {
            line("  no packets");
        }
        if (c.truncated_frames > 0)
            line("  {} frames were cut by the snaplen: their missing bytes count as gaps",
                 c.truncated_frames);
        if (!c.complete)
            line("  DAMAGED FILE: {}. Everything before the damage was analysed.", c.error);
        out_ += '\n';
    }

    void connections() {
        const Counters& counters = report_.counters;
        line("TCP connections: {}", counters.connections);
        for (const ConnectionSummary& c : report_.connections) connection(c);
        if (counters.connections_unlisted > 0)
            line("  ... and {} more connections, counted but not listed",
                 counters.connections_unlisted);
        out_ += '\n';
    }

    void connection(const ConnectionSummary& c) {
        const DirectionStats& up = c.stats(Direction::ToServer);
        const DirectionStats& down = c.stats(Direction::ToClient);
        line("  #{}  client {} -> server {}", c.id, c.client.to_string(), c.server.to_string());
        line("      {}; {}", opening(c), ending(c));
        line("      {} -> {} ({}), frames {}-{}", utc_time(c.start, precision_),
             utc_time(c.end, precision_), duration_text(c.end.ns - c.start.ns), c.first_frame,
             c.last_frame);
        line("      to server: {} packets, {} bytes; to client: {} packets, {} bytes", up.packets,
             up.bytes, down.packets, down.bytes);
        mqtt_summary(c.id);
        if (const TlsConnectionReport* tls = find_tls(report_, c.id))
            for (const std::string& text : tls_text_lines(*tls)) line("      {}", text);
        const std::uint64_t gap_count = up.gap_count + down.gap_count;
        if (gap_count == 0) return;
        line("      {} gaps: {} bytes missing to server, {} bytes missing to client", gap_count,
             up.gap_bytes, down.gap_bytes);
        for (const Gap& g : c.gaps)
            line("        {} bytes missing {} at frame {}", g.bytes, to_string(g.dir), g.frame);
        if (gap_count > c.gaps.size()) line("        ... {} more", gap_count - c.gaps.size());
    }

    void mqtt_summary(std::uint64_t id) {
        const MqttConnectionReport* found = find_mqtt(report_, id);
        if (found == nullptr) return;
        const MqttConnectionReport& m = *found;
        std::string session = "CONNECT not captured, version guessed";
        if (m.connect) {
            const std::string& client_id = m.connect->client_id;
            session = fmt::format("{}, keepalive {} s, {} session",
                                  client_id.empty() ? "empty client id (the broker assigns one)"
                                             : fmt::format("client '{}'", client_id),
                                  m.connect->keepalive,
                                  m.connect->clean_session() ? "clean" : "persistent");
        }
        line("      MQTT {}: {}", mqtt::to_string(m.version), session);
        std::array<std::uint64_t, 16> by_type{};
        for (const MqttPacketRecord& r : m.packets) ++by_type[static_cast<std::size_t>(r.packet.type)];
        std::string counts;
        for (std::size_t t = 0; t < by_type.size(); ++t)
            if (by_type[t] > 0)
                counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", by_type[t],
                                      mqtt::to_string(static_cast<mqtt::PacketType>(t)));
        line("      {} MQTT packets{}{}", m.packet_count, counts.empty() ? "" : ": ", counts);
    }

    void anomalies() {
        std::uint64_t total = 0;
        for (std::uint64_t n : report_.anomaly_counts) total += n;
        line("Anomalies: {}", total);
        for (const Anomaly& a : report_.anomalies) {
            const AnomalyInfo& info = describe(a.id);
            std::string where;
            if (a.connection) where += fmt::format(" connection #{}", *a.connection);
            if (a.frame) where += fmt::format(" frame {}", *a.frame);
            line("  [{}] {}{}: {}", to_string(info.severity), info.id, where, a.message());
        }
        if (total > report_.anomalies.size())
            line("  ... {} more, counted below", total - report_.anomalies.size());
        out_ += '\n';
    }

    void counters() {
        const Counters& c = report_.counters;
        std::string packets;
        for (std::size_t i = 0; i < c.packets.size(); ++i)
            if (c.packets[i] > 0)
                packets += fmt::format(", {} {}", c.packets[i], to_string(static_cast<PacketClass>(i)));
        line("Packets read: {}{}", c.packets_read, packets);
        std::string segments;
        for (std::size_t i = 0; i < c.segments.size(); ++i)
            if (c.segments[i] > 0)
                segments += fmt::format(", {} {}", c.segments[i],
                                        to_string(static_cast<SegmentStatus>(i)));
        line("TCP segments: {}{}", c.of(PacketClass::Tcp), segments);
        for (std::size_t i = 0; i < report_.anomaly_counts.size(); ++i)
            if (report_.anomaly_counts[i] > 0)
                line("  {}: {}", describe(static_cast<AnomalyId>(i)).id, report_.anomaly_counts[i]);
    }

    const CaptureReport& report_;
    TimePrecision precision_;
    std::string out_;
};

}  // namespace

std::string render_text(const CaptureReport& report) { return TextReport(report).render(); }

}  // namespace mqscan
