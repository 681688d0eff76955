#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqscan/connection.hpp"
#include "mqscan/mqtt.hpp"
#include "mqscan/timestamp.hpp"

namespace mqscan {

// What carried a session: MQTT seen in clear, TLS (MQTT presumed inside), or
// a connection on an MQTT or TLS port whose bytes decided neither.
enum class Transport : std::uint8_t { Cleartext, Tls, Undecided };

// How an MQTT session ended, from the packets and the TCP flags.
enum class SessionEnd : std::uint8_t {
    ClientDisconnect,  // DISCONNECT from the client
    BrokerDisconnect,  // a 5.0 DISCONNECT from the broker
    KeepaliveExpired,  // the broker closed after 1.5 x keepalive of client silence
    ClientClosed,      // FIN from the client first, without DISCONNECT
    BrokerClosed,      // FIN from the broker first, without DISCONNECT
    ClientReset,       // RST from the client
    BrokerReset,       // RST from the broker
    Open,              // still open when the capture ended
    Unknown,           // dropped from the connection table (idle, full) or port reused
};

[[nodiscard]] std::string_view to_string(Transport t);
[[nodiscard]] std::string_view to_string(SessionEnd e);

struct WillSummary {
    std::string topic;
    std::uint8_t qos = 0;
    bool retain = false;
    std::uint32_t payload_length = 0;
};

struct SessionEnding {
    SessionEnd how = SessionEnd::Open;
    std::optional<std::uint8_t> reason_code;  // DISCONNECT's (5.0)
    std::uint64_t frame = 0;                  // the DISCONNECT, FIN or RST (0: none)
    Timestamp time;
};

// One MQTT session: a connection carrying MQTT in clear, or TLS (contents
// unseen), or undecided on an MQTT/TLS port.
struct SessionReport {
    std::uint64_t connection = 0;
    Endpoint client;
    Endpoint broker;
    Transport transport = Transport::Cleartext;
    mqtt::Version version = mqtt::Version::Unknown;
    bool connect_seen = false;  // the fields down to `will` come from the CONNECT
    std::uint64_t connect_frame = 0;
    Timestamp connect_time;
    std::string client_id;       // the CONNECT's, or the 5.0 CONNACK's assigned one
    bool client_id_assigned = false;
    std::uint16_t keepalive = 0;                     // seconds, declared in CONNECT
    std::optional<std::uint16_t> server_keepalive;   // 5.0 CONNACK Server Keep Alive
    bool clean_start = false;                        // clean session (3.x) / clean start (5.0)
    std::optional<std::uint32_t> session_expiry;     // 5.0 Session Expiry Interval
    std::optional<std::string> username;
    std::optional<std::string> password;             // printed only with --show-secrets
    std::optional<WillSummary> will;
    bool connack_seen = false;
    std::uint64_t connack_frame = 0;
    std::optional<std::uint8_t> connack_code;       // return code (3.x) / reason code (5.0)
    bool session_present = false;
    SessionEnding ending;
    std::uint64_t packets_to_broker = 0;
    std::uint64_t packets_to_client = 0;
    std::uint64_t publishes_to_broker = 0;
    std::uint64_t publishes_to_client = 0;
    std::uint64_t payload_bytes = 0;  // of the PUBLISH packets, both directions
    std::vector<std::string> topics;  // distinct PUBLISH topics, in order; the first kTopicsListed

    static constexpr std::size_t kTopicsListed = 8;
};

}  // namespace mqscan
