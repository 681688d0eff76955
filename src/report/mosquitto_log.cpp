#include "report/mosquitto_log.hpp"
#include "report/terminal_text.hpp"
#include "mqtt/properties.hpp"

#include <deque>
#include <iterator>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

// Every message below is a mosquitto 2.0.11 format string; docs/mosquitto-view.md
// says which source file writes it.
//
// The order of the lines follows how mosquitto works: it handles a client's
// packets one at a time, queueing its answer before it reads the next one, and
// it writes each socket's packets in the order it queued them. So on one
// connection the broker's lines run in the order of the packets it sent, each
// client packet's lines just before its answer; a client packet that arrives
// while an earlier one still awaits its answer (pipelining) waits its turn.

namespace mqscan {
namespace {

using mqtt::Packet;
using mqtt::PacketType;

// mosquitto formats a line into a 1000-byte buffer, so it keeps at most 999 bytes.
constexpr std::size_t kLogLineMax = 999;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::uint8_t kFirstFailureCode = 0x80;
// More packets waiting than a client pipelines: the first one's answer is not in the
// capture (lost, or a capture of one direction only), so it stops holding the others.
constexpr std::size_t kMaxWaiting = 64;

// Lines stamped the way mosquitto stamps them: "%d: " and the time in whole seconds.
class Lines {
public:
    template <typename... Args>
    void add(Timestamp t, fmt::format_string<Args...> message, Args&&... args) {
        std::string line = fmt::format("{}: ", t.ns / kNanosPerSecond);
        fmt::format_to(std::back_inserter(line), message, std::forward<Args>(args)...);
        if (line.size() > kLogLineMax) line.resize(kLogLineMax);
        lines_.push_back(terminal_line(line));
    }
    std::vector<std::string> take() { return std::move(lines_); }

private:
    std::vector<std::string> lines_;
};

// A packet the client sent, with its lines written or waiting for their turn.
struct Request {
    Packet packet;
    Timestamp time;
    bool malformed = false;
    bool written = false;
};

enum class Ending : std::uint8_t {
    Open,
    ClientLeft,    // DISCONNECT or a malformed packet: the broker reads no more from it
    BrokerClosed,  // refused or disconnected by the broker: nothing more either way
};

// What the broker knows of one connection, as far as the capture shows it.
struct Client {
    std::string id;  // as the broker names the client
    mqtt::Version version = mqtt::Version::Unknown;
    std::deque<Request> requests;  // the first one may await its answer; the others, their turn
    Ending ending = Ending::Open;
};

int flag(bool b) { return b ? 1 : 0; }
std::uint16_t mid(const Packet& p) { return p.packet_id.value_or(0); }
int code(const Packet& p) { return p.reason_code.value_or(0); }

std::string auth_method(const Packet& p) {
    const mqtt::Property* method = mqtt::property::find(p.properties, mqtt::property::kAuthenticationMethod);
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

// The packet type with which the broker answers a client's packet, if it does.
std::optional<PacketType> answer_type(const Request& r) {
    if (r.malformed) return std::nullopt;
    switch (r.packet.type) {
        case PacketType::Connect: return PacketType::Connack;
        case PacketType::Publish:
            if (r.packet.qos == 0) return std::nullopt;
            return r.packet.qos == 1 ? PacketType::Puback : PacketType::Pubrec;
        case PacketType::Pubrec: return PacketType::Pubrel;
        case PacketType::Pubrel: return PacketType::Pubcomp;
        case PacketType::Subscribe: return PacketType::Suback;
        case PacketType::Unsubscribe: return PacketType::Unsuback;
        case PacketType::Pingreq: return PacketType::Pingresp;
        default: return std::nullopt;
    }
}

bool answers(const Packet& sent, const Request& r) {
    return answer_type(r) == sent.type && sent.packet_id == r.packet.packet_id;
}

// CONNECT and SUBSCRIBE lines tell how the broker answered, so they wait for the answer.
bool written_with_answer(const Request& r) {
    const PacketType type = r.packet.type;
    return !r.malformed && (type == PacketType::Connect || type == PacketType::Subscribe);
}

// Logged when the broker accepts the socket, so only for a connection opened in the capture.
void new_connection(const ConnectionSummary& c, Lines& out) {
    if (c.syn_seen)
        out.add(c.start, "New connection from {} on port {}.", peer(c), c.server.port);
}

// Written while the broker handles the CONNECT, once it has accepted it.
void connect_lines(const Request& r, const Packet* connack, Client& client,
                   const ConnectionSummary& c, Lines& out) {
    if (connack == nullptr || code(*connack) != 0) return;
    if (const mqtt::Property* assigned = mqtt::property::find(connack->properties, mqtt::property::kAssignedClientIdentifier))
        client.id = assigned->text;
    const Packet& connect = r.packet;
    const std::string fields = fmt::format("as {} (p{}, c{}, k{}", client.id, protocol_number(client.version),
                                           flag(connect.clean_session()), connect.keepalive);
    if (connect.username)
        out.add(r.time, "New client connected from {} {}, u'{}').", peer(c), fields, *connect.username);
    else
        out.add(r.time, "New client connected from {} {}).", peer(c), fields);
    if (!connect.will) return out.add(r.time, "No will message specified.");
    out.add(r.time, "Will message specified ({} bytes) (r{}, q{}).", connect.will->payload.size(),
            flag(connect.will->retain), connect.will->qos);
    out.add(r.time, "\t{}", connect.will->topic);
}

// Each filter, then "ID QOS FILTER" for one the SUBACK granted. Without the
// SUBACK, whether it was granted is unknown, and so is that line.
void subscribe_lines(const Request& r, const Packet* suback, const std::string& id, Lines& out) {
    out.add(r.time, "Received SUBSCRIBE from {}", id);
    const std::vector<mqtt::Subscription>& filters = r.packet.subscriptions;
    const std::vector<std::uint8_t> codes = suback != nullptr ? suback->reason_codes : std::vector<std::uint8_t>{};
    for (std::size_t i = 0; i < filters.size(); ++i) {
        std::optional<std::uint8_t> granted;
        if (i < codes.size() && codes[i] < kFirstFailureCode) granted = codes[i];
        out.add(r.time, "\t{} (QoS {})", filters[i].filter, granted.value_or(filters[i].qos));
        if (granted) out.add(r.time, "{} {} {}", id, *granted, filters[i].filter);
    }
}

void unsubscribe_lines(const Request& r, const std::string& id, Lines& out) {
    out.add(r.time, "Received UNSUBSCRIBE from {}", id);
    for (const std::string& filter : r.packet.unsubscribe_filters) {
        out.add(r.time, "\t{}", filter);
        out.add(r.time, "{} {}", id, filter);
    }
}

// The broker's lines for a packet it read; `answer` is its answer when it matters.
void request_lines(const Request& r, const Packet* answer, Client& client, const ConnectionSummary& c,
                   Lines& out) {
    const Packet& p = r.packet;
    const Timestamp t = r.time;
    const std::string_view name = mqtt::to_string(p.type);
    // The broker stops at the damage: no line for the packet, only the client's end.
    if (r.malformed) return out.add(t, "Client {} disconnected due to malformed packet.", client.id);
    switch (p.type) {
        case PacketType::Connect: return connect_lines(r, answer, client, c, out);
        case PacketType::Publish:
            return out.add(t, "Received PUBLISH from {} ({})", client.id, publish_fields(p));
        case PacketType::Puback:
        case PacketType::Pubcomp:
            return out.add(t, "Received {} from {} (Mid: {}, RC:{})", name, client.id, mid(p), code(p));
        case PacketType::Pubrec:
        case PacketType::Pubrel: return out.add(t, "Received {} from {} (Mid: {})", name, client.id, mid(p));
        case PacketType::Subscribe: return subscribe_lines(r, answer, client.id, out);
        case PacketType::Unsubscribe: return unsubscribe_lines(r, client.id, out);
        case PacketType::Pingreq: return out.add(t, "Received PINGREQ from {}", client.id);
        case PacketType::Disconnect:
            out.add(t, "Received DISCONNECT from {}", client.id);
            return out.add(t, "Client {} disconnected.", client.id);
        case PacketType::Auth:
            return out.add(t, "Received AUTH from {} (rc{}, {})", client.id, code(p), auth_method(p));
        case PacketType::Connack:
        case PacketType::Suback:
        case PacketType::Unsuback:
        case PacketType::Pingresp:
        case PacketType::Reserved: return;  // not a client's packet
    }
}

// How the broker words the end of a client it refused (loop.c, do_disconnect),
// from the error its CONNECT handling returned, which the refusal code reveals.
std::optional<std::string_view> refusal_ending(int connack_code) {
    switch (connack_code) {
        case 1: case 2:                   // 3.x: protocol version, identifier rejected
        case 0x80: case 0x84: case 0x85:  // 5.0: unspecified, protocol version, identifier
            return "disconnected due to protocol error";
        case 4: case 5:                   // 3.x: bad user name or password, not authorised
        case 0x86: case 0x87:             // 5.0: the same
            return "disconnected, not authorised";
        case 0x8C: case 0x9A: case 0x9B:  // 5.0: bad auth method, retain or QoS not supported
            return "disconnected due to QoS too high or retain not supported";
        default: return std::nullopt;
    }
}

// A refused client has no id yet: the broker names it by its address, then "<unknown>".
void refused_lines(const MqttPacketEvent& e, Client& client, Lines& out) {
    const Packet& p = e.packet;
    out.add(e.at.time, "Sending CONNACK to {} ({}, {})", e.connection.client.address.to_string(),
            flag(p.session_present), code(p));
    if (auto ending = refusal_ending(code(p))) out.add(e.at.time, "Client <unknown> {}.", *ending);
    client.ending = Ending::BrokerClosed;
    client.requests.clear();  // pipelined after the CONNECT: never read
}

// The broker's lines for a packet it sent.
void sent_lines(const MqttPacketEvent& e, Client& client, Lines& out) {
    const Packet& p = e.packet;
    const Timestamp t = e.at.time;
    const std::string_view name = mqtt::to_string(p.type);
    switch (p.type) {
        case PacketType::Connack:
            if (code(p) != 0) return refused_lines(e, client, out);
            return out.add(t, "Sending CONNACK to {} ({}, {})", client.id, flag(p.session_present), code(p));
        case PacketType::Publish:
            return out.add(t, "Sending PUBLISH to {} ({})", client.id, publish_fields(p));
        case PacketType::Puback:
        case PacketType::Pubrec:
            return out.add(t, "Sending {} to {} (m{}, rc{})", name, client.id, mid(p), code(p));
        case PacketType::Pubrel:
        case PacketType::Pubcomp: return out.add(t, "Sending {} to {} (m{})", name, client.id, mid(p));
        case PacketType::Suback:
        case PacketType::Unsuback:
        case PacketType::Pingresp: return out.add(t, "Sending {} to {}", name, client.id);
        case PacketType::Auth:
            return out.add(t, "Sending AUTH to {} (rc{}, {})", client.id, code(p), auth_method(p));
        case PacketType::Disconnect:
            client.ending = Ending::BrokerClosed;  // the broker writes no line of its own for it
            client.requests.clear();
            return;
        case PacketType::Connect:
        case PacketType::Subscribe:
        case PacketType::Unsubscribe:
        case PacketType::Pingreq:
        case PacketType::Reserved: return;  // not a broker's packet
    }
}

// Gives up waiting for the first request's answer.
void write_unanswered(Client& client, const ConnectionSummary& c, Lines& out) {
    const Request& head = client.requests.front();
    if (!head.written) request_lines(head, nullptr, client, c, out);
    client.requests.pop_front();
}

// Writes the requests whose turn has come, up to one that awaits its answer.
void write_ready_requests(Client& client, const ConnectionSummary& c, Lines& out) {
    while (!client.requests.empty()) {
        Request& head = client.requests.front();
        if (written_with_answer(head)) return;
        if (!head.written) request_lines(head, nullptr, client, c, out);
        head.written = true;
        if (answer_type(head)) return;
        client.requests.pop_front();
    }
}

void read(const MqttPacketEvent& e, Client& client, Lines& out) {
    if (client.ending != Ending::Open) return;  // the broker reads no more from it
    if (e.packet.type == PacketType::Connect && !e.malformed) {
        client.version = e.version;
        // An empty id gets a random one from the broker; only a 5.0 CONNACK tells which.
        client.id = e.packet.client_id.empty() ? fmt::format("<auto-assigned id #{}>", e.connection.id)
                                               : e.packet.client_id;
    }
    if (e.malformed || e.packet.type == PacketType::Disconnect) client.ending = Ending::ClientLeft;
    client.requests.push_back({e.packet, e.at.time, e.malformed});
    if (client.requests.size() > kMaxWaiting) write_unanswered(client, e.connection, out);
    write_ready_requests(client, e.connection, out);
}

void send(const MqttPacketEvent& e, Client& client, Lines& out) {
    if (client.ending == Ending::BrokerClosed) return;
    const bool answer = !client.requests.empty() && answers(e.packet, client.requests.front());
    if (answer) {
        const Request request = std::move(client.requests.front());
        client.requests.pop_front();
        if (!request.written) request_lines(request, &e.packet, client, e.connection, out);
    }
    sent_lines(e, client, out);
    if (answer) write_ready_requests(client, e.connection, out);
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
    if (e.dir == Direction::ToServer) read(e, client, out);
    else send(e, client, out);
    return out.take();
}

std::vector<std::string> MosquittoLog::lines_at_end(const ConnectionSummary& c) {
    auto found = clients_->by_connection.find(c.id);
    if (found == clients_->by_connection.end()) return {};
    Client client = std::move(found->second);
    clients_->by_connection.erase(found);
    Lines out;
    // Requests whose answer was not captured: what the broker read of them.
    while (!client.requests.empty()) write_unanswered(client, c, out);
    // do_disconnect (loop.c): the client closed its socket without a DISCONNECT.
    if (client.ending == Ending::Open && c.stats(Direction::ToServer).fin)
        out.add(c.end, "Client {} closed its connection.", client.id);
    return out.take();
}

void MosquittoLogPrinter::write(const std::vector<std::string>& lines) {
    // fwrite, not fmt::print (which throws): a failed write is seen once, at the end.
    for (const std::string& line : lines) {
        std::fwrite(line.data(), 1, line.size(), out_);
        std::fputc('\n', out_);
    }
}

}  // namespace mqscan
