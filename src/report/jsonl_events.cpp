#include "report/jsonl_events.hpp"

#include "mqscan/mqtt_report.hpp"
#include "report/json_analysis.hpp"
#include "report/json_mqtt.hpp"
#include "report/json_tls.hpp"
#include "report/json_writer.hpp"
#include "report/time_format.hpp"
#include "report/tls_step_facts.hpp"

namespace mqscan {
namespace {

// The members every event about a connection starts with.
void connection_fields(JsonWriter& json, std::string_view event, const ConnectionSummary& c) {
    json.field("event", event);
    json.field("connection", c.id);
    json.field("client", c.client.to_string());
    json.field("server", c.server.to_string());
}

}  // namespace

void JsonLinesEvents::on_mqtt_connection(const ConnectionSummary& connection) {
    std::string line;
    JsonWriter json(line, 0);
    json.begin_object();
    connection_fields(json, "mqtt_connection", connection);
    json.key("start").raw_number(epoch_seconds(connection.start, precision_));
    json.field("first_frame", connection.first_frame);
    json.end_object();
    write_line(line);
}

void JsonLinesEvents::on_mqtt_packet(const MqttPacketEvent& event) {
    std::string line;
    JsonWriter json(line, 0);
    json.begin_object();
    connection_fields(json, "mqtt_packet", event.connection);
    json.field("version", mqtt::to_string(event.version));
    json.field("version_source", event.version_from_connect ? "connect" : "guessed");
    json.key("packet");
    write_mqtt_packet_json(json,
                           MqttPacketRecord{event.at.number, event.at.time, event.dir, event.packet, event.malformed, false},
                           precision_, options_);
    json.end_object();
    write_line(line);
}

void JsonLinesEvents::on_mqtt_end(const ConnectionSummary& connection) {
    std::string line;
    JsonWriter json(line, 0);
    json.begin_object();
    connection_fields(json, "mqtt_end", connection);
    json.key("end").raw_number(epoch_seconds(connection.end, precision_));
    json.field("last_frame", connection.last_frame);
    json.field("end_reason", to_string(connection.end_reason));
    json.end_object();
    write_line(line);
}

void JsonLinesEvents::on_tls_step(const TlsStepEvent& event) {
    std::string line;
    JsonWriter json(line, 0);
    json.begin_object();
    connection_fields(json, "tls_step", event.connection);
    json.field("frame", event.at.number);
    json.key("time").raw_number(epoch_seconds(event.at.time, precision_));
    json.field("dir", to_string(event.step.dir));
    json.field("step", event.step.type);
    json.field("length", std::uint64_t{event.step.length});
    for (const auto& [name, value] : tls_step_facts(event)) json.field(name, value);
    json.end_object();
    write_line(line);
}

void JsonLinesEvents::on_tls_alert(const TlsAlertEvent& event) {
    std::string line;
    JsonWriter json(line, 0);
    json.begin_object();
    connection_fields(json, "tls_alert", event.connection);
    json.key("time").raw_number(epoch_seconds(event.at.time, precision_));
    write_tls_alert_members(json, event.alert);
    json.end_object();
    write_line(line);
}

void JsonLinesEvents::on_finding(const Finding& finding) {
    std::string line;
    JsonWriter json(line, 0);
    json.begin_object();
    json.field("event", "finding");
    write_finding_members(json, finding);
    json.end_object();
    write_line(line);
}

void JsonLinesEvents::write_report(const CaptureReport& report) {
    std::string line;
    JsonWriter json(line, 0);
    json.begin_object();
    json.field("event", "report");
    json.key("report");
    write_json_report(json, report, options_);
    json.end_object();
    write_line(line);
}

void JsonLinesEvents::write_line(const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fputc('\n', out_);
    // A reader at the other end of a pipe (jq) sees each event when it happens.
    std::fflush(out_);
}

}  // namespace mqscan
