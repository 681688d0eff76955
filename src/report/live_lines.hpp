#pragma once
// `mqscan live` as text: a line per MQTT packet (as `mqscan packets`), per
// TLS handshake step and alert, and per finding, written as each is decoded.

#include <cstdio>

#include "mqscan/events.hpp"
#include "report/packet_lines.hpp"
#include "report/reporters.hpp"

namespace mqscan {

class LiveLinePrinter final : public EventSink {
public:
    LiveLinePrinter(std::FILE* out, TimePrecision precision, const ReportOptions& options)
        : out_(out), precision_(precision), packets_(out, precision, options) {}

    // "10:00:01.250000  #0  ->  PUBLISH q1 id=3 'ciel' "hello" (5 B)"
    void on_mqtt_packet(const MqttPacketEvent& event) override { packets_.on_mqtt_packet(event); }
    // "10:00:01.250000  #1  <-  TLS server_hello (version TLS 1.3, cipher TLS_AES_256_GCM_SHA384)"
    void on_tls_step(const TlsStepEvent& event) override;
    // "10:00:01.260000  #1  <-  TLS alert fatal unknown_ca: ..."
    void on_tls_alert(const TlsAlertEvent& event) override;
    // "finding [error] #0 frame 4: ..."
    void on_finding(const Finding& finding) override;

private:
    void write_line(const std::string& line);

    std::FILE* out_;
    TimePrecision precision_;
    PacketLinePrinter packets_;
};

}  // namespace mqscan
