#include "lab/engine/broker_log.hpp"

#include "lab/engine/engine_time.hpp"
#include "mqtt/codec.hpp"

namespace mqscan::lab {
namespace {

constexpr std::size_t kLineMax = 999;

int flag(bool b) { return b ? 1 : 0; }
int mid(const mqtt::Packet& p) { return p.packet_id.value_or(0); }
int code(const mqtt::Packet& p) { return p.reason_code.value_or(0); }

// "dD, qQ, rR, mM, 'TOPIC', ... (N bytes)": lib/send_publish.c and src/handle_publish.c.
std::string publish_fields(const mqtt::Packet& p) {
    return fmt::format("d{}, q{}, r{}, m{}, '{}', ... ({} bytes)", flag(p.dup), p.qos, flag(p.retain), mid(p),
                       p.effective_topic(), p.payload.size());
}

std::string_view ending_words(Ending ending) {
    switch (ending) {
        case Ending::Disconnected: return "disconnected.";
        case Ending::ClosedByPeer: return "closed its connection.";
        case Ending::KeepaliveTimeout: return "has exceeded timeout, disconnecting.";
        case Ending::Malformed: return "disconnected due to malformed packet.";
        case Ending::ProtocolError: return "disconnected due to protocol error.";
        case Ending::NotAuthorised: return "disconnected, not authorised.";
        case Ending::Oversize: return "disconnected due to oversize packet.";
        case Ending::NotSupported: return "disconnected due to QoS too high or retain not supported.";
        case Ending::ServerUnavailable: return "disconnected due to out of memory.";
        case Ending::TakenOver: return "";
    }
    return "";
}

// The "pN" of "New client connected": mosquitto's protocol number.
int protocol_number(mqtt::Version version) {
    switch (version) {
        case mqtt::Version::V31: return 1;
        case mqtt::Version::V311: return 2;
        case mqtt::Version::V5: return 5;
        case mqtt::Version::Unknown: return 0;
    }
    return 0;
}

}  // namespace

std::string LogLine::text() const {
    std::string line = fmt::format("{}: {}", whole_seconds(time), message);
    // mosquitto formats a line into a 1000-byte buffer.
    if (line.size() > kLineMax) line.resize(kLineMax);
    return line;
}

void BrokerLog::new_connection(Timestamp time, const PeerInfo& peer) {
    add(time, "New connection from {}:{} on port {}.", peer.address, peer.port, peer.local_port);
}

void BrokerLog::connection_denied(Timestamp time, std::string_view address) {
    add(time, "Client connection from {} denied: max_connections exceeded.", address);
}

void BrokerLog::tls_failure(Timestamp time, std::string_view openssl_error) {
    if (!openssl_error.empty()) add(time, "OpenSSL Error[0]: {}", openssl_error);
    add(time, "Client <unknown> disconnected: Protocol error.");
}

void BrokerLog::client_connected(Timestamp time, const PeerInfo& peer, std::string_view client,
                                 const mqtt::Packet& connect, const std::optional<std::string>& username) {
    const std::string user = username ? fmt::format(", u'{}'", *username) : std::string();
    add(time, "New client connected from {}:{} as {} (p{}, c{}, k{}{}).", peer.address, peer.port, client,
        protocol_number(mqtt::version_of_level(connect.protocol_level)), flag(connect.clean_session()),
        connect.keepalive, user);
    if (!connect.will) return add(time, "No will message specified.");
    add(time, "Will message specified ({} bytes) (r{}, q{}).", connect.will->payload.size(), flag(connect.will->retain),
        connect.will->qos);
    add(time, "\t{}", connect.will->topic);
}

void BrokerLog::ending(Timestamp time, Ending ending, std::string_view client) {
    if (ending == Ending::TakenOver) return;
    add(time, "Client {} {}", client.empty() ? "<unknown>" : client, ending_words(ending));
}

void BrokerLog::received(Timestamp time, const mqtt::Packet& p, std::string_view client) {
    using mqtt::PacketType;
    const std::string_view name = mqtt::to_string(p.type);
    switch (p.type) {
        case PacketType::Publish:
            return add(time, "Received PUBLISH from {} ({})", client, publish_fields(p));
        case PacketType::Puback:
        case PacketType::Pubcomp:
            return add(time, "Received {} from {} (Mid: {}, RC:{})", name, client, mid(p), code(p));
        case PacketType::Pubrec:
        case PacketType::Pubrel: return add(time, "Received {} from {} (Mid: {})", name, client, mid(p));
        default: return add(time, "Received {} from {}", name, client);
    }
}

void BrokerLog::sent(Timestamp time, const mqtt::Packet& p, std::string_view client) {
    using mqtt::PacketType;
    const std::string_view name = mqtt::to_string(p.type);
    switch (p.type) {
        case PacketType::Connack:
            return add(time, "Sending CONNACK to {} ({}, {})", client, flag(p.session_present), code(p));
        case PacketType::Publish: return add(time, "Sending PUBLISH to {} ({})", client, publish_fields(p));
        case PacketType::Puback:
        case PacketType::Pubrec: return add(time, "Sending {} to {} (m{}, rc{})", name, client, mid(p), code(p));
        case PacketType::Pubrel:
        case PacketType::Pubcomp: return add(time, "Sending {} to {} (m{})", name, client, mid(p));
        case PacketType::Disconnect: return;  // mosquitto writes no line for it
        default: return add(time, "Sending {} to {}", name, client);
    }
}

}  // namespace mqscan::lab
