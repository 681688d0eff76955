#include "analysis/keepalive.hpp"

namespace mqscan {

KeepaliveAnalyzer::KeepaliveAnalyzer(const AnalysisSettings& settings, ReportBuilder& report)
    : settings_(settings), report_(report) {}

void KeepaliveAnalyzer::on_mqtt_connection(const ConnectionSummary& /*connection*/) {}
void KeepaliveAnalyzer::on_mqtt_packet(const MqttPacketEvent& /*event*/) {}
void KeepaliveAnalyzer::on_mqtt_end(const ConnectionSummary& /*connection*/) {}
void KeepaliveAnalyzer::finish(ReportBuilder& /*report*/) {}

}  // namespace mqscan
