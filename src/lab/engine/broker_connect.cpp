// CONNECT and DISCONNECT: who may connect, which session a client gets
// (new, resumed or taken over), and what happens to it when the client goes.
#include "lab/engine/broker_engine.hpp"

#include <algorithm>
#include <limits>

#include "lab/engine/connect_check.hpp"
#include "lab/engine/engine_time.hpp"
#include "lab/engine/property_values.hpp"
#include "lab/engine/reason_codes.hpp"
#include "mqtt/codec.hpp"
#include "mqtt/varint.hpp"

namespace mqscan::lab {
namespace {

mqtt::Packet connack(bool session_present, std::uint8_t code) {
    mqtt::Packet p;
    p.type = mqtt::PacketType::Connack;
    p.session_present = session_present;
    p.reason_code = code;
    return p;
}

// How long the session outlives the connection: a 3.x clean session 0 for
// ever, a 5.0 one as its CONNECT says [MQTT 5.0 §3.1.2.11.2].
std::uint32_t session_expiry(const mqtt::Packet& connect, mqtt::Version version) {
    if (version == mqtt::Version::V5) return prop::number(connect.properties, prop::kSessionExpiryInterval).value_or(0);
    return connect.clean_session() ? 0 : SessionStore::kNeverExpires;
}

// The CONNACK of an accepted client, with its 5.0 properties in the order
// mosquitto writes them (src/handle_connect.c, connect__on_authorised, then
// src/send_connack.c). `assigned_id`: the id the broker chose, if it did.
mqtt::Packet accepted_connack(const BrokerOptions& options, mqtt::Version version, bool session_present,
                              const std::string& assigned_id) {
    mqtt::Packet ack = connack(session_present, reason::kSuccess);
    if (version != mqtt::Version::V5) return ack;
    const BrokerLimits& limits = options.limits;
    if (limits.max_topic_aliases > 0)
        ack.properties.push_back(prop::numeric(prop::kTopicAliasMaximum, limits.max_topic_aliases));
    if (!assigned_id.empty()) ack.properties.push_back(prop::text(prop::kAssignedClientIdentifier, assigned_id));
    if (limits.max_packet_size < mqtt::kVarintMax)
        ack.properties.push_back(prop::numeric(prop::kMaximumPacketSize, limits.max_packet_size));
    if (limits.max_inflight_messages > 0)
        ack.properties.push_back(prop::numeric(prop::kReceiveMaximum, limits.max_inflight_messages));
    if (options.max_qos < 2) ack.properties.push_back(prop::numeric(prop::kMaximumQos, options.max_qos));
    return ack;
}

}  // namespace

void Broker::Impl::on_connect(BrokerConnection& c, const IncomingPacket& in, Timestamp now) {
    const mqtt::Packet& p = in.packet;
    const ConnectVerdict verdict = check_connect(in, options, c.peer, c.certificate_identity);
    if (!verdict.note.empty()) log.add(now, "{}", verdict.note);
    if (verdict.outcome == ConnectVerdict::Outcome::Drop) return end(c, verdict.ending, now);

    std::string client_id = p.client_id;
    const bool assigned = client_id.empty() && verdict.outcome == ConnectVerdict::Outcome::Accept;
    if (assigned) client_id = client_ids.next();
    c.version = verdict.version;
    if (verdict.outcome == ConnectVerdict::Outcome::Refuse) {
        if (verdict.refused_by_name) c.client_id = client_id;
        transmit(c, connack(false, verdict.code), now);
        return end(c, verdict.ending, now);
    }

    const mqtt::Version version = verdict.version;
    const std::uint32_t expiry = session_expiry(p, version);
    c.client_id = client_id;
    bool resumed = false;
    BrokerSession* session = open_session(c, p, expiry, now, resumed);
    if (session == nullptr) {
        c.client_id.clear();  // refused: named by its address
        const bool v5 = version == mqtt::Version::V5;
        transmit(c, connack(false, v5 ? reason::kServerUnavailable : reason::kRefusedServerUnavailable), now);
        return end(c, Ending::ServerUnavailable, now);
    }

    c.connected = true;
    c.keepalive = p.keepalive;
    c.connect_session_expiry = expiry;
    if (p.will) {
        c.will = message_of(*p.will);
        c.will_delay = prop::number(p.will->properties, prop::kWillDelayInterval).value_or(0);
    }
    log.client_connected(now, c.peer, c.client_id, p, verdict.username);

    const bool present = resumed && version != mqtt::Version::V31;  // 3.1 has no such flag
    const mqtt::Packet ack = accepted_connack(options, version, present, assigned ? c.client_id : std::string());
    transmit(c, ack, now);
    for (const mqtt::Packet& again : session->qos.resume()) transmit(c, again, now);
}

// mosquitto's connect__on_authorised: a client id already online loses its
// connection (and its will, when its session ends with it or the new one
// starts clean); a will waiting out its delay is dropped, or published at once
// if the new connection starts clean; a session is resumed when the client
// asks to keep it and it has not expired [MQTT-3.1.2-4, -5], [MQTT 5.0 §3.1.2.4].
BrokerSession* Broker::Impl::open_session(BrokerConnection& c, const mqtt::Packet& connect, std::uint32_t expiry,
                                          Timestamp now, bool& resumed) {
    const std::string& id = c.client_id;
    const bool clean = connect.clean_session();
    if (BrokerSession* online = sessions.find(id); online != nullptr && online->connection) {
        log.add(now, "Client {} already connected, closing old connection.", id);
        BrokerConnection& old = connections.at(*online->connection);
        if (old.will && (online->expiry_interval == 0 || clean)) route(*old.will, id, now);
        old.will.reset();
        end(old, Ending::TakenOver, now);
    }
    if (std::optional<Message> delayed = wills.cancel(id); delayed && clean) route(*delayed, id, now);

    BrokerSession* session = sessions.find(id);
    resumed = session != nullptr && !clean;
    if (session != nullptr && !resumed) {
        expire_session(id);
        session = nullptr;
    }
    if (session == nullptr) session = sessions.create(id, qos_limits());
    if (session == nullptr) return nullptr;

    const mqtt::Version version = c.version;
    const std::vector<mqtt::Property>& props = connect.properties;
    session->version = version;
    session->connection = c.id;
    session->expires_at.reset();
    session->expiry_interval = expiry;
    session->dropping = false;
    const bool v5 = version == mqtt::Version::V5;
    // mosquitto's window for a 3.x client is max_inflight_messages (src/context.c).
    const std::uint32_t window = v5 ? prop::number(props, prop::kReceiveMaximum).value_or(65535)
                                    : options.limits.max_inflight_messages;
    session->qos.set_send_window(static_cast<std::uint16_t>(std::min<std::uint32_t>(window, 65535)));
    constexpr std::uint32_t kNoLimit = std::numeric_limits<std::uint32_t>::max();
    session->max_packet_out = v5 ? prop::number(props, prop::kMaximumPacketSize).value_or(kNoLimit) : kNoLimit;
    return session;
}

void Broker::Impl::on_disconnect(BrokerConnection& c, const mqtt::Packet& p, Timestamp now) {
    if (c.version == mqtt::Version::V5) {
        if (const auto expiry = prop::number(p.properties, prop::kSessionExpiryInterval)) {
            if (c.connect_session_expiry == 0 && *expiry != 0) return fail(c, Violation::ProtocolError, now);
            session_of(c).expiry_interval = *expiry;
        }
    }
    log.received(now, p, c.client_id);
    // A normal DISCONNECT discards the will [MQTT-3.1.2-10]; 5.0 can ask to keep it [MQTT 5.0 §3.14.2.1].
    if (p.reason_code.value_or(reason::kSuccess) != reason::kDisconnectWithWill) c.will.reset();
    end(c, Ending::Disconnected, now);
}

// The connection is gone: its will is published (or waits out its delay, at
// most as long as the session lives), and its session ends or waits offline.
void Broker::Impl::detach_session(BrokerConnection& c, Timestamp now) {
    BrokerSession& session = session_of(c);
    sessions.detach(session, now);  // offline first: its own will is not sent down the closing connection
    if (c.will) {
        const std::uint32_t delay = std::min(c.will_delay, session.expiry_interval);
        if (delay == 0) {
            route(*c.will, c.client_id, now);
        } else {
            wills.schedule({c.client_id, *c.will, seconds_after(now, delay)});
        }
        c.will.reset();
    }
    if (session.expiry_interval == 0) expire_session(c.client_id);
}

void Broker::Impl::expire_session(const std::string& client_id) {
    subscriptions.remove_client(client_id);
    sessions.remove(client_id);
}

}  // namespace mqscan::lab
