#include <fmt/format.h>

#include "report/json_analysis.hpp"
#include "report/json_delivery.hpp"
#include "report/json_mqtt.hpp"
#include "report/json_qos.hpp"
#include "report/json_tls.hpp"
#include "report/json_writer.hpp"
#include "report/reporters.hpp"
#include "report/time_format.hpp"

namespace mqscan {
namespace {

class JsonReport {
public:
    JsonReport(const CaptureReport& report, const ReportOptions& options, JsonWriter& json)
        : report_(report), options_(options), json_(json), precision_(report.capture.precision) {}

    void write() {
        json_.begin_object();
        json_.key("capture");
        capture();
        json_.key("narrowed_to");
        options_.narrowed_to.empty() ? json_.null() : json_.value(options_.narrowed_to);
        json_.key("verdict");
        write_verdict_json(json_, report_.verdict);
        json_.key("capture_quality");
        write_quality_json(json_, report_.quality);
        json_.key("connections").begin_array();
        for (const ConnectionSummary& c : report_.connections) connection(c);
        json_.end_array();
        json_.key("sessions");
        write_sessions_json(json_, report_.sessions, precision_, options_);
        json_.key("qos");
        write_qos_json(json_, report_.qos, precision_);
        json_.key("keepalive");
        write_keepalive_json(json_, report_.keepalive, precision_);
        json_.key("delivery");
        write_delivery_json(json_, report_.delivery, precision_);
        json_.key("findings");
        write_findings_json(json_, report_.findings);
        json_.key("anomalies").begin_array();
        for (const Anomaly& a : report_.anomalies) anomaly(a);
        json_.end_array();
        json_.key("counters");
        counters();
        json_.end_object();
    }

private:
    void time(std::string_view name, Timestamp t) {
        json_.key(name).raw_number(epoch_seconds(t, precision_));
    }

    void optional_time(std::string_view name, const std::optional<Timestamp>& t) {
        if (t) {
            time(name, *t);
        } else {
            json_.key(name).null();
        }
    }

    void capture() {
        const CaptureInfo& c = report_.capture;
        json_.begin_object();
        json_.field("file", c.file);
        json_.field("format", to_string(c.format));
        json_.field("gzip", c.gzip);
        json_.field("link_type", c.link_type_name);
        json_.field("precision", precision_ == TimePrecision::Nano ? "ns" : "us");
        json_.field("packets", c.packets);
        json_.field("bytes", c.bytes);
        json_.field("snaplen", static_cast<std::uint64_t>(c.snaplen));
        json_.field("truncated_frames", c.truncated_frames);
        optional_time("first_time", c.first_time);
        optional_time("last_time", c.last_time);
        json_.field("complete", c.complete);
        json_.text_field("error", c.error);
        json_.end_object();
    }

    template <typename Field>
    void per_direction(std::string_view name, const ConnectionSummary& c, Field field) {
        json_.key(name).begin_object();
        json_.field("to_server", field(c.stats(Direction::ToServer)));
        json_.field("to_client", field(c.stats(Direction::ToClient)));
        json_.end_object();
    }

