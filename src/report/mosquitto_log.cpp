#include "report/mosquitto_log.hpp"

#include <deque>
#include <iterator>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

// Every message below is mosquitto 2.0.11's own format string; docs/mosquitto-view.md
// gives the file each one comes from.

namespace mqscan {
namespace {

using mqtt::Packet;
using mqtt::PacketType;

// mosquitto formats a line into a 1000-byte buffer, so it keeps at most 999 bytes.
constexpr std::size_t kLogLineMax = 999;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::uint8_t kAssignedClientIdentifier = 0x12;
constexpr std::uint8_t kAuthenticationMethod = 0x15;
constexpr std::uint8_t kFirstFailureCode = 0x80;

// Lines stamped the way mosquitto stamps them: "%d: " and the time in whole seconds.
class Lines {
public:
    template <typename... Args>
    void add(Timestamp t, fmt::format_string<Args...> message, Args&&... args) {
        std::string line = fmt::format("{}: ", t.ns / kNanosPerSecond);
        fmt::format_to(std::back_inserter(line), message, std::forward<Args>(args)...);
        if (line.size() > kLogLineMax) line.resize(kLogLineMax);
        lines_.push_back(std::move(line));
    }
    std::vector<std::string> take() { return std::move(lines_); }

private:
    std::vector<std::string> lines_;
};

// A SUBSCRIBE whose lines wait for its SUBACK: only the SUBACK tells which
// filters the broker granted, and at which QoS.
struct PendingSubscribe {
    Timestamp time;
    std::optional<std::uint16_t> packet_id;
    std::vector<mqtt::Subscription> filters;
};

// What the broker knows of one connection, as far as the capture shows it.
struct Client {
    std::string id;                         // as the broker names the client
    std::optional<Packet> connect;          // until its CONNACK says how it went
    mqtt::Version version = mqtt::Version::Unknown;
    Timestamp connect_time;
    std::deque<PendingSubscribe> subscribes;
    bool closed = false;  // DISCONNECT received or the broker ended it: it reads no more
};

int flag(bool b) { return b ? 1 : 0; }
std::uint16_t mid(const Packet& p) { return p.packet_id.value_or(0); }
int code(const Packet& p) { return p.reason_code.value_or(0); }

const mqtt::Property* property(const Packet& p, std::uint8_t id) {
    for (const mqtt::Property& prop : p.properties)
        if (prop.id == id) return &prop;
    return nullptr;
}

std::string auth_method(const Packet& p) {
    const mqtt::Property* method = property(p, kAuthenticationMethod);
    return method != nullptr ? method->text : "";
}

// The "pN" of a connection line: mosquitto's enum mosquitto__protocol.
int protocol_number(mqtt::Version v) {
    switch (v) {
        case mqtt::Version::V31: return 1;
        case mqtt::Version::V311: return 2;
        case mqtt::Version::V5: return 5;
        case mqtt::Version::Unknown: return 0;
    }
    return 0;
}

// "IP:PORT" as mosquitto writes a peer: the bare address, no IPv6 brackets.
std::string peer(const ConnectionSummary& c) {
    return fmt::format("{}:{}", c.client.address.to_string(), c.client.port);
}

std::string publish_fields(const Packet& p) {
    return fmt::format("d{}, q{}, r{}, m{}, '{}', ... ({} bytes)", flag(p.dup), p.qos,
                       flag(p.retain), mid(p), p.effective_topic(), p.payload_length);
}

// Logged when the broker accepts the socket, so only for a connection opened in the capture.
void new_connection(const ConnectionSummary& c, Lines& out) {
    if (c.syn_seen)
        out.add(c.start, "New connection from {} on port {}.", peer(c), c.server.port);
}

void remember_connect(const MqttPacketEvent& e, Client& client) {
    client.connect = e.packet;
    client.version = e.version;
    client.connect_time = e.at.time;
    // An empty id gets a random one from the broker; only a 5.0 CONNACK tells which.
    client.id = e.packet.client_id.empty()
                    ? fmt::format("<auto-assigned id #{}>", e.connection.id)
                    : e.packet.client_id;
}

// Written while the broker handles the CONNECT, once it has accepted it.
void connected_lines(const ConnectionSummary& c, const Client& client, Lines& out) {
    const Packet& connect = *client.connect;
    const Timestamp t = client.connect_time;
    const std::string fields = fmt::format("as {} (p{}, c{}, k{}", client.id, protocol_number(client.version),
                                           flag(connect.clean_session()), connect.keepalive);
    if (connect.username)
        out.add(t, "New client connected from {} {}, u'{}').", peer(c), fields, *connect.username);
    else
        out.add(t, "New client connected from {} {}).", peer(c), fields);
    if (!connect.will) return out.add(t, "No will message specified.");
    out.add(t, "Will message specified ({} bytes) (r{}, q{}).", connect.will->payload.size(),
            flag(connect.will->retain), connect.will->qos);
    out.add(t, "\t{}", connect.will->topic);
}

// How the broker words the end of a client it refused (loop.c, do_disconnect),
// from the error its CONNECT handling returned, which the refusal code reveals.
std::optional<std::string_view> refusal_ending(int connack_code) {
    switch (connack_code) {
        case 1: case 2:                     // 3.x: protocol version, identifier rejected
        case 0x80: case 0x84: case 0x85:  // 5.0: unspecified, protocol version, identifier
            return "disconnected due to protocol error";
        case 4: case 5:                     // 3.x: bad user name or password, not authorised
        case 0x86: case 0x87:             // 5.0: the same
            return "disconnected, not authorised";
        case 0x8C: case 0x9A: case 0x9B:  // 5.0: bad auth method, retain or QoS not supported
            return "disconnected due to QoS too high or retain not supported";
        default: return std::nullopt;
    }
}

void connack_lines(const MqttPacketEvent& e, Client& client, Lines& out) {
    const Packet& p = e.packet;
    const Timestamp t = e.at.time;
    if (code(p) != 0) {
        // A refused client has no id yet: the broker names it by its address, then "<unknown>".
        out.add(t, "Sending CONNACK to {} ({}, {})", e.connection.client.address.to_string(),
                flag(p.session_present), code(p));
        if (auto ending = refusal_ending(code(p))) out.add(t, "Client <unknown> {}.", *ending);
        client.closed = true;
        return;
    }
    if (client.connect) {
        const mqtt::Property* assigned = property(p, kAssignedClientIdentifier);
        if (assigned != nullptr) client.id = assigned->text;
        connected_lines(e.connection, client, out);
        client.connect.reset();
    }
    out.add(t, "Sending CONNACK to {} ({}, {})", client.id, flag(p.session_present), code(p));
}

// `codes` is the SUBACK's, or null when it was not captured: then whether a
// filter was granted is unknown, and so is the line that says it was.
void subscribe_lines(const PendingSubscribe& s, const std::vector<std::uint8_t>* codes,
                     const std::string& id, Lines& out) {
    out.add(s.time, "Received SUBSCRIBE from {}", id);
    for (std::size_t i = 0; i < s.filters.size(); ++i) {
        const mqtt::Subscription& f = s.filters[i];
        std::optional<std::uint8_t> granted;
        if (codes != nullptr && i < codes->size() && (*codes)[i] < kFirstFailureCode) granted = (*codes)[i];
        out.add(s.time, "\t{} (QoS {})", f.filter, granted.value_or(f.qos));
        if (granted) out.add(s.time, "{} {} {}", id, *granted, f.filter);
    }
}

void suback_lines(const MqttPacketEvent& e, Client& client, Lines& out) {
    const Packet& p = e.packet;
    if (!client.subscribes.empty()) {
        const PendingSubscribe& s = client.subscribes.front();
        subscribe_lines(s, s.packet_id == p.packet_id ? &p.reason_codes : nullptr, client.id, out);
        client.subscribes.pop_front();
    }
    out.add(e.at.time, "Sending SUBACK to {}", client.id);
}

void unsubscribe_lines(const MqttPacketEvent& e, const std::string& id, Lines& out) {
    const Timestamp t = e.at.time;
    out.add(t, "Received UNSUBSCRIBE from {}", id);
    for (const std::string& filter : e.packet.unsubscribe_filters) {
        out.add(t, "\t{}", filter);
        out.add(t, "{} {}", id, filter);
    }
}

// The broker's lines for a packet it read.
void received(const MqttPacketEvent& e, Client& client, Lines& out) {
    const Packet& p = e.packet;
    const Timestamp t = e.at.time;
    const std::string_view name = mqtt::to_string(p.type);
    switch (p.type) {
        case PacketType::Connect: return remember_connect(e, client);
        case PacketType::Publish:
            return out.add(t, "Received PUBLISH from {} ({})", client.id, publish_fields(p));
        case PacketType::Puback:
        case PacketType::Pubcomp:
            return out.add(t, "Received {} from {} (Mid: {}, RC:{})", name, client.id, mid(p), code(p));
        case PacketType::Pubrec:
        case PacketType::Pubrel: return out.add(t, "Received {} from {} (Mid: {})", name, client.id, mid(p));
        case PacketType::Subscribe:
            client.subscribes.push_back({t, p.packet_id, p.subscriptions});
            return;
        case PacketType::Unsubscribe: return unsubscribe_lines(e, client.id, out);
        case PacketType::Pingreq: return out.add(t, "Received PINGREQ from {}", client.id);
        case PacketType::Disconnect:
            out.add(t, "Received DISCONNECT from {}", client.id);
            out.add(t, "Client {} disconnected.", client.id);
            client.closed = true;
            return;
        case PacketType::Auth:
            return out.add(t, "Received AUTH from {} (rc{}, {})", client.id, code(p), auth_method(p));
        case PacketType::Connack:
        case PacketType::Suback:
        case PacketType::Unsuback:
        case PacketType::Pingresp:
        case PacketType::Reserved: return;  // not a client's packet
    }
}

// The broker's lines for a packet it sent.
void sent(const MqttPacketEvent& e, Client& client, Lines& out) {
    const Packet& p = e.packet;
    const Timestamp t = e.at.time;
    const std::string_view name = mqtt::to_string(p.type);
    switch (p.type) {
        case PacketType::Connack: return connack_lines(e, client, out);
        case PacketType::Publish: return out.add(t, "Sending PUBLISH to {} ({})", client.id, publish_fields(p));
        case PacketType::Puback:
        case PacketType::Pubrec: return out.add(t, "Sending {} to {} (m{}, rc{})", name, client.id, mid(p), code(p));
        case PacketType::Pubrel:
        case PacketType::Pubcomp: return out.add(t, "Sending {} to {} (m{})", name, client.id, mid(p));
        case PacketType::Suback: return suback_lines(e, client, out);
        case PacketType::Unsuback:
        case PacketType::Pingresp: return out.add(t, "Sending {} to {}", name, client.id);
        case PacketType::Auth:
            return out.add(t, "Sending AUTH to {} (rc{}, {})", client.id, code(p), auth_method(p));
        case PacketType::Disconnect:
            client.closed = true;  // the broker writes no line of its own for it
            return;
        case PacketType::Connect:
        case PacketType::Subscribe:
        case PacketType::Unsubscribe:
        case PacketType::Pingreq:
        case PacketType::Reserved: return;  // not a broker's packet
    }
}

}  // namespace

struct MosquittoLog::Clients {
    std::unordered_map<std::uint64_t, Client> by_connection;
};

MosquittoLog::MosquittoLog() : clients_(std::make_unique<Clients>()) {}
MosquittoLog::~MosquittoLog() = default;

std::vector<std::string> MosquittoLog::lines_for(const MqttPacketEvent& e) {
    Lines out;
    auto [found, first] = clients_->by_connection.try_emplace(e.connection.id);
    Client& client = found->second;
    if (first) {
        client.id = fmt::format("<unknown client #{}>", e.connection.id);
        if (e.packet.type == PacketType::Connect) new_connection(e.connection, out);
    }
    if (client.closed) return out.take();  // the broker no longer reads this connection
    if (e.malformed) {
        // The broker stops at the damage: no line for the packet, only the client's end.
        if (e.dir == Direction::ToServer) {
            out.add(e.at.time, "Client {} disconnected due to malformed packet.", client.id);
            client.closed = true;
        }
        return out.take();
    }
    if (e.dir == Direction::ToServer) received(e, client, out);
    else sent(e, client, out);
    return out.take();
}

std::vector<std::string> MosquittoLog::lines_at_end(const ConnectionSummary& c) {
    auto found = clients_->by_connection.find(c.id);
    if (found == clients_->by_connection.end()) return {};
    const Client client = std::move(found->second);
    clients_->by_connection.erase(found);
    Lines out;
    for (const PendingSubscribe& s : client.subscribes) subscribe_lines(s, nullptr, client.id, out);
    if (!client.closed && c.stats(Direction::ToServer).fin)
        out.add(c.end, "Client {} closed its connection.", client.id);
    return out.take();
}

void MosquittoLogPrinter::write(const std::vector<std::string>& lines) {
    for (const std::string& line : lines) fmt::print(out_, "{}\n", line);
}

}  // namespace mqscan
