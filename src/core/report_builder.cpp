#include "core/report_builder.hpp"

#include <algorithm>
#include <fmt/core.h>

#include "analysis/listed_records.hpp"

namespace mqscan {

ReportBuilder::ReportBuilder(const Limits& limits, EventSink* listener) : limits_(limits), listener_(listener) {
    reserve_limit(report_.connections, limits.max_connections_listed);
    report_.anomaly_counts.assign(anomaly_kind_count(), 0);
    report_.finding_counts.assign(finding_kind_count(), 0);
}

bool ReportBuilder::count_finding(FindingId id) {
    const std::uint64_t occurrences = ++report_.finding_counts[static_cast<std::size_t>(id)];
    return occurrences <= limits_.max_findings_listed_per_kind &&
           report_.findings.size() < limits_.max_findings_listed;
}

void ReportBuilder::list_finding(Finding finding) {
    report_.findings.push_back(std::move(finding));
    if (listener_ != nullptr) listener_->on_finding(report_.findings.back());
}

void ReportBuilder::anomaly(AnomalyId id, std::optional<std::uint64_t> connection,
                            std::optional<std::uint64_t> frame, std::string detail) {
    const std::uint64_t occurrences = ++report_.anomaly_counts[static_cast<std::size_t>(id)];
    if (occurrences <= limits_.max_anomalies_listed_per_kind &&
        report_.anomalies.size() < limits_.max_anomalies_listed)
        report_.anomalies.push_back(Anomaly{id, connection, frame, std::move(detail)});
}

void ReportBuilder::connection(ConnectionSummary summary) {
    ++report_.counters.connections;
    // The first connections by id, so that every part of the report lists the same ones.
    if (summary.id < limits_.max_connections_listed) {
        report_.connections.push_back(std::move(summary));
        return;
    }
    ++report_.counters.connections_unlisted;
    if (!connection_limit_reported_) {
        connection_limit_reported_ = true;
        anomaly(AnomalyId::ReportConnectionLimit, summary.id, summary.first_frame,
                fmt::format("{} connections are listed", limits_.max_connections_listed));
    }
}

void ReportBuilder::tls(TlsConnectionReport tls) {
    if (tls.connection < limits_.max_connections_listed) report_.tls.push_back(std::move(tls));
}

void ReportBuilder::sort_records() {
    std::sort(report_.connections.begin(), report_.connections.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    std::sort(report_.tls.begin(), report_.tls.end(),
              [](const auto& a, const auto& b) { return a.connection < b.connection; });
}

CaptureReport ReportBuilder::take(CaptureInfo capture) {
    sort_records();
    // The most serious first; within a severity, in the order of the capture.
    std::stable_sort(report_.findings.begin(), report_.findings.end(), [](const Finding& a, const Finding& b) {
        const auto sa = describe(a.id).severity;
        const auto sb = describe(b.id).severity;
        if (sa != sb) return sa > sb;
        return a.frame.value_or(0) < b.frame.value_or(0);
    });
    report_.capture = std::move(capture);
    return std::move(report_);
}

}  // namespace mqscan
