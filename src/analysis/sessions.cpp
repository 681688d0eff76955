#include "analysis/sessions.hpp"

namespace mqscan {

SessionAnalyzer::SessionAnalyzer(const AnalysisSettings& settings, ReportBuilder& report)
    : settings_(settings), report_(report) {}

void SessionAnalyzer::on_mqtt_connection(const ConnectionSummary& /*connection*/) {}
void SessionAnalyzer::on_mqtt_packet(const MqttPacketEvent& /*event*/) {}
void SessionAnalyzer::on_mqtt_end(const ConnectionSummary& /*connection*/) {}
void SessionAnalyzer::finish(ReportBuilder& /*report*/) {}

}  // namespace mqscan
