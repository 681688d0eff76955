// The broker's connections: accepting them, reading their packets and
// dispatching each, sending, ending them, and the timers.
#include "lab/engine/broker_engine.hpp"

#include <algorithm>
#include <utility>

#include "lab/engine/keepalive.hpp"
#include "mqtt/codec.hpp"

namespace mqscan::lab {
namespace {

std::optional<Timestamp> earliest(std::optional<Timestamp> a, std::optional<Timestamp> b) {
    if (!a) return b;
    if (!b) return a;
    return std::min(*a, *b);
}

Ending ending_of(Violation violation) {
    switch (violation) {
        case Violation::Malformed: return Ending::Malformed;
        case Violation::TooLarge: return Ending::Oversize;
        case Violation::ProtocolError:
        case Violation::None: return Ending::ProtocolError;
    }
    return Ending::ProtocolError;
}

}  // namespace

Broker::Impl::Impl(BrokerOptions broker_options)
    : options(std::move(broker_options)), sessions(options.limits.max_sessions),
      subscriptions(options.limits.max_subscriptions), retained(options.limits.max_retained, options.limits.max_retained_bytes),
      client_ids(options.seed, options.auto_id_prefix) {}

QosLimits Broker::Impl::qos_limits() const {
    const std::uint16_t inflight = options.limits.max_inflight_messages;
    return {inflight, options.limits.max_queued_messages, inflight, options.limits.max_queued_bytes};
}

void Broker::Impl::receive(BrokerConnection& c, Bytes bytes, Timestamp now) {
    const ConnectionId id = c.id;
    const std::vector<Frame> frames = c.reader.feed(bytes);
    const Violation damage = c.reader.damage();
    for (const Frame& frame : frames) {
        handle(c, frame, now);
        if (!connections.contains(id)) return;
        c.last_packet = now;  // mosquitto counts a packet once it is handled (lib/packet_mosq.c)
    }
    if (damage != Violation::None) fail(c, damage, now);
}

void Broker::Impl::handle(BrokerConnection& c, const Frame& frame, Timestamp now) {
    using mqtt::PacketType;
    IncomingPacket in = parse_frame(frame, c.connected ? c.version : mqtt::Version::Unknown);
    mqtt::Packet& p = in.packet;
    if (p.type == PacketType::Connect) {
        if (!c.connected) return on_connect(c, in, now);
        log.add(now, "Bad client {} sending multiple CONNECT messages.", c.client_id);
        return fail(c, Violation::ProtocolError, now);  // [MQTT-3.1.0-2]
    }
    if (!c.connected) return fail(c, Violation::ProtocolError, now);  // CONNECT first [MQTT-3.1.0-1]
    if (in.violation != Violation::None) return fail(c, in.violation, now);
    switch (p.type) {
        case PacketType::Publish: return on_publish(c, p, now);
        case PacketType::Puback:
        case PacketType::Pubrec:
        case PacketType::Pubcomp: return on_acknowledgement(c, p, now);
        case PacketType::Pubrel: return on_pubrel(c, p, now);
        case PacketType::Subscribe: return on_subscribe(c, p, now);
        case PacketType::Unsubscribe: return on_unsubscribe(c, p, now);
        case PacketType::Pingreq:
            log.received(now, p, c.client_id);
            return transmit(c, bare_packet(PacketType::Pingresp), now);
        case PacketType::Disconnect: return on_disconnect(c, p, now);
        default: return fail(c, Violation::ProtocolError, now);  // a server's packet, or AUTH
    }
}

void Broker::Impl::transmit(BrokerConnection& c, const mqtt::Packet& packet, Timestamp now) {
    log.sent(now, packet, c.client_id.empty() ? c.peer.address : c.client_id);
    actions.push_back({Action::Kind::Send, c.id, mqtt::encode_packet(packet, c.version)});
}

void Broker::Impl::end(BrokerConnection& c, Ending ending, Timestamp now, std::optional<std::uint8_t> reason) {
    if (reason && c.connected && c.version == mqtt::Version::V5) transmit(c, disconnect_packet(*reason), now);
    log.ending(now, ending, c.client_id);
    if (c.connected) detach_session(c, now);
    actions.push_back({Action::Kind::Close, c.id, {}});
    connections.erase(c.id);
}

void Broker::Impl::fail(BrokerConnection& c, Violation violation, Timestamp now) {
    end(c, ending_of(violation), now, disconnect_reason(violation));
}

std::optional<Timestamp> Broker::Impl::silence_deadline(const BrokerConnection& c) const {
    const std::optional<Timestamp> keepalive = broker_keepalive_deadline(c.last_packet, c.keepalive);
    const std::optional<std::uint32_t> timeout = options.limits.connect_timeout_ms;
    if (c.connected || !timeout) return keepalive;
    return earliest(keepalive, Timestamp{c.accepted.ns + std::int64_t{*timeout} * 1'000'000});
}

std::optional<Timestamp> Broker::Impl::next_deadline() const {
    std::optional<Timestamp> next = earliest(wills.next_due(), sessions.next_expiry());
    for (const auto& [id, c] : connections) next = earliest(next, silence_deadline(c));
    return next;
}

// Whatever is due at `now`, earliest first; at the same time, keep alive
// before wills before session expiry, so that a will goes before its session.
void Broker::Impl::advance(Timestamp now) {
    for (std::optional<Timestamp> due = next_deadline(); due && *due <= now; due = next_deadline()) {
        std::vector<ConnectionId> silent;
        for (const auto& [id, c] : connections) {
            const std::optional<Timestamp> deadline = silence_deadline(c);
            if (deadline && *deadline <= *due) silent.push_back(id);
        }
        for (ConnectionId id : silent) end(connections.at(id), Ending::KeepaliveTimeout, now);
        for (const WillTimer::Pending& will : wills.take_due(*due)) route(will.will, will.client_id, now);
        for (const std::string& client_id : sessions.expired(*due)) expire_session(client_id);
    }
}

Broker::Broker(BrokerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Broker::~Broker() = default;
Broker::Broker(Broker&&) noexcept = default;
Broker& Broker::operator=(Broker&&) noexcept = default;

bool Broker::accept(ConnectionId id, Timestamp now, PeerInfo peer, std::optional<std::string> certificate_identity) {
    Impl& b = *impl_;
    if (b.connections.contains(id)) return false;
    if (b.connections.size() >= b.options.limits.max_connections) {
        b.log.connection_denied(now, peer.address);
        b.actions.push_back({Action::Kind::Close, id, {}});
        return false;
    }
    b.log.new_connection(now, peer);
    b.connections.try_emplace(id, id, std::move(peer), std::move(certificate_identity), b.options.limits, now);
    return true;
}

void Broker::receive(ConnectionId id, Bytes bytes, Timestamp now) {
    const auto found = impl_->connections.find(id);
    if (found != impl_->connections.end()) impl_->receive(found->second, bytes, now);
}

void Broker::peer_closed(ConnectionId id, Timestamp now) {
    const auto found = impl_->connections.find(id);
    if (found != impl_->connections.end()) impl_->end(found->second, Ending::ClosedByPeer, now);
}

void Broker::advance(Timestamp now) { impl_->advance(now); }

std::optional<Timestamp> Broker::next_deadline() const { return impl_->next_deadline(); }

std::vector<Action> Broker::take_actions() { return std::exchange(impl_->actions, {}); }

std::vector<LogLine> Broker::take_log() { return impl_->log.take(); }

std::size_t Broker::connection_count() const { return impl_->connections.size(); }
std::size_t Broker::session_count() const { return impl_->sessions.size(); }
std::size_t Broker::retained_count() const { return impl_->retained.size(); }

}  // namespace mqscan::lab
