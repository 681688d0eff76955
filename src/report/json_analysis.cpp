#include "report/json_analysis.hpp"

#include "report/time_format.hpp"

namespace mqscan {
namespace {

void will(JsonWriter& json, const std::optional<WillSummary>& w) {
    json.key("will");
    if (!w) {
        json.null();
        return;
    }
    json.begin_object();
    json.field("topic", w->topic);
    json.field("qos", static_cast<int>(w->qos));
    json.field("retain", w->retain);
    json.field("payload_len", static_cast<std::uint64_t>(w->payload_length));
    json.end_object();
}

void ending(JsonWriter& json, const SessionEnding& e, TimePrecision precision) {
    json.key("ending").begin_object();
    json.field("how", to_string(e.how));
    json.optional_field("reason_code", e.reason_code);
    json.frame_field("frame", e.frame);
    json.key("time");
    if (e.frame != 0) {
        json.raw_number(epoch_seconds(e.time, precision));
    } else {
        json.null();
    }
    json.end_object();
}

void session(JsonWriter& json, const SessionReport& s, TimePrecision precision, const ReportOptions& options) {
    json.begin_object();
    json.field("connection", s.connection);
    json.field("client", s.client.to_string());
    json.field("broker", s.broker.to_string());
    json.field("transport", to_string(s.transport));
    json.field("version", mqtt::to_string(s.version));
    json.field("connect_seen", s.connect_seen);
    json.frame_field("connect_frame", s.connect_frame);
    json.field("client_id", s.client_id);
    json.field("client_id_assigned", s.client_id_assigned);
    json.field("keepalive", static_cast<std::uint64_t>(s.keepalive));
    json.optional_field("server_keepalive", s.server_keepalive);
    json.field("clean_start", s.clean_start);
    json.optional_field("session_expiry", s.session_expiry);
    json.optional_field("username", s.username);
    json.key("password");
    if (!s.password) {
        json.null();
    } else {
        json.value(options.show_secrets ? std::string_view(*s.password) : std::string_view("<hidden>"));
    }
    will(json, s.will);
    json.field("connack_seen", s.connack_seen);
    json.frame_field("connack_frame", s.connack_frame);
    json.optional_field("connack_code", s.connack_code);
    json.field("session_present", s.session_present);
    ending(json, s.ending, precision);
    json.key("packets").begin_object();
    json.field("to_broker", s.packets_to_broker);
    json.field("to_client", s.packets_to_client);
    json.end_object();
    json.key("publishes").begin_object();
    json.field("to_broker", s.publishes_to_broker);
    json.field("to_client", s.publishes_to_client);
    json.end_object();
    json.field("payload_bytes", s.payload_bytes);
    json.key("topics").begin_array();
    for (const std::string& topic : s.topics) json.value(topic);
    json.end_array();
    json.end_object();
}

void strings(JsonWriter& json, std::string_view name, const std::vector<std::string>& items) {
    json.key(name).begin_array();
    for (const std::string& item : items) json.value(item);
    json.end_array();
}

}  // namespace

void write_sessions_json(JsonWriter& json, const std::vector<SessionReport>& sessions,
                         TimePrecision precision, const ReportOptions& options) {
    json.begin_array();
    for (const SessionReport& s : sessions) session(json, s, precision, options);
    json.end_array();
}

void write_finding_members(JsonWriter& json, const Finding& f) {
    const FindingInfo& info = describe(f.id);
    json.field("id", info.id);
    json.field("severity", to_string(info.severity));
    json.field("title", info.title);
    json.optional_field("connection", f.connection);
    json.optional_field("frame", f.frame);
    json.field("message", f.message);
}

void write_findings_json(JsonWriter& json, const std::vector<Finding>& findings) {
    json.begin_array();
    for (const Finding& f : findings) {
        json.begin_object();
        write_finding_members(json, f);
        json.end_object();
    }
    json.end_array();
}

void write_verdict_json(JsonWriter& json, const Verdict& v) {
    json.begin_object();
    json.field("summary", v.summary);
    json.field("cleartext_mqtt", v.cleartext_mqtt);
    json.field("cleartext_payloads", v.cleartext_payloads);
    json.field("cleartext_credentials", v.cleartext_credentials);
    json.field("anonymous_access", v.anonymous_access);
    json.field("tls", v.tls);
    json.field("tls_established", v.tls_established);
    json.field("mutual_tls", v.mutual_tls);
    json.field("certificates_visible", v.certificates_visible);
    json.field("certificates_verified", v.certificates_verified);
    json.field("failed_handshakes", v.failed_handshakes);
    strings(json, "tls_versions", v.tls_versions);
    strings(json, "cleartext_topics", v.cleartext_topics);
    json.end_object();
}

void write_quality_json(JsonWriter& json, const CaptureQuality& q) {
    json.begin_object();
    json.field("connect_missing", q.connect_missing);
    json.field("one_direction", q.one_direction);
    json.field("frames_cut", q.frames_cut);
    json.field("gaps", q.gaps);
    json.field("checksum_errors", q.checksum_errors);
    json.end_object();
}

}  // namespace mqscan
