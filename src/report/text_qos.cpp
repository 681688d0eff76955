#include "report/text_qos.hpp"
#include "report/time_format.hpp"

#include <fmt/format.h>

namespace mqscan {
namespace {

// Unfinished flows and idle times named one by one on a line; the JSON report has them all.
constexpr std::size_t kShownPerLine = 3;

std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural) {
    return fmt::format("{} {}", n, n == 1 ? singular : plural);
}


// "min 1.200 ms / median 2.000 ms / max 3.100 ms" ("~": the median of a sample);
// one value alone is just that value.
std::string latency_range(const LatencySummary& l) {
    if (l.count == 1) return latency_text(l.min_ns);
    return fmt::format("min {} / median {}{} / max {}", latency_text(l.min_ns), l.median_exact ? "" : "~",
                       latency_text(l.median_ns), latency_text(l.max_ns));
}

// "PUBCOMP missing for id 7, frame 12", "id 4 refused by PUBACK 0x87 at frame 20"
std::string unfinished_text(const QosFlow& f) {
    const std::string_view from = f.dir == Direction::ToServer ? "client" : "broker";
    if (f.status == FlowStatus::Refused) {
        const QosStep& last = f.steps.back();
        return fmt::format("id {} from the {} refused by {} 0x{:02x} at frame {}", f.packet_id, from,
                           mqtt::to_string(last.type), last.reason_code.value_or(0), last.frame);
    }
    return fmt::format("{} missing for id {} from the {}, frame {}",
                       f.missing ? mqtt::to_string(*f.missing) : "a step", f.packet_id, from,
                       f.steps.front().frame);
}

// The connection's listed flows that did not complete, named up to kShownPerLine.
std::string unfinished_list(const QosReport& qos, std::uint64_t connection, std::uint64_t total) {
    std::vector<std::string> shown;
    if (total == 0) return "";
    for (const QosFlow& f : qos.flows) {
        if (shown.size() == kShownPerLine) break;
        if (f.connection == connection && f.status != FlowStatus::Complete) shown.push_back(unfinished_text(f));
    }
    if (shown.empty()) return "";
    const std::string more = total > shown.size() ? ", ..." : "";
    return fmt::format(" ({}{})", fmt::join(shown, "; "), more);
}

// "2 complete, 1 incomplete": the statuses seen.
std::string statuses(const QosTotals& t) {
    std::vector<std::string> parts;
    if (t.complete > 0) parts.push_back(fmt::format("{} complete", t.complete));
    if (t.incomplete > 0) parts.push_back(fmt::format("{} incomplete", t.incomplete));
    if (t.refused > 0) parts.push_back(fmt::format("{} refused", t.refused));
    return fmt::format("{}", fmt::join(parts, ", "));
}

// "2 retransmissions, 1 packet id reused while in flight"; empty when all is well.
std::string irregularities(const QosTotals& t) {
    std::vector<std::string> parts;
    if (t.retransmissions > 0)
        parts.push_back(count_of(t.retransmissions, "retransmission (DUP PUBLISH or PUBREL sent again)",
                                 "retransmissions (DUP PUBLISH or PUBREL sent again)"));
    if (t.packet_id_reused > 0)
        parts.push_back(fmt::format("{} reused while still in flight",
                                    count_of(t.packet_id_reused, "packet id", "packet ids")));
    if (t.ack_without_publish > 0)
        parts.push_back(fmt::format("{} with no PUBLISH in the capture",
                                    count_of(t.ack_without_publish, "acknowledgement", "acknowledgements")));
    return fmt::format("{}", fmt::join(parts, ", "));
}

// "QoS flows: 3 (1 QoS 1, 2 QoS 2): 2 complete, 1 incomplete (...); latency ..."
std::string flows_sentence(const QosTotals& t, const std::string& unfinished) {
    const std::string kinds = t.qos1 > 0 && t.qos2 > 0 ? fmt::format("{} QoS 1, {} QoS 2", t.qos1, t.qos2)
                                                        : fmt::format("QoS {}", t.qos1 > 0 ? 1 : 2);
    std::string text = fmt::format("QoS flows: {} ({}): {}{}", t.flows, kinds, statuses(t), unfinished);
    if (t.latency.count > 0) text += fmt::format("; latency {}", latency_range(t.latency));
    return text;
}

std::string keepalive_sentence(const KeepaliveReport& k) {
    switch (k.verdict) {
        case KeepaliveVerdict::Unknown: return "keepalive unknown: CONNECT not captured";
        case KeepaliveVerdict::Disabled: return "keepalive 0: disabled, the broker never closes a silent client";
        case KeepaliveVerdict::Respected:
        case KeepaliveVerdict::Late:
        case KeepaliveVerdict::Exceeded: break;
    }
    const std::uint16_t applied = k.server_keepalive.value_or(k.keepalive);
    std::string text = fmt::format("keepalive {} s", applied);
    if (k.server_keepalive) text += fmt::format(" (set by the broker; the client asked for {} s)", k.keepalive);
    if (k.max_client_silence_frame != 0)
        text += fmt::format(", longest client silence {} (ended at frame {})",
                            latency_text(k.max_client_silence_ns), k.max_client_silence_frame);
    switch (k.verdict) {
        case KeepaliveVerdict::Respected: return text + ": respected";
        case KeepaliveVerdict::Late: return text + ": late (past the keepalive, within 1.5 x)";
        default: return text + ": EXCEEDED (silent past 1.5 x the keepalive)";
    }
}

// "0.200 ms to 0.300 ms (median 0.250 ms)"
std::string response_range(const LatencySummary& l) {
    if (l.count == 1) return latency_text(l.min_ns);
    return fmt::format("{} to {} (median {}{})", latency_text(l.min_ns), latency_text(l.max_ns),
                       l.median_exact ? "" : "~", latency_text(l.median_ns));
}

// "frame 40, frame 52": the listed PINGREQs left unanswered.
std::string unanswered_frames(const KeepaliveReport& k) {
    std::vector<std::string> frames;
    for (const Ping& p : k.pings)
        if (!p.response_frame && frames.size() < kShownPerLine) frames.push_back(fmt::format("frame {}", p.frame));
    if (frames.empty()) return "";
    return fmt::format(" ({}{})", fmt::join(frames, ", "), k.unanswered > frames.size() ? ", ..." : "");
}

// "2 PINGREQs, after 60.000 s, 60.100 s of client silence; answered in 0.200 ms to
// 0.300 ms (median 0.250 ms); 1 unanswered (frame 40)"
std::string pings_sentence(const KeepaliveReport& k) {
    std::vector<std::string> idles;
    for (std::size_t i = 0; i < k.pings.size() && i < kShownPerLine; ++i) idles.push_back(latency_text(k.pings[i].idle_ns));
    std::string text = count_of(k.pingreq, "PINGREQ", "PINGREQs");
    if (!idles.empty())
        text += fmt::format(", after {}{} of client silence", fmt::join(idles, ", "),
                            k.pingreq > idles.size() ? ", ..." : "");
    if (k.response_latency.count > 0) text += fmt::format("; answered in {}", response_range(k.response_latency));
    if (k.unanswered > 0) text += fmt::format("; {} unanswered{}", k.unanswered, unanswered_frames(k));
    return text;
}

}  // namespace

