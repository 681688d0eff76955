#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "report/reporters.hpp"
#include "report/terminal_text.hpp"
#include "report/text_delivery.hpp"
#include "report/text_qos.hpp"
#include "report/text_session.hpp"
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

// ANSI styles; applied after terminal_line() has neutralised the capture's own bytes.
enum class Style { Plain, Heading, Good, Notice, Bad };

std::string_view escape_code(Style style) {
    switch (style) {
        case Style::Plain: return "";
        case Style::Heading: return "\x1b[1m";
        case Style::Good: return "\x1b[1;32m";
        case Style::Notice: return "\x1b[33m";
        case Style::Bad: return "\x1b[1;31m";
    }
    return "";
}

Style style_of(Severity severity) {
    switch (severity) {
        case Severity::Info: return Style::Plain;
        case Severity::Warning: return Style::Notice;
        case Severity::Error: return Style::Bad;
    }
    return Style::Plain;
}

Style style_of(const Verdict& v) {
    if (v.cleartext_mqtt || v.failed_handshakes) return Style::Bad;
    return v.tls_established ? Style::Good : Style::Notice;
}

class TextReport {
public:
    TextReport(const CaptureReport& report, const ReportOptions& options)
        : report_(report), options_(options), precision_(report.capture.precision) {}

    std::string render() {
        capture();
        verdict();
        connections();
        section("Subscriptions and delivery", delivery_text_lines(report_));
        section("QoS", qos_summary_lines(report_));
        findings();
        anomalies();
        counters();
        return std::move(out_);
    }

private:
    template <typename... Args>
    void line(fmt::format_string<Args...> format, Args&&... args) {
        styled(Style::Plain, format, std::forward<Args>(args)...);
    }

    template <typename... Args>
    void styled(Style style, fmt::format_string<Args...> format, Args&&... args) {
        const std::string text = terminal_line(fmt::format(format, std::forward<Args>(args)...));
        if (options_.color && style != Style::Plain) {
            out_ += escape_code(style);
            out_ += text;
            out_ += "\x1b[0m";
        } else {
            out_ += text;
        }
        out_ += '\n';
    }

    void section(std::string_view title, const std::vector<std::string>& lines) {
        if (lines.empty()) return;
        styled(Style::Heading, "{}", title);
        for (const std::string& text : lines) line("  {}", text);
        out_ += '\n';
    }

    void verdict() {
        styled(style_of(report_.verdict), "Verdict: {}", report_.verdict.summary);
        out_ += '\n';
    }

    void findings() {
        std::uint64_t total = 0;
        for (std::uint64_t n : report_.finding_counts) total += n;
        styled(Style::Heading, "Findings: {}", total);
        for (const Finding& f : report_.findings) {
            const FindingInfo& info = describe(f.id);
            styled(style_of(info.severity), "  [{}] {}: {}", to_string(info.severity), info.id, f.message);
        }
        if (total > report_.findings.size())
            line("  ... {} more, counted in the JSON report", total - report_.findings.size());
        out_ += '\n';
    }

    void capture() {
        const CaptureInfo& c = report_.capture;
        styled(Style::Heading, "Capture {}", c.file);
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
        if (!options_.narrowed_to.empty())
            line("  Narrowed to {}: the verdict, totals and capture findings still cover the whole capture",
                 options_.narrowed_to);
        out_ += '\n';
    }

    void connections() {
        const Counters& counters = report_.counters;
        styled(Style::Heading, "TCP connections: {}", counters.connections);
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
        if (const SessionReport* s = find_connection_record(report_.sessions, c.id))
            for (const std::string& text : session_text_lines(*s, options_)) line("      {}", text);
        mqtt_summary(c.id);
        for (const std::string& text : qos_text_lines(report_, c.id)) line("      {}", text);
        for (const std::string& text : keepalive_text_lines(report_, c.id)) line("      {}", text);
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
        styled(Style::Heading, "Anomalies: {}", total);
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
        styled(Style::Heading, "Packets read: {}{}", c.packets_read, packets);
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
    const ReportOptions& options_;
    TimePrecision precision_;
    std::string out_;
};

}  // namespace

std::string render_text(const CaptureReport& report, const ReportOptions& options) {
    return TextReport(report, options).render();
}

}  // namespace mqscan
