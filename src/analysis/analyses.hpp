#pragma once

#include "analysis/delivery.hpp"
#include "analysis/keepalive.hpp"
#include "analysis/qos_flows.hpp"
#include "analysis/sessions.hpp"

namespace mqscan {

// Every analysis, fed the same events; at the end each writes its part, then
// the conclusions drawn over all of them (the verdict, the capture's quality).
class Analyses final : public EventSink {
public:
    Analyses(const AnalysisSettings& settings, ReportBuilder& report);

    void on_mqtt_connection(const ConnectionSummary& connection) override;
    void on_mqtt_packet(const MqttPacketEvent& event) override;
    void on_mqtt_end(const ConnectionSummary& connection) override;
    // Once every connection has ended.
    void finish(ReportBuilder& report);

private:
    const AnalysisSettings& settings_;
    SessionAnalyzer sessions_;
    QosFlowAnalyzer qos_;
    KeepaliveAnalyzer keepalive_;
    DeliveryAnalyzer delivery_;
};

}  // namespace mqscan
