#include "report/json_delivery.hpp"

#include "report/json_qos.hpp"
#include "report/time_format.hpp"

namespace mqscan {
namespace {

JsonWriter& small(JsonWriter& json, std::string_view key, std::uint8_t number) {
    return json.field(key, static_cast<std::uint64_t>(number));
}

void write_subscription(JsonWriter& json, const SubscriptionRecord& s, TimePrecision precision) {
    json.begin_object();
    json.field("connection", s.connection);
    json.field("client_id", s.client_id);
    json.field("frame", s.frame);
    json.key("time").raw_number(epoch_seconds(s.time, precision));
    json.field("filter", s.filter);
    small(json, "requested_qos", s.requested_qos);
    json.optional_field("granted_qos", s.granted_qos);
    json.optional_field("refused_code", s.refused_code);
    json.field("wildcard", s.wildcard);
    json.frame_field("unsubscribed_frame", s.unsubscribed_frame);
    json.end_object();
}

void write_retained(JsonWriter& json, const RetainedEvent& r, TimePrecision precision) {
    json.begin_object();
    json.field("kind", to_string(r.kind));
    json.field("connection", r.connection);
    json.field("frame", r.frame);
    json.key("time").raw_number(epoch_seconds(r.time, precision));
    json.field("topic", r.topic);
    json.field("payload_len", static_cast<std::uint64_t>(r.payload_length));
    if (r.kind == RetainedKind::Delivered) json.frame_field("set_frame", r.set_frame);
    json.end_object();
}

void write_delivery(JsonWriter& json, const Delivery& d, TimePrecision precision) {
    json.begin_object();
    json.field("connection", d.connection);
    json.field("client_id", d.client_id);
    json.field("frame", d.frame);
    json.key("time").raw_number(epoch_seconds(d.time, precision));
    small(json, "qos", d.qos);
    small(json, "expected_qos", d.expected_qos);
    json.key("latency").raw_number(duration_seconds(d.latency_ns, precision));
    json.key("filter");
    if (d.filter.empty()) {
        json.null();
    } else {
        json.value(d.filter);
    }
    json.field("after_reconnect", d.after_reconnect);
    json.end_object();
}

void write_fanout(JsonWriter& json, const Fanout& f, TimePrecision precision) {
    json.begin_object();
    json.field("source", to_string(f.source));
    json.field("connection", f.connection);
    json.field("client_id", f.client_id);
    json.field("frame", f.frame);
    json.key("time").raw_number(epoch_seconds(f.time, precision));
    json.field("topic", f.topic);
    small(json, "qos", f.qos);
    json.field("retain", f.retain);
    json.field("payload_len", static_cast<std::uint64_t>(f.payload_length));
    json.field("delivery_count", f.delivery_count);
    json.key("deliveries").begin_array();
    for (const Delivery& d : f.deliveries) write_delivery(json, d, precision);
    json.end_array();
    json.end_object();
}

void write_topic(JsonWriter& json, const TopicStats& t) {
    json.begin_object();
    json.field("topic", t.topic);
    json.field("publishes", t.publishes);
    json.field("deliveries", t.deliveries);
    json.field("payload_bytes", t.payload_bytes);
    json.field("retained", t.retained);
    json.end_object();
}

}  // namespace

void write_delivery_json(JsonWriter& json, const DeliveryReport& delivery, TimePrecision precision) {
    json.begin_object();
    json.key("subscriptions").begin_array();
    for (const SubscriptionRecord& s : delivery.subscriptions) write_subscription(json, s, precision);
    json.end_array();
    json.field("subscriptions_unlisted", delivery.subscriptions_unlisted);
    json.key("retained").begin_array();
    for (const RetainedEvent& r : delivery.retained) write_retained(json, r, precision);
    json.end_array();
    json.field("retained_unlisted", delivery.retained_unlisted);
    json.key("fanouts").begin_array();
    for (const Fanout& f : delivery.fanouts) write_fanout(json, f, precision);
    json.end_array();
    json.field("fanouts_unlisted", delivery.fanouts_unlisted);
    json.field("reached_no_one", delivery.reached_no_one);
    json.field("unmatched_deliveries", delivery.unmatched_deliveries);
    json.field("qos_downgrades", delivery.qos_downgrades);
    json.key("latency");
    write_latency_json(json, delivery.latency, precision);
    json.key("topics").begin_array();
    for (const TopicStats& t : delivery.topics) write_topic(json, t);
    json.end_array();
    json.field("topics_unlisted", delivery.topics_unlisted);
    json.end_object();
}

}  // namespace mqscan
