#include "lab/engine/client.hpp"

#include <utility>

#include "lab/engine/property_values.hpp"
#include "lab/engine/reason_codes.hpp"
#include "mqtt/codec.hpp"

namespace mqscan::lab {
namespace {

using mqtt::PacketType;

// QoS 1 and 2 messages the client holds for the broker's PUBRELs: paho's and
// libmosquitto's default receive window.
constexpr std::uint16_t kReceiveWindow = 65535;

mqtt::Packet connect_packet(const ClientOptions& o) {
    mqtt::Packet p;
    p.type = PacketType::Connect;
    p.protocol_name = o.version == mqtt::Version::V31 ? "MQIsdp" : "MQTT";
    p.protocol_level = static_cast<std::uint8_t>(o.version);
    p.keepalive = o.keepalive;
    p.client_id = o.client_id;
    p.will = o.will;
    p.username = o.username;
    p.password = o.password;
    // [MQTT-3.1.2-3]: user name 0x80, password 0x40, will retain 0x20, will QoS, will 0x04, clean 0x02.
    std::uint8_t flags = o.clean_start ? 0x02 : 0x00;
    if (o.will) flags |= static_cast<std::uint8_t>(0x04 | (o.will->qos & 0x3) << 3 | (o.will->retain ? 0x20 : 0));
    if (o.password) flags |= 0x40;
    if (o.username) flags |= 0x80;
    p.connect_flags = flags;
    if (o.version == mqtt::Version::V5) {
        if (o.session_expiry != 0) p.properties.push_back(prop::numeric(prop::kSessionExpiryInterval, o.session_expiry));
        if (o.receive_maximum) p.properties.push_back(prop::numeric(prop::kReceiveMaximum, *o.receive_maximum));
        p.properties.insert(p.properties.end(), o.connect_properties.begin(), o.connect_properties.end());
    }
    return p;
}

// [MQTT 5.0 §3.8.3.1]: QoS, no local, retain as published, retain handling; 3.x has the QoS alone.
std::uint8_t options_byte(const mqtt::Subscription& s, bool v5) {
    if (!v5) return s.qos & 0x3;
    return static_cast<std::uint8_t>((s.qos & 0x3) | (s.no_local ? 0x04 : 0) | (s.retain_as_published ? 0x08 : 0) |
                                     (s.retain_handling & 0x3) << 4);
}

}  // namespace

Client::Client(ClientOptions options)
    : options_(std::move(options)), client_id_(options_.client_id), reader_(options_.max_packet_size),
      qos_({65535, options_.max_queued, options_.receive_maximum.value_or(kReceiveWindow)}),
      ping_(options_.keepalive) {}

void Client::start(Timestamp now) {
    if (state_ != State::Idle) return;
    state_ = State::Connecting;
    ping_.received(now);  // libmosquitto starts counting at the connection
    send(connect_packet(options_), now);
}

std::optional<std::uint16_t> Client::publish(Timestamp now, std::string topic, std::string payload,
                                             std::uint8_t qos, bool retain, std::vector<mqtt::Property> properties) {
    if (!open()) return std::nullopt;
    QosSession::Offer offer = qos_.offer({std::move(topic), std::move(payload), qos, retain, std::move(properties)}, true);
    if (offer.publish) send_publish(std::move(*offer.publish), now);
    return offer.packet_id;
}

std::optional<std::uint16_t> Client::subscribe(Timestamp now, std::vector<mqtt::Subscription> filters,
                                               std::vector<mqtt::Property> properties) {
    if (!open()) return std::nullopt;
    const std::optional<std::uint16_t> id = qos_.reserve_id();
    if (!id) return std::nullopt;
    mqtt::Packet p;
    p.type = PacketType::Subscribe;
    p.packet_id = id;
    p.properties = std::move(properties);
    for (mqtt::Subscription& s : filters) s.options = options_byte(s, v5());
    p.subscriptions = std::move(filters);
    send(p, now);
    return id;
}

std::optional<std::uint16_t> Client::unsubscribe(Timestamp now, std::vector<std::string> filters) {
    if (!open()) return std::nullopt;
    const std::optional<std::uint16_t> id = qos_.reserve_id();
    if (!id) return std::nullopt;
    mqtt::Packet p;
    p.type = PacketType::Unsubscribe;
    p.packet_id = id;
    p.unsubscribe_filters = std::move(filters);
    send(p, now);
    return id;
}

void Client::ping(Timestamp now) {
    if (!open()) return;
    send(bare_packet(PacketType::Pingreq), now);
    ping_.pinged(now);
}

void Client::disconnect(Timestamp now, std::uint8_t reason, std::vector<mqtt::Property> properties) {
    if (!open()) return;
    if (!options_.faults.no_disconnect)
        send(v5() ? disconnect_packet(reason, std::move(properties)) : bare_packet(PacketType::Disconnect), now);
    close(DisconnectCause::Requested);
}

void Client::receive(Bytes bytes, Timestamp now) {
    if (!open()) return;
    for (const Frame& frame : reader_.feed(bytes)) {
        handle(frame, now);
        if (!open()) return;
    }
    if (reader_.damage() != Violation::None) fail(reader_.damage(), now);
}

void Client::peer_closed() {
    if (open()) close(DisconnectCause::PeerClosed);
}

std::optional<Timestamp> Client::next_deadline() const {
    if (!open() || options_.faults.no_pings) return std::nullopt;
    return ping_.deadline();
}

void Client::advance(Timestamp now) {
    if (!open() || options_.faults.no_pings) return;
    switch (ping_.due(now)) {
        case PingTimer::Due::Nothing: return;
        case PingTimer::Due::Ping:
            if (state_ == State::Connected) return ping(now);
            [[fallthrough]];  // still no CONNACK: libmosquitto gives up
        case PingTimer::Due::GiveUp: return close(DisconnectCause::KeepaliveTimeout);
    }
}

std::vector<Action> Client::take_actions() { return std::exchange(actions_, {}); }

std::vector<ClientEvent> Client::take_events() { return std::exchange(events_, {}); }

void Client::send(const mqtt::Packet& packet, Timestamp now) {
    actions_.push_back({Action::Kind::Send, 0, mqtt::encode_packet(packet, options_.version)});
    ping_.sent(now);
}

// With topic aliases, a topic goes once with its new alias, then the alias
// alone with an empty topic [MQTT 5.0 §3.3.2.3.4].
void Client::send_publish(mqtt::Packet publish, Timestamp now) {
    if (v5() && options_.use_topic_aliases) {
        if (const std::optional<OutboundAliases::Use> use = outbound_aliases_.use(publish.topic)) {
            publish.properties.push_back(prop::numeric(prop::kTopicAlias, use->alias));
            if (!use->first) publish.topic.clear();
        }
    }
    send(publish, now);
}

void Client::send_queued(Timestamp now) {
    for (mqtt::Packet& p : qos_.send_queued()) send_publish(std::move(p), now);
}

void Client::close(DisconnectCause cause, std::optional<std::uint8_t> reason) {
    state_ = State::Closed;
    actions_.push_back({Action::Kind::Close, 0, {}});
    events_.push_back(Disconnected{cause, reason});
}

// libmosquitto tells a 5.0 broker why before it closes (lib/read_handle.c).
void Client::fail(Violation violation, Timestamp now) {
    if (v5()) send(disconnect_packet(disconnect_reason(violation)), now);
    close(DisconnectCause::ProtocolError, disconnect_reason(violation));
}

void Client::handle(const Frame& frame, Timestamp now) {
    IncomingPacket in = parse_frame(frame, options_.version);
    mqtt::Packet& p = in.packet;
    if (in.violation != Violation::None) return fail(in.violation, now);
    if ((p.type == PacketType::Connack) != (state_ == State::Connecting))
        return fail(Violation::ProtocolError, now);  // a CONNACK first, and only one [MQTT-3.2.0-1]
    ping_.received(now);
    switch (p.type) {
        case PacketType::Connack: return on_connack(p, now);
        case PacketType::Publish: return on_publish(p, now);
        case PacketType::Puback:
        case PacketType::Pubrec:
        case PacketType::Pubcomp: return on_acknowledgement(p, now);
        case PacketType::Pubrel: return on_pubrel(p, now);
        case PacketType::Suback:
            qos_.release_id(p.packet_id.value_or(0));
            return events_.push_back(Subscribed{p.packet_id.value_or(0), p.reason_codes});
        case PacketType::Unsuback:
            qos_.release_id(p.packet_id.value_or(0));
            return events_.push_back(Unsubscribed{p.packet_id.value_or(0), p.reason_codes});
        case PacketType::Pingresp:
            ping_.answered();
            return events_.push_back(PingAnswered{});
        case PacketType::Disconnect:
            if (v5()) return close(DisconnectCause::ServerDisconnect, p.reason_code.value_or(reason::kSuccess));
            return fail(Violation::ProtocolError, now);  // 3.x brokers send no DISCONNECT
        default: return fail(Violation::ProtocolError, now);  // a client's packet
    }
}

void Client::on_connack(const mqtt::Packet& p, Timestamp now) {
    const std::uint8_t code = p.reason_code.value_or(0);
    events_.push_back(Connected{p.session_present, code, p.properties});
    if (code != reason::kSuccess) return close(DisconnectCause::Refused, code);
    state_ = State::Connected;
    if (v5()) {
        const std::vector<mqtt::Property>& props = p.properties;
        if (const mqtt::Property* assigned = prop::find(props, prop::kAssignedClientIdentifier))
            client_id_ = assigned->text;
        if (const auto keepalive = prop::number(props, prop::kServerKeepAlive))
            ping_.set_keepalive(static_cast<std::uint16_t>(*keepalive));  // [MQTT 5.0 §3.2.2.3.14]
        if (const auto window = prop::number(props, prop::kReceiveMaximum))
            qos_.set_send_window(static_cast<std::uint16_t>(*window));
        if (options_.use_topic_aliases)
            outbound_aliases_.set_maximum(
                static_cast<std::uint16_t>(prop::number(props, prop::kTopicAliasMaximum).value_or(0)));
    }
    send_queued(now);
}

void Client::on_publish(mqtt::Packet& p, Timestamp now) {
    switch (inbound_aliases_.resolve(p)) {
        case InboundAliases::Outcome::Invalid:
            send(disconnect_packet(reason::kTopicAliasInvalid), now);
            return close(DisconnectCause::ProtocolError, reason::kTopicAliasInvalid);
        case InboundAliases::Outcome::Unknown: return fail(Violation::ProtocolError, now);
        case InboundAliases::Outcome::Resolved: break;
    }
    Message message = message_of(p);
    message.properties = p.properties;
    const std::uint16_t id = p.packet_id.value_or(0);
    const ClientFaults& faults = options_.faults;
    switch (p.qos) {
        case 0: return events_.push_back(MessageReceived{std::move(message), p.dup, std::nullopt});
        case 1:
            events_.push_back(MessageReceived{std::move(message), p.dup, id});
            if (!faults.no_puback) send(ack_packet(PacketType::Puback, id), now);
            return;
        default: {
            const bool refused = qos_.receive(id, std::move(message)) == QosSession::Arrival::Refused;
            if (!faults.no_pubrec)
                send(ack_packet(PacketType::Pubrec, id, refused && v5() ? reason::kQuotaExceeded : 0), now);
        }
    }
}

void Client::on_pubrel(const mqtt::Packet& p, Timestamp now) {
    const std::uint16_t id = p.packet_id.value_or(0);
    if (std::optional<Message> released = qos_.release(id))
        events_.push_back(MessageReceived{std::move(*released), false, id});
    if (!options_.faults.no_pubcomp) send(ack_packet(PacketType::Pubcomp, id), now);
}

void Client::on_acknowledgement(const mqtt::Packet& p, Timestamp now) {
    const QosSession::Acknowledged acked = qos_.acknowledge(p);
    if (acked.reply && !options_.faults.no_pubrel) send(*acked.reply, now);
    if (acked.completed) events_.push_back(Published{p.packet_id.value_or(0), p.reason_code.value_or(0)});
    send_queued(now);
}

}  // namespace mqscan::lab
