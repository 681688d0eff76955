#pragma once

#include "analysis/analyzer.hpp"
#include "analysis/listed_records.hpp"
#include "mqscan/analysis.hpp"
#include "mqscan/session_report.hpp"

namespace mqscan {

// The sessions: who connected, with what options, what crossed, and how each
// connection ended. MQTT connections are followed packet by packet; TLS and
// undecided connections to an MQTT or TLS port are added at the end from the
// connection list.
class SessionAnalyzer final : public Analyzer {
public:
    SessionAnalyzer(const AnalysisSettings& settings, ReportBuilder& report);

    void on_mqtt_connection(const ConnectionSummary& connection) override;
    void on_mqtt_packet(const MqttPacketEvent& event) override;
    void finish(ReportBuilder& report) override;

private:
    // The session of a listed connection, or nullptr.
    SessionReport* session(const ConnectionSummary& connection);

    const AnalysisSettings& settings_;
    ListedRecords<SessionReport> sessions_;
};

}  // namespace mqscan