    void connection(const ConnectionSummary& c) {
        json_.begin_object();
        json_.field("id", c.id);
        json_.field("client", c.client.to_string());
        json_.field("server", c.server.to_string());
        json_.field("ip_version", static_cast<int>(c.ip_version()));
        json_.field("syn_seen", c.syn_seen);
        json_.field("role_source", to_string(c.role_source));
        time("start", c.start);
        time("end", c.end);
        json_.field("first_frame", c.first_frame);
        json_.field("last_frame", c.last_frame);
        json_.field("end_reason", to_string(c.end_reason));
        per_direction("packets", c, [](const DirectionStats& s) { return s.packets; });
        per_direction("bytes", c, [](const DirectionStats& s) { return s.bytes; });
        per_direction("gap_bytes", c, [](const DirectionStats& s) { return s.gap_bytes; });
        per_direction("fin", c, [](const DirectionStats& s) { return s.fin; });
        per_direction("rst", c, [](const DirectionStats& s) { return s.rst; });
        json_.key("gaps").begin_array();
        for (const Gap& g : c.gaps) {
            json_.begin_object();
            json_.field("dir", to_string(g.dir));
            json_.field("bytes", g.bytes);
            time("time", g.time);
            json_.field("frame", g.frame);
            json_.end_object();
        }
        json_.end_array();
        const std::uint64_t gap_count = c.stats(Direction::ToServer).gap_count +
                                        c.stats(Direction::ToClient).gap_count;
        json_.field("gaps_unlisted", gap_count - c.gaps.size());
        const MqttConnectionReport* mqtt = find_mqtt(report_, c.id);
        const TlsConnectionReport* tls = find_tls(report_, c.id);
        json_.field("protocol", mqtt != nullptr ? "mqtt" : tls != nullptr ? "tls" : "unknown");
        if (mqtt != nullptr) {
            json_.key("mqtt");
            write_mqtt_json(json_, *mqtt, precision_, options_);
        }
        if (tls != nullptr) {
            json_.key("tls");
            write_tls_json(json_, *tls);
        }
        json_.end_object();
    }

    void anomaly(const Anomaly& a) {
        const AnomalyInfo& info = describe(a.id);
        json_.begin_object();
        json_.field("id", info.id);
        json_.field("severity", to_string(info.severity));
        json_.optional_field("connection", a.connection);
        json_.optional_field("frame", a.frame);
        json_.field("message", a.message());
        json_.end_object();
    }

    void counters() {
        const Counters& c = report_.counters;
        json_.begin_object();
        json_.key("packets").begin_object();
        json_.field("read", c.packets_read);
        for (std::size_t i = 0; i < c.packets.size(); ++i)
            json_.field(to_string(static_cast<PacketClass>(i)), c.packets[i]);
        json_.end_object();
        json_.key("segments").begin_object();
        for (std::size_t i = 0; i < c.segments.size(); ++i)
            json_.field(to_string(static_cast<SegmentStatus>(i)), c.segments[i]);
        json_.end_object();
        json_.key("connections").begin_object();
        json_.field("total", c.connections);
        json_.field("unlisted", c.connections_unlisted);
        json_.end_object();
        json_.key("mqtt_packets").begin_object();
        json_.field("total", report_.mqtt_packets_total);
        json_.field("unlisted", report_.mqtt_packets_unlisted);
        json_.end_object();
        json_.key("anomalies").begin_object();
        for (std::size_t i = 0; i < report_.anomaly_counts.size(); ++i) {
            if (report_.anomaly_counts[i] == 0) continue;
            json_.field(describe(static_cast<AnomalyId>(i)).id, report_.anomaly_counts[i]);
        }
        json_.end_object();
        json_.key("findings").begin_object();
        for (std::size_t i = 0; i < report_.finding_counts.size(); ++i) {
            if (report_.finding_counts[i] == 0) continue;
            json_.field(describe(static_cast<FindingId>(i)).id, report_.finding_counts[i]);
        }
        json_.end_object();
        json_.end_object();
    }

    const CaptureReport& report_;
    const ReportOptions& options_;
    JsonWriter& json_;
    TimePrecision precision_;
};

}  // namespace

void write_json_report(JsonWriter& json, const CaptureReport& report, const ReportOptions& options) {
    JsonReport(report, options, json).write();
}

std::string render_json(const CaptureReport& report, const ReportOptions& options) {
    std::string out;
    JsonWriter json(out);
    write_json_report(json, report, options);
    json.end_line();
    return out;
}

void write_json(const CaptureReport& report, const ReportOptions& options, std::FILE* out) {
    std::string buffer;
    JsonWriter json(buffer, 2, out);
    write_json_report(json, report, options);
    json.end_line();
    json.finish();
}

}  // namespace mqscan