std::vector<std::string> qos_text_lines(const CaptureReport& report, std::uint64_t connection) {
    const QosConnectionTotals* found = find_connection_record(report.qos.per_connection, connection);
    if (found == nullptr) return {};
    const QosTotals& t = found->totals;
    std::vector<std::string> lines;
    if (t.flows > 0) lines.push_back(flows_sentence(t, unfinished_list(report.qos, connection, t.incomplete + t.refused)));
    if (std::string more = irregularities(t); !more.empty()) lines.push_back(std::move(more));
    return lines;
}

std::vector<std::string> keepalive_text_lines(const CaptureReport& report, std::uint64_t connection) {
    const KeepaliveReport* k = find_connection_record(report.keepalive, connection);
    if (k == nullptr) return {};
    std::vector<std::string> lines{keepalive_sentence(*k)};
    if (k->pingreq > 0) lines.push_back(pings_sentence(*k));
    if (k->expired)
        lines.push_back(fmt::format("the broker closed the connection after {} of client silence: the keepalive "
                                    "expired",
                                    latency_text(k->silence_before_close_ns)));
    return lines;
}

std::vector<std::string> qos_summary_lines(const CaptureReport& report) {
    const QosReport& qos = report.qos;
    const QosTotals& t = qos.totals;
    if (t.flows == 0 && t.ack_without_publish == 0 && qos.flows_untracked == 0) return {};
    std::vector<std::string> lines;
    if (t.flows > 0) lines.push_back(flows_sentence(t, ""));
    if (std::string more = irregularities(t); !more.empty()) lines.push_back(std::move(more));
    if (qos.flows_unlisted > 0)
        lines.push_back(fmt::format("the JSON report lists the first {}; {} more are counted only",
                                    count_of(qos.flows.size(), "flow", "flows"), qos.flows_unlisted));
    if (qos.flows_untracked > 0)
        lines.push_back(fmt::format("{} not followed: too many QoS exchanges were in flight at once",
                                    count_of(qos.flows_untracked, "QoS flow was", "QoS flows were")));
    return lines;
}

}  // namespace mqscan
