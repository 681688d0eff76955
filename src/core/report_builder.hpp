#pragma once

#include <optional>
#include <string>

#include "mqscan/capture_report.hpp"
#include "mqscan/limits.hpp"

namespace mqscan {

// Collects what the pipeline finds, within the listing limits; counts everything.
class ReportBuilder {
public:
    explicit ReportBuilder(const Limits& limits);

    void anomaly(AnomalyId id, std::optional<std::uint64_t> connection,
                 std::optional<std::uint64_t> frame, std::string detail = {});
    // A conclusion of the analyses, listed within the findings limits and always counted.
    void finding(FindingId id, std::optional<std::uint64_t> connection,
                 std::optional<std::uint64_t> frame, std::string message);
    void connection(ConnectionSummary summary);
    // The TLS record of a connection that ended (kept for listed connections only).
    void tls(TlsConnectionReport tls);
    Counters& counters() { return report_.counters; }
    // The report being built, for the analyses that finish it.
    CaptureReport& draft() { return report_; }

    // Hands over the report, connections sorted by id.
    CaptureReport take(CaptureInfo capture);

private:
    const Limits& limits_;
    CaptureReport report_;
    bool connection_limit_reported_ = false;
};

}  // namespace mqscan
