#include "report/json_qos.hpp"

#include "report/time_format.hpp"

namespace mqscan {
namespace {

// Narrow unsigned fields, written as the JSON writer's 64-bit numbers.
JsonWriter& number(JsonWriter& json, std::string_view key, std::uint64_t value) {
    return json.field(key, value);
}

void duration_or_null(JsonWriter& json, std::string_view key, const std::optional<std::int64_t>& ns,
                      TimePrecision precision) {
    json.key(key);
    if (ns) {
        json.raw_number(duration_seconds(*ns, precision));
    } else {
        json.null();
    }
}

// The fields of QosTotals, shared by the capture's totals and each connection's.
void totals_fields(JsonWriter& json, const QosTotals& t, TimePrecision precision) {
    json.field("flows", t.flows);
    json.field("qos1", t.qos1);
    json.field("qos2", t.qos2);
    json.field("complete", t.complete);
    json.field("incomplete", t.incomplete);
    json.field("refused", t.refused);
    json.field("retransmissions", t.retransmissions);
    json.field("packet_id_reused", t.packet_id_reused);
    json.field("ack_without_publish", t.ack_without_publish);
    json.key("latency");
    write_latency_json(json, t.latency, precision);
}

void write_step(JsonWriter& json, const QosStep& s, TimePrecision precision) {
    json.begin_object();
    json.field("type", mqtt::to_string(s.type));
    json.field("frame", s.frame);
    json.key("time").raw_number(epoch_seconds(s.time, precision));
    json.field("dup", s.dup);
    if (s.reason_code) number(json, "reason_code", *s.reason_code);
    json.end_object();
}

void write_flow(JsonWriter& json, const QosFlow& f, TimePrecision precision) {
    json.begin_object();
    json.field("connection", f.connection);
    json.field("dir", to_string(f.dir));
    number(json, "packet_id", f.packet_id);
    number(json, "qos", f.qos);
    json.field("topic", f.topic);
    number(json, "payload_len", f.payload_length);
    json.field("status", to_string(f.status));
    json.key("missing");
    if (f.missing) {
        json.value(mqtt::to_string(*f.missing));
    } else {
        json.null();
    }
    json.key("steps").begin_array();
    for (const QosStep& s : f.steps) write_step(json, s, precision);
    json.end_array();
    duration_or_null(json, "latency", f.latency_ns, precision);
    number(json, "retransmissions", f.retransmissions);
    json.end_object();
}

void write_ping(JsonWriter& json, const Ping& p, TimePrecision precision) {
    json.begin_object();
    json.field("frame", p.frame);
    json.key("time").raw_number(epoch_seconds(p.time, precision));
    json.key("idle").raw_number(duration_seconds(p.idle_ns, precision));
    json.optional_field("response_frame", p.response_frame);
    duration_or_null(json, "response_latency", p.response_ns, precision);
    json.end_object();
}

void write_keepalive(JsonWriter& json, const KeepaliveReport& k, TimePrecision precision) {
    json.begin_object();
    json.field("connection", k.connection);
    number(json, "keepalive", k.keepalive);
    json.optional_field("server_keepalive", k.server_keepalive);
    json.field("verdict", to_string(k.verdict));
    json.key("max_client_silence").raw_number(duration_seconds(k.max_client_silence_ns, precision));
    json.frame_field("max_client_silence_frame", k.max_client_silence_frame);
    json.field("expired", k.expired);
    duration_or_null(json, "silence_before_close",
                     k.expired ? std::optional(k.silence_before_close_ns) : std::nullopt, precision);
    json.field("pingreq", k.pingreq);
    json.field("pingresp", k.pingresp);
    json.field("unanswered", k.unanswered);
    json.key("response_latency");
    write_latency_json(json, k.response_latency, precision);
    json.key("pings").begin_array();
    for (const Ping& p : k.pings) write_ping(json, p, precision);
    json.end_array();
    json.field("pings_unlisted", k.pingreq - k.pings.size());
    json.end_object();
}

}  // namespace

void write_latency_json(JsonWriter& json, const LatencySummary& latency, TimePrecision precision) {
    json.begin_object();
    json.field("count", latency.count);
    const auto seconds = [&](std::string_view key, std::int64_t ns) {
        duration_or_null(json, key, latency.count > 0 ? std::optional(ns) : std::nullopt, precision);
    };
    seconds("min", latency.min_ns);
    seconds("median", latency.median_ns);
    seconds("max", latency.max_ns);
    json.field("median_exact", latency.median_exact);
    json.end_object();
}

void write_qos_json(JsonWriter& json, const QosReport& qos, TimePrecision precision) {
    json.begin_object();
    json.key("totals").begin_object();
    totals_fields(json, qos.totals, precision);
    json.end_object();
    json.key("per_connection").begin_array();
    for (const QosConnectionTotals& c : qos.per_connection) {
        json.begin_object();
        json.field("connection", c.connection);
        totals_fields(json, c.totals, precision);
        json.end_object();
    }
    json.end_array();
    json.key("flows").begin_array();
    for (const QosFlow& f : qos.flows) write_flow(json, f, precision);
    json.end_array();
    json.field("flows_unlisted", qos.flows_unlisted);
    json.field("flows_untracked", qos.flows_untracked);
    json.end_object();
}

void write_keepalive_json(JsonWriter& json, const std::vector<KeepaliveReport>& keepalive,
                          TimePrecision precision) {
    json.begin_array();
    for (const KeepaliveReport& k : keepalive) write_keepalive(json, k, precision);
    json.end_array();
}

}  // namespace mqscan
