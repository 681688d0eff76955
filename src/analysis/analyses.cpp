#include "analysis/analyses.hpp"

#include "analysis/conclusions.hpp"

namespace mqscan {

Analyses::Analyses(const AnalysisSettings& settings, ReportBuilder& report)
    : settings_(settings),
      sessions_(settings, report),
      qos_(settings, report),
      keepalive_(settings, report),
      delivery_(settings, report) {}

void Analyses::on_mqtt_connection(const ConnectionSummary& connection) {
    sessions_.on_mqtt_connection(connection);
    qos_.on_mqtt_connection(connection);
    keepalive_.on_mqtt_connection(connection);
    delivery_.on_mqtt_connection(connection);
}

void Analyses::on_mqtt_packet(const MqttPacketEvent& event) {
    sessions_.on_mqtt_packet(event);
    qos_.on_mqtt_packet(event);
    keepalive_.on_mqtt_packet(event);
    delivery_.on_mqtt_packet(event);
}

void Analyses::on_mqtt_end(const ConnectionSummary& connection) {
    sessions_.on_mqtt_end(connection);
    qos_.on_mqtt_end(connection);
    keepalive_.on_mqtt_end(connection);
    delivery_.on_mqtt_end(connection);
}

void Analyses::finish(ReportBuilder& report) {
    sessions_.finish(report);
    qos_.finish(report);
    keepalive_.finish(report);
    delivery_.finish(report);
    conclude(settings_, report);
}

}  // namespace mqscan
