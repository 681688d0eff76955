#include "analysis/qos_flows.hpp"

namespace mqscan {

QosFlowAnalyzer::QosFlowAnalyzer(const AnalysisSettings& settings, ReportBuilder& report)
    : settings_(settings), report_(report) {}

void QosFlowAnalyzer::on_mqtt_connection(const ConnectionSummary& /*connection*/) {}
void QosFlowAnalyzer::on_mqtt_packet(const MqttPacketEvent& /*event*/) {}
void QosFlowAnalyzer::on_mqtt_end(const ConnectionSummary& /*connection*/) {}
void QosFlowAnalyzer::finish(ReportBuilder& /*report*/) {}

}  // namespace mqscan
