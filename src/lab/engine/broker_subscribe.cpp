// SUBSCRIBE and UNSUBSCRIBE, and the retained messages a new subscription gets.
#include "lab/engine/broker_engine.hpp"

#include <algorithm>

#include "analysis/topic_filter.hpp"
#include "lab/engine/property_values.hpp"
#include "lab/engine/reason_codes.hpp"

namespace mqscan::lab {
namespace {

bool shared(const std::string& filter) { return filter.starts_with("$share/"); }

// mosquitto ends the connection for a filter it cannot use (src/handle_subscribe.c).
bool all_valid(const std::vector<std::string>& filters) {
    return std::all_of(filters.begin(), filters.end(), [](const std::string& f) { return valid_topic_filter(f); });
}

}  // namespace

void Broker::Impl::on_subscribe(BrokerConnection& c, const mqtt::Packet& p, Timestamp now) {
    const bool v5 = c.version == mqtt::Version::V5;
    const std::optional<std::uint32_t> identifier = prop::number(p.properties, prop::kSubscriptionIdentifier);
    if (identifier == 0u) return fail(c, Violation::ProtocolError, now);  // [MQTT 5.0 §3.8.2.1.2]
    log.received(now, p, c.client_id);
    std::vector<std::uint8_t> codes;
    std::vector<Message> retained_out;
    for (const mqtt::Subscription& requested : p.subscriptions) {
        if (!valid_topic_filter(requested.filter)) {
            log.add(now, "Invalid subscription string from {}, disconnecting.", c.peer.address);
            return fail(c, Violation::Malformed, now);
        }
        log.add(now, "\t{} (QoS {})", requested.filter, requested.qos);
        if (shared(requested.filter)) {
            codes.push_back(v5 ? reason::kSharedSubscriptionsNotSupported : reason::kUnspecifiedError);
            continue;
        }
        mqtt::Subscription granted = requested;
        granted.qos = std::min(requested.qos, options.max_qos);
        const SubscriptionStore::Added added = subscriptions.add({c.client_id, granted, identifier});
        if (added == SubscriptionStore::Added::Refused) {
            codes.push_back(v5 ? reason::kQuotaExceeded : reason::kUnspecifiedError);
            continue;
        }
        codes.push_back(granted.qos);
        log.add(now, "{} {} {}", c.client_id, granted.qos, granted.filter);
        // Retained messages for the new subscription [MQTT-3.3.1-6], as its
        // 5.0 retain handling says [MQTT 5.0 §3.8.3.1], with the retain flag set [MQTT-3.3.1-8].
        const bool send_retained = granted.retain_handling == 0 ||
                                   (granted.retain_handling == 1 && added == SubscriptionStore::Added::New);
        if (!send_retained) continue;
        for (const Message* kept : retained.matching(granted.filter)) {
            Message out = *kept;
            out.qos = std::min(kept->qos, granted.qos);
            out.retain = true;
            if (identifier) out.properties.push_back(prop::numeric(prop::kSubscriptionIdentifier, *identifier));
            retained_out.push_back(std::move(out));
        }
    }
    mqtt::Packet suback;
    suback.type = mqtt::PacketType::Suback;
    suback.packet_id = p.packet_id;
    suback.reason_codes = std::move(codes);
    transmit(c, suback, now);
    BrokerSession& session = session_of(c);
    for (Message& m : retained_out) deliver(session, std::move(m), now);
}

void Broker::Impl::on_unsubscribe(BrokerConnection& c, const mqtt::Packet& p, Timestamp now) {
    log.received(now, p, c.client_id);
    if (!all_valid(p.unsubscribe_filters)) {
        log.add(now, "Invalid unsubscription string from {}, disconnecting.", c.peer.address);
        return fail(c, Violation::Malformed, now);
    }
    mqtt::Packet unsuback;
    unsuback.type = mqtt::PacketType::Unsuback;
    unsuback.packet_id = p.packet_id;
    for (const std::string& filter : p.unsubscribe_filters) {
        log.add(now, "\t{}", filter);
        const bool existed = subscriptions.remove(c.client_id, filter);
        unsuback.reason_codes.push_back(existed ? reason::kSuccess : reason::kNoSubscriptionExisted);
        log.add(now, "{} {}", c.client_id, filter);
    }
    transmit(c, unsuback, now);
}

}  // namespace mqscan::lab
