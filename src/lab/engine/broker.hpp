#pragma once
// The embedded MQTT broker (3.1, 3.1.1, 5.0), sans I/O: bytes and time in,
// bytes, closes, log lines and timer deadlines out. It behaves as mosquitto
// 2.0.11 (Debian 12's) does, checked against that broker, so that a simulated
// lab scenario gives the packets and the log the students get from the real
// one. Deterministic: the same calls give the same output; the only randomness
// (assigned client ids) comes from the seed.
//
// Every byte goes through the shared framer and codec; a malformed packet or a
// protocol error ends its connection, never the broker. Every container is
// bounded by BrokerLimits.
//
// Where it differs from mosquitto 2.0.11, knowingly:
// - shared subscriptions ("$share/...") are refused in the SUBACK (0x80, 5.0 0x9E);
// - a message expiry interval travels unchanged: no countdown, no expiry of queued messages;
// - the keep alive cut is exact (keepalive.hpp); mosquitto's loop notices it up to a second later;
// - a QoS 2 PUBLISH that reuses a held packet id with new content is taken as a duplicate;
// - a will with a delay is published at once when its client id is taken over;
// - no max_keepalive (Server Keep Alive), no ACLs, no persistence, no bridges;
// - the password table is clear text, where mosquitto's file holds hashes;
// - max_retained, max_retained_bytes, max_subscriptions and max_sessions are limits mosquitto
//   does not have; max_queued_bytes has a default (mosquitto's has none).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lab/engine/broker_options.hpp"
#include "lab/engine/engine_output.hpp"
#include "mqscan/byte_reader.hpp"
#include "mqscan/timestamp.hpp"

namespace mqscan::lab {

class Broker {
public:
    explicit Broker(BrokerOptions options);
    ~Broker();
    Broker(Broker&&) noexcept;
    Broker& operator=(Broker&&) noexcept;

    // A new connection from `peer`; `certificate_identity` is the CN of the
    // client's TLS certificate, when there is one. False, with a Close action,
    // when max_connections are open already; false alone for an id in use.
    bool accept(ConnectionId id, Timestamp now, PeerInfo peer,
                std::optional<std::string> certificate_identity = std::nullopt);
    // Bytes from the connection, in order, cut anywhere.
    void receive(ConnectionId id, Bytes bytes, Timestamp now);
    // The peer closed or reset the connection, or the socket failed: an end
    // without DISCONNECT, so its will is published. A Close action follows.
    void peer_closed(ConnectionId id, Timestamp now);
    // Runs the timers due at `now`: keep alive, delayed wills, session expiry.
    void advance(Timestamp now);
    // When advance() next has something to do.
    [[nodiscard]] std::optional<Timestamp> next_deadline() const;

    // What the driver does next, in order, and what the broker logged; both
    // gather until taken, so a driver takes them after each call.
    std::vector<Action> take_actions();
    std::vector<LogLine> take_log();

    [[nodiscard]] std::size_t connection_count() const;
    [[nodiscard]] std::size_t session_count() const;
    [[nodiscard]] std::size_t retained_count() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mqscan::lab
