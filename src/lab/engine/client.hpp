#pragma once
// The embedded MQTT client (3.1, 3.1.1, 5.0) on one connection, sans I/O:
// commands, bytes and time in, bytes, a close, events and a timer deadline
// out. It behaves like libmosquitto's clients (mosquitto_pub/sub) and paho:
// the same packets, the same keep alive rule. ClientFaults make it misbehave
// on purpose. Deterministic; every byte it reads goes through the shared
// framer and codec, and a broker that breaks the protocol gets the connection closed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lab/engine/client_events.hpp"
#include "lab/engine/client_options.hpp"
#include "lab/engine/engine_output.hpp"
#include "lab/engine/keepalive.hpp"
#include "lab/engine/packet_reader.hpp"
#include "lab/engine/qos_session.hpp"
#include "lab/engine/topic_aliases.hpp"
#include "mqscan/byte_reader.hpp"
#include "mqscan/timestamp.hpp"

namespace mqscan::lab {

class Client {
public:
    enum class State : std::uint8_t { Idle, Connecting, Connected, Closed };

    explicit Client(ClientOptions options);

    // Sends the CONNECT.
    void start(Timestamp now);

    // Commands, once started and until closed (otherwise they do nothing). A
    // 5.0 session may send before its CONNACK, as the specification allows.
    // The packet identifier of a QoS 1 or 2 message; nullopt for QoS 0, or a
    // message dropped because max_queued are waiting already.
    std::optional<std::uint16_t> publish(Timestamp now, std::string topic, std::string payload, std::uint8_t qos = 0,
                                         bool retain = false, std::vector<mqtt::Property> properties = {});
    // Each filter's options byte is made from its fields (qos, and for 5.0 no
    // local, retain as published, retain handling). nullopt: no identifier left.
    std::optional<std::uint16_t> subscribe(Timestamp now, std::vector<mqtt::Subscription> filters,
                                           std::vector<mqtt::Property> properties = {});
    std::optional<std::uint16_t> unsubscribe(Timestamp now, std::vector<std::string> filters);
    void ping(Timestamp now);
    // DISCONNECT (5.0: with `reason` and `properties`), then the close.
    void disconnect(Timestamp now, std::uint8_t reason = 0, std::vector<mqtt::Property> properties = {});

    void receive(Bytes bytes, Timestamp now);
    // The connection closed under the client. A Close action follows.
    void peer_closed();
    void advance(Timestamp now);
    [[nodiscard]] std::optional<Timestamp> next_deadline() const;

    // Both gather until taken: a driver takes them after each call.
    std::vector<Action> take_actions();
    std::vector<ClientEvent> take_events();

    [[nodiscard]] State state() const { return state_; }
    // As given, or as the broker assigned it (5.0).
    [[nodiscard]] const std::string& client_id() const { return client_id_; }

private:
    [[nodiscard]] bool open() const { return state_ == State::Connecting || state_ == State::Connected; }
    [[nodiscard]] bool v5() const { return options_.version == mqtt::Version::V5; }
    void send(const mqtt::Packet& packet, Timestamp now);
    void send_publish(mqtt::Packet publish, Timestamp now);
    void send_queued(Timestamp now);
    void close(DisconnectCause cause, std::optional<std::uint8_t> reason = std::nullopt);
    void fail(Violation violation, Timestamp now);

    void handle(const Frame& frame, Timestamp now);
    void on_connack(const mqtt::Packet& p, Timestamp now);
    void on_publish(mqtt::Packet& p, Timestamp now);
    void on_pubrel(const mqtt::Packet& p, Timestamp now);
    void on_acknowledgement(const mqtt::Packet& p, Timestamp now);

    ClientOptions options_;
    State state_ = State::Idle;
    std::string client_id_;
    PacketReader reader_;
    QosSession qos_;
    InboundAliases inbound_aliases_{0};  // we announce no Topic Alias Maximum
    OutboundAliases outbound_aliases_;
    PingTimer ping_;
    std::vector<Action> actions_;
    std::vector<ClientEvent> events_;
};

}  // namespace mqscan::lab
