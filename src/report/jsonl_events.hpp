#pragma once
// `mqscan live --format jsonl`: one JSON object per line, written and flushed
// as each event is decoded, then the report as the last line (docs/live.md).

#include <cstdio>
#include <string>
#include <string_view>

#include "mqscan/capture_report.hpp"
#include "mqscan/events.hpp"
#include "report/reporters.hpp"

namespace mqscan {

class JsonLinesEvents final : public EventSink {
public:
    JsonLinesEvents(std::FILE* out, TimePrecision precision, ReportOptions options)
        : out_(out), precision_(precision), options_(std::move(options)) {}

    void on_mqtt_connection(const ConnectionSummary& connection) override;
    void on_mqtt_packet(const MqttPacketEvent& event) override;
    void on_mqtt_end(const ConnectionSummary& connection) override;
    void on_tls_step(const TlsStepEvent& event) override;
    void on_tls_alert(const TlsAlertEvent& event) override;
    void on_finding(const Finding& finding) override;
    // {"event":"report","report":{...}}: the document `--format json` writes, on one line.
    void write_report(const CaptureReport& report);

private:
    void write_line(const std::string& line);

    std::FILE* out_;
    TimePrecision precision_;
    ReportOptions options_;
};

}  // namespace mqscan
