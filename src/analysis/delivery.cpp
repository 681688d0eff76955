#include "analysis/delivery.hpp"

namespace mqscan {

DeliveryAnalyzer::DeliveryAnalyzer(const AnalysisSettings& settings, ReportBuilder& report)
    : settings_(settings), report_(report) {}

void DeliveryAnalyzer::on_mqtt_connection(const ConnectionSummary& /*connection*/) {}
void DeliveryAnalyzer::on_mqtt_packet(const MqttPacketEvent& /*event*/) {}
void DeliveryAnalyzer::on_mqtt_end(const ConnectionSummary& /*connection*/) {}
void DeliveryAnalyzer::finish(ReportBuilder& /*report*/) {}

}  // namespace mqscan
