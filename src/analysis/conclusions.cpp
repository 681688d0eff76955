#include "analysis/conclusions.hpp"

#include <fmt/format.h>

#include "analysis/capture_quality.hpp"
#include "analysis/security_verdict.hpp"
#include "analysis/session_text.hpp"
#include "report/time_format.hpp"

namespace mqscan {
namespace {

// The keepalive analysis knows whether the broker's close was an expiry; the
// session says so, and a finding explains it.
void name_keepalive_expiries(ReportBuilder& report) {
    CaptureReport& draft = report.draft();
    for (SessionReport& s : draft.sessions) {
        const KeepaliveReport* k = find_connection_record(draft.keepalive, s.connection);
        if (k == nullptr || !k->expired) continue;
        s.ending.how = SessionEnd::KeepaliveExpired;
        const std::uint16_t keepalive = k->server_keepalive.value_or(k->keepalive);
        report.finding(FindingId::KeepaliveExpired, s.connection, s.ending.frame,
                       [&] { return fmt::format("{}: the client sent nothing for {} with a keepalive of {} s; the "
                                   "broker closed the connection at frame {} (it may after 1.5 x "
                                   "keepalive = {})",
                                   session_name(s), latency_text(k->silence_before_close_ns), keepalive,
                                   s.ending.frame, latency_text(std::int64_t{keepalive} * 1'500'000'000)); });
    }
}

void name_abrupt_endings(ReportBuilder& report) {
    for (const SessionReport& s : report.draft().sessions) {
        if (s.transport != Transport::Cleartext) continue;
        const bool abrupt = s.ending.how == SessionEnd::ClientClosed || s.ending.how == SessionEnd::ClientReset;
        if (!abrupt) continue;
        report.finding(FindingId::ClosedWithoutDisconnect, s.connection, s.ending.frame,
                       [&] { return fmt::format("{}: the client {} the connection at frame {} without sending "
                                   "DISCONNECT: the broker treats it as a failure and publishes its "
                                   "will, if any",
                                   session_name(s), s.ending.how == SessionEnd::ClientReset ? "reset" : "closed",
                                   s.ending.frame); });
    }
}

}  // namespace

void conclude(const AnalysisSettings& settings, ReportBuilder& report) {
    name_keepalive_expiries(report);
    name_abrupt_endings(report);
    judge_security(settings, report);
    assess_capture(report);
}

}  // namespace mqscan
