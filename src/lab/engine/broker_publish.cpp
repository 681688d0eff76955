// PUBLISH in both directions: a client's message and its acknowledgements,
// routing to the matching subscriptions, and the broker's own deliveries.
#include "lab/engine/broker_engine.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "lab/engine/property_values.hpp"
#include "lab/engine/reason_codes.hpp"
#include "mqtt/codec.hpp"

namespace mqscan::lab {

void Broker::Impl::on_publish(BrokerConnection& c, mqtt::Packet& p, Timestamp now) {
    using mqtt::PacketType;
    const bool v5 = c.version == mqtt::Version::V5;
    if (v5) {
        switch (c.aliases.resolve(p)) {
            case InboundAliases::Outcome::Invalid:
                return end(c, Ending::ProtocolError, now, reason::kTopicAliasInvalid);
            case InboundAliases::Outcome::Unknown: return fail(c, Violation::ProtocolError, now);
            case InboundAliases::Outcome::Resolved: break;
        }
        // A client may not set subscription identifiers [MQTT 5.0 §3.3.4].
        if (prop::find(p.properties, prop::kSubscriptionIdentifier) != nullptr)
            return fail(c, Violation::ProtocolError, now);
    }
    if (p.qos > options.max_qos) {
        log.add(now, "Too high QoS in PUBLISH from {}, disconnecting.", c.client_id);
        return end(c, Ending::NotSupported, now, reason::kQosNotSupported);
    }
    log.received(now, p, c.client_id);
    Message message = message_of(p);
    const std::uint16_t id = p.packet_id.value_or(0);
    switch (p.qos) {
        case 0: route(message, c.client_id, now); return;
        case 1: {
            const bool matched = route(message, c.client_id, now);
            // mosquitto tells a 5.0 publisher when nobody got it (src/handle_publish.c).
            const std::uint8_t code = v5 && !matched ? reason::kNoMatchingSubscribers : reason::kSuccess;
            return transmit(c, ack_packet(PacketType::Puback, id, code), now);
        }
        default: {
            // Held until its PUBREL, delivered then: exactly once [MQTT-4.3.3].
            const QosSession::Arrival arrival = session_of(c).qos.receive(id, std::move(message));
            const bool refused = arrival == QosSession::Arrival::Refused;
            return transmit(c, ack_packet(PacketType::Pubrec, id, refused && v5 ? reason::kQuotaExceeded : 0), now);
        }
    }
}

void Broker::Impl::on_pubrel(BrokerConnection& c, const mqtt::Packet& p, Timestamp now) {
    log.received(now, p, c.client_id);
    const std::uint16_t id = p.packet_id.value_or(0);
    if (std::optional<Message> released = session_of(c).qos.release(id)) route(*released, c.client_id, now);
    // Also for an unknown identifier: the PUBREL may be a retry after a reconnection (lib/handle_pubrel.c).
    transmit(c, ack_packet(mqtt::PacketType::Pubcomp, id), now);
}

void Broker::Impl::on_acknowledgement(BrokerConnection& c, const mqtt::Packet& p, Timestamp now) {
    log.received(now, p, c.client_id);
    BrokerSession& session = session_of(c);
    const QosSession::Acknowledged acked = session.qos.acknowledge(p);
    if (!acked.known)
        log.add(now, "Warning: Received {} from {} for an unknown packet identifier {}.", mqtt::to_string(p.type),
                c.client_id, p.packet_id.value_or(0));
    if (acked.reply) transmit(c, *acked.reply, now);
    for (const mqtt::Packet& next : session.qos.send_queued()) transmit(c, next, now);
}

// To each matching subscription, at the lower of the two QoS [MQTT-3.8.4-6],
// the retain flag cleared unless the subscription keeps it [MQTT-3.3.1-9],
// [MQTT 5.0 §3.8.3.1]. Like mosquitto (src/database.c, db__message_insert), a
// 3.x client whose subscriptions overlap gets the message once, from the first
// one visited, and a 5.0 client once per subscription, with its identifier.
bool Broker::Impl::route(const Message& message, const std::string& publisher, Timestamp now) {
    if (message.retain) retained.store(message);
    bool matched = false;
    std::set<std::string> served;
    for (const SubscriptionEntry* sub : subscriptions.matching(message.topic)) {
        if (sub->subscription.no_local && sub->client_id == publisher) continue;  // [MQTT 5.0 §3.8.3.1]
        matched = true;
        BrokerSession* session = sessions.find(sub->client_id);
        const bool once = session->version != mqtt::Version::V5;
        if (once && !served.insert(sub->client_id).second) continue;
        Message out = message;
        out.qos = std::min(message.qos, sub->subscription.qos);
        out.retain = message.retain && sub->subscription.retain_as_published;
        if (sub->identifier) out.properties.push_back(prop::numeric(prop::kSubscriptionIdentifier, *sub->identifier));
        deliver(*session, std::move(out), now);
    }
    return matched;
}

void Broker::Impl::deliver(BrokerSession& session, Message message, Timestamp now) {
    // A PUBLISH larger than the client takes is dropped [MQTT 5.0 §3.1.2.11.4].
    if (session.max_packet_out < std::numeric_limits<std::uint32_t>::max()) {
        const std::string bytes = mqtt::encode_packet(publish_packet(message, 1, false), session.version);
        if (bytes.size() > session.max_packet_out) return;
    }
    const std::uint8_t qos = message.qos;
    const auto c = session.connection ? connections.find(*session.connection) : connections.end();
    const QosSession::Offer offer = session.qos.offer(std::move(message), c != connections.end());
    if (offer.publish) return transmit(c->second, *offer.publish, now);
    if (offer.outcome == QosSession::Offer::Outcome::Dropped && qos > 0 && !session.dropping) {
        session.dropping = true;
        log.add(now, "Outgoing messages are being dropped for client {}.", session.client_id);
    }
}

}  // namespace mqscan::lab
