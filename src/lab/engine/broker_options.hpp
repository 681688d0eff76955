#pragma once
// How the embedded broker is set up: mosquitto.conf's settings that the labs
// use, and the limits that keep it bounded when its peers are not trusted.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "lab/engine/password_file.hpp"

namespace mqscan::lab {

struct BrokerLimits {
    // Open connections; one more is closed as soon as it is accepted (mosquitto's max_connections).
    std::size_t max_connections = 1024;
    // The largest remaining length read; a larger packet ends its connection
    // (with DISCONNECT 0x95 for 5.0). mosquitto's default: the protocol's own limit.
    std::uint32_t max_packet_size = 268'435'455;
    // Per session: QoS 1 and 2 messages queued for a client that is offline
    // or whose window is full; more are dropped (mosquitto's max_queued_messages).
    std::size_t max_queued_messages = 1000;
    // Per session: the bytes of those messages (topic, payload, properties;
    // mosquitto's max_queued_bytes counts payloads and has no default); while
    // they reach it, more are dropped too.
    std::size_t max_queued_bytes = 8 * 1024 * 1024;
    // Per session: QoS 1 and 2 messages in flight to a 3.x client, and received
    // QoS 2 messages held until their PUBREL; announced to 5.0 clients as the
    // Receive Maximum (mosquitto's max_inflight_messages).
    std::uint16_t max_inflight_messages = 20;
    // Retained topics; a new one past it is not retained (mosquitto has no such limit).
    std::size_t max_retained = 10'000;
    // Retained messages' bytes (topic, payload, properties), all together;
    // while they reach it, a new one is not retained (mosquitto has no such limit).
    std::size_t max_retained_bytes = 64 * 1024 * 1024;
    // Per session: subscriptions held; one more is refused in its SUBACK
    // (mosquitto has no such limit).
    std::size_t max_subscriptions = 1000;
    // Sessions kept, online or not; a new client past it is refused with
    // "server unavailable" (mosquitto has no such limit).
    std::size_t max_sessions = 10'000;
    // Topic aliases a 5.0 client may set (mosquitto's max_topic_alias).
    std::uint16_t max_topic_aliases = 10;
    // From accept(), for a connection's CONNECT to arrive; then it ends as a
    // keep alive cut does. None: mosquitto's bound, 1.5 × its default keep
    // alive of 60 s (the real broker sets one: idle sockets must not hold every slot).
    std::optional<std::uint32_t> connect_timeout_ms;
};

struct BrokerOptions {
    // Clients without a user name (and, without a password table, all
    // clients) are let in. mosquitto 2.0's default is false.
    bool allow_anonymous = false;
    // When set, a client with a user name must give its password.
    std::optional<PasswordTable> passwords;
    // The CN of the client's TLS certificate, as the I/O layer gives it, is
    // the user name; no certificate: refused (mosquitto's use_identity_as_username).
    bool use_identity_as_username = false;
    bool allow_zero_length_clientid = true;
    std::string auto_id_prefix = "auto-";
    // Subscriptions are granted at most this QoS; a PUBLISH above it ends the connection.
    std::uint8_t max_qos = 2;
    // The identifiers given to clients with an empty one come from this seed.
    std::uint64_t seed = 0;
    BrokerLimits limits;
};

// Where a connection comes from, as mosquitto's log names it, and what the
// listener it reached says of its clients.
struct PeerInfo {
    std::string address;            // "192.168.1.20", "::1"
    std::uint16_t port = 0;         // the client's port
    std::uint16_t local_port = 1883;  // the broker's listening port
    // This listener takes the client certificate's CN as the user name, as
    // use_identity_as_username does for all of them: in mosquitto the setting
    // belongs to a TLS listener, so one broker can serve it beside a listener in clear.
    bool identity_as_username = false;
};

}  // namespace mqscan::lab
