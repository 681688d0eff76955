#pragma once

#include "analysis/analyzer.hpp"
#include "mqscan/analysis.hpp"

namespace mqscan {

class SessionAnalyzer final : public Analyzer {
public:
    SessionAnalyzer(const AnalysisSettings& settings, ReportBuilder& report);

    void on_mqtt_connection(const ConnectionSummary& connection) override;
    void on_mqtt_packet(const MqttPacketEvent& event) override;
    void on_mqtt_end(const ConnectionSummary& connection) override;
    void finish(ReportBuilder& report) override;

private:
    const AnalysisSettings& settings_;
    ReportBuilder& report_;
};

}  // namespace mqscan
