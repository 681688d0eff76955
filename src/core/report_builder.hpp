#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "mqscan/capture_report.hpp"
#include "mqscan/events.hpp"
#include "mqscan/limits.hpp"

namespace mqscan {

// Collects what the pipeline finds, within the listing limits; counts everything.
class ReportBuilder {
public:
    // `listener` (may be null) is told each finding as it is listed.
    explicit ReportBuilder(const Limits& limits, EventSink* listener = nullptr);

    void anomaly(AnomalyId id, std::optional<std::uint64_t> connection,
                 std::optional<std::uint64_t> frame, std::string detail = {});
    // A conclusion of the analyses, listed within the findings limits and
    // always counted. `message` is a string, or a callable making it: called
    // only when the finding is listed, since a capture of thousands of
    // connections raises thousands of the same kind. `topic`: the one a
    // capture-wide finding is about.
    template <typename Message>
    void finding(FindingId id, std::optional<std::uint64_t> connection,
                 std::optional<std::uint64_t> frame, Message&& message, std::string_view topic = {}) {
        if (!count_finding(id)) return;
        if constexpr (std::is_invocable_v<Message>) {
            list_finding(Finding{id, connection, frame, message(), std::string(topic)});
        } else {
            list_finding(Finding{id, connection, frame, std::string(std::forward<Message>(message)), std::string(topic)});
        }
    }
    void connection(ConnectionSummary summary);
    // The TLS record of a connection that ended (kept for listed connections only).
    void tls(TlsConnectionReport tls);
    Counters& counters() { return report_.counters; }
    // The report being built, for the analyses that finish it.
    CaptureReport& draft() { return report_; }

    // Sorts the connection and TLS records by connection id (they arrive in
    // the order connections end), so that find_tls() and friends work.
    void sort_records();
    // Hands over the report, connections sorted by id.
    CaptureReport take(CaptureInfo capture);

private:
    // Counts one occurrence; true when it is to be listed.
    bool count_finding(FindingId id);
    void list_finding(Finding finding);

    const Limits& limits_;
    EventSink* listener_;
    CaptureReport report_;
    bool connection_limit_reported_ = false;
};

}  // namespace mqscan
