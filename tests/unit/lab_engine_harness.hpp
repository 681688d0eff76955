#pragma once
// The lab's broker and clients wired together in memory with a fake clock:
// what one side sends reaches the other at once, a Close ends the connection
// on both sides. Every packet on the wire is kept as a line ("> PUBLISH q1 m1
// 'a/b' 'x'": '>' client to broker, '<' broker to client) for exact asserts.
// Raw connections let a test write the client's bytes by hand.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "lab/engine/broker.hpp"
#include "lab/engine/client.hpp"
#include "mqtt/codec.hpp"
#include "mqtt_packets.hpp"

namespace mqscan::test {

inline constexpr std::int64_t kLabEpoch = 1'700'000'000;

// kLabEpoch plus `ms` milliseconds.
inline Timestamp lab_time(std::int64_t ms) { return {kLabEpoch * 1'000'000'000 + ms * 1'000'000}; }

// A broker that lets anyone in.
inline lab::BrokerOptions open_broker() {
    lab::BrokerOptions o;
    o.allow_anonymous = true;
    return o;
}

inline lab::ClientOptions client_options(std::string id, mqtt::Version version = mqtt::Version::V311) {
    lab::ClientOptions o;
    o.client_id = std::move(id);
    o.version = version;
    return o;
}

inline mqtt::Subscription filter(std::string text, std::uint8_t qos) {
    mqtt::Subscription s;
    s.filter = std::move(text);
    s.qos = qos;
    return s;
}

// One packet as a line: its type and the fields that tell flows apart.
inline std::string describe(const mqtt::Packet& p) {
    using mqtt::PacketType;
    const std::string name(mqtt::to_string(p.type));
    const std::string rc = p.reason_code ? fmt::format(" rc{}", *p.reason_code) : "";
    switch (p.type) {
        case PacketType::Connect: return fmt::format("CONNECT '{}'", p.client_id);
        case PacketType::Connack: return fmt::format("CONNACK sp{}{}", p.session_present ? 1 : 0, rc);
        case PacketType::Publish:
            return fmt::format("PUBLISH d{} q{} r{} m{} '{}' '{}'", p.dup ? 1 : 0, p.qos, p.retain ? 1 : 0,
                               p.packet_id.value_or(0), p.topic, p.payload);
        case PacketType::Puback:
        case PacketType::Pubrec:
        case PacketType::Pubrel:
        case PacketType::Pubcomp:
        case PacketType::Unsubscribe: return fmt::format("{} m{}{}", name, p.packet_id.value_or(0), rc);
        case PacketType::Subscribe:
        case PacketType::Suback:
        case PacketType::Unsuback: {
            std::string codes;
            for (const auto& s : p.subscriptions) codes += fmt::format(" {}:{}", s.filter, s.qos);
            for (std::uint8_t c : p.reason_codes) codes += fmt::format(" {}", c);
            return fmt::format("{} m{}{}", name, p.packet_id.value_or(0), codes);
        }
        case PacketType::Disconnect: return name + rc;
        default: return name;
    }
}

class LabNet {
public:
    explicit LabNet(lab::BrokerOptions options = open_broker()) : broker(std::move(options)) {}

    // A client on a new connection, started (CONNECT sent) and settled; its index.
    std::size_t add_client(lab::ClientOptions options, std::optional<std::string> certificate_identity = {}) {
        const lab::ConnectionId id = open_connection(std::move(certificate_identity));
        Peer& peer = peers_.at(id);
        peer.client.emplace(std::move(options));
        client_ids_.push_back(id);
        peer.client->start(now);
        settle();
        return client_ids_.size() - 1;
    }

    // A connection whose client bytes the test writes itself.
    lab::ConnectionId open_raw(std::optional<std::string> certificate_identity = {}) {
        const lab::ConnectionId id = open_connection(std::move(certificate_identity));
        settle();
        return id;
    }
    void send_raw(lab::ConnectionId id, const std::string& bytes) {
        record(id, '>', bytes);
        broker.receive(id, bytes_of(bytes), now);
        settle();
    }
    void close_raw(lab::ConnectionId id) {
        peers_.at(id).open = false;
        broker.peer_closed(id, now);
        settle();
    }

    lab::Client& client(std::size_t index) { return *peers_.at(client_ids_.at(index)).client; }
    lab::ConnectionId connection(std::size_t index) const { return client_ids_.at(index); }
    bool open(lab::ConnectionId id) const { return peers_.at(id).open; }

    // Every packet on a connection so far, and those of a client.
    const std::vector<std::string>& wire(lab::ConnectionId id) const { return peers_.at(id).wire; }
    const std::vector<std::string>& wire_of(std::size_t index) const { return wire(connection(index)); }
    // The lines since the last call.
    std::vector<std::string> take_wire_of(std::size_t index) {
        Peer& peer = peers_.at(connection(index));
        std::vector<std::string> fresh(peer.wire.begin() + static_cast<std::ptrdiff_t>(peer.seen), peer.wire.end());
        peer.seen = peer.wire.size();
        return fresh;
    }
    std::vector<lab::ClientEvent>& events(std::size_t index) { return peers_.at(connection(index)).events; }
    // The broker's log lines, "SECONDS: message".
    std::vector<std::string> log;

    // Runs the pending actions of every side until none is left.
    void settle() {
        for (bool busy = true; busy;) {
            busy = false;
            for (lab::Action& a : broker.take_actions()) {
                busy = true;
                to_client(a);
            }
            for (auto& [id, peer] : peers_) {
                if (!peer.client) continue;
                for (lab::Action& a : peer.client->take_actions()) {
                    busy = true;
                    to_broker(id, a);
                }
                for (lab::ClientEvent& e : peer.client->take_events()) peer.events.push_back(std::move(e));
            }
            for (lab::LogLine& line : broker.take_log()) log.push_back(line.text());
        }
    }

    // Moves the clock to `until`, running every timer on the way at its own
    // time; what is pending goes first, at the current time.
    void advance_to(Timestamp until) {
        settle();
        while (true) {
            std::optional<Timestamp> next = broker.next_deadline();
            for (auto& [id, peer] : peers_)
                if (peer.client)
                    if (auto d = peer.client->next_deadline(); d && (!next || *d < *next)) next = d;
            if (!next || *next > until) break;
            now = std::max(now, *next);
            broker.advance(now);
            for (auto& [id, peer] : peers_)
                if (peer.client) peer.client->advance(now);
            settle();
        }
        now = until;
    }

    lab::Broker broker;
    Timestamp now = lab_time(0);

private:
    struct Peer {
        std::optional<lab::Client> client;
        std::vector<std::string> wire;
        std::size_t seen = 0;
        std::vector<lab::ClientEvent> events;
        mqtt::Version version = mqtt::Version::Unknown;
        bool open = true;
    };

    lab::ConnectionId open_connection(std::optional<std::string> certificate_identity) {
        const lab::ConnectionId id = next_id_++;
        peers_.emplace(id, Peer{});
        const std::uint16_t port = static_cast<std::uint16_t>(40000 + id);
        if (!broker.accept(id, now, {"127.0.0.1", port, 1883}, std::move(certificate_identity)))
            peers_.at(id).open = false;
        return id;
    }

    void record(lab::ConnectionId id, char direction, const std::string& bytes) {
        Peer& peer = peers_.at(id);
        const auto frame = split_frame(bytes);
        if (!frame) return peer.wire.push_back(fmt::format("{} <unframed {} bytes>", direction, bytes.size()));
        const mqtt::ParsedPacket parsed = mqtt::parse_packet(frame->first_byte, frame->body, peer.version, 1 << 20);
        if (parsed.packet.type == mqtt::PacketType::Connect && direction == '>')
            peer.version = mqtt::version_of_level(parsed.packet.protocol_level);
        peer.wire.push_back(fmt::format("{} {}", direction, describe(parsed.packet)));
    }

    void to_client(const lab::Action& a) {
        Peer& peer = peers_.at(a.connection);
        if (a.kind == lab::Action::Kind::Close) {
            peer.open = false;
            if (peer.client) peer.client->peer_closed();
            return;
        }
        record(a.connection, '<', a.bytes);
        if (peer.client) peer.client->receive(bytes_of(a.bytes), now);
    }

    void to_broker(lab::ConnectionId id, const lab::Action& a) {
        if (a.kind == lab::Action::Kind::Close) {
            peers_.at(id).open = false;
            return broker.peer_closed(id, now);
        }
        record(id, '>', a.bytes);
        broker.receive(id, bytes_of(a.bytes), now);
    }

    std::map<lab::ConnectionId, Peer> peers_;
    std::vector<lab::ConnectionId> client_ids_;
    lab::ConnectionId next_id_ = 1;
};

// The events of one kind a client had.
template <typename Event>
std::vector<Event> events_of(const std::vector<lab::ClientEvent>& events) {
    std::vector<Event> out;
    for (const lab::ClientEvent& e : events)
        if (const Event* found = std::get_if<Event>(&e)) out.push_back(*found);
    return out;
}

}  // namespace mqscan::test
