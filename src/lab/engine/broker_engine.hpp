#pragma once
// The broker's state and its handlers, private to src/lab/engine/broker*.cpp:
// broker.cpp (connections, dispatch, timers), broker_connect.cpp (CONNECT,
// sessions, DISCONNECT), broker_publish.cpp (PUBLISH, its acknowledgements,
// routing, wills), broker_subscribe.cpp (SUBSCRIBE, UNSUBSCRIBE, retained).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lab/engine/broker.hpp"
#include "lab/engine/broker_log.hpp"
#include "lab/engine/client_id_generator.hpp"
#include "lab/engine/message.hpp"
#include "lab/engine/packet_reader.hpp"
#include "lab/engine/retained_store.hpp"
#include "lab/engine/session_store.hpp"
#include "lab/engine/subscription_store.hpp"
#include "lab/engine/topic_aliases.hpp"
#include "lab/engine/will_timer.hpp"

namespace mqscan::lab {

struct BrokerConnection {
    BrokerConnection(ConnectionId connection, PeerInfo from, std::optional<std::string> identity,
                     const BrokerLimits& limits, Timestamp now)
        : id(connection), peer(std::move(from)), certificate_identity(std::move(identity)),
          reader(limits.max_packet_size), aliases(limits.max_topic_aliases), accepted(now), last_packet(now) {}

    ConnectionId id;
    PeerInfo peer;
    std::optional<std::string> certificate_identity;
    PacketReader reader;
    InboundAliases aliases;
    bool connected = false;  // its CONNECT was accepted
    mqtt::Version version = mqtt::Version::Unknown;
    std::string client_id;
    // Before a CONNECT says otherwise, mosquitto's default (src/context.c).
    std::uint16_t keepalive = 60;
    Timestamp accepted;
    Timestamp last_packet;
    std::optional<Message> will;
    std::uint32_t will_delay = 0;
    // The CONNECT's session expiry: a DISCONNECT may not raise it from 0 [MQTT-3.14.2-2].
    std::uint32_t connect_session_expiry = 0;
};

struct Broker::Impl {
    explicit Impl(BrokerOptions broker_options);

    // broker.cpp
    void receive(BrokerConnection& c, Bytes bytes, Timestamp now);
    void handle(BrokerConnection& c, const Frame& frame, Timestamp now);
    void transmit(BrokerConnection& c, const mqtt::Packet& packet, Timestamp now);
    // Ends the connection: tells a connected 5.0 client `reason` first, logs
    // why, publishes its will if it still has one, lets its session go.
    void end(BrokerConnection& c, Ending ending, Timestamp now, std::optional<std::uint8_t> reason = std::nullopt);
    void fail(BrokerConnection& c, Violation violation, Timestamp now);
    void advance(Timestamp now);
    [[nodiscard]] std::optional<Timestamp> next_deadline() const;
    // When the connection has been silent too long: its keep alive, or before
    // its CONNECT, limits.connect_timeout_ms.
    [[nodiscard]] std::optional<Timestamp> silence_deadline(const BrokerConnection& c) const;

    // broker_connect.cpp
    void on_connect(BrokerConnection& c, const IncomingPacket& in, Timestamp now);
    // The session for an accepted CONNECT, and whether it is one resumed;
    // nullptr when there is no room for a new one.
    BrokerSession* open_session(BrokerConnection& c, const mqtt::Packet& connect, std::uint32_t expiry,
                                Timestamp now, bool& resumed);
    void on_disconnect(BrokerConnection& c, const mqtt::Packet& p, Timestamp now);
    void detach_session(BrokerConnection& c, Timestamp now);
    void expire_session(const std::string& client_id);

    // broker_publish.cpp
    void on_publish(BrokerConnection& c, mqtt::Packet& p, Timestamp now);
    void on_pubrel(BrokerConnection& c, const mqtt::Packet& p, Timestamp now);
    void on_acknowledgement(BrokerConnection& c, const mqtt::Packet& p, Timestamp now);
    // Sends a message to every matching subscription; whether there was one.
    bool route(const Message& message, const std::string& publisher, Timestamp now);
    void deliver(BrokerSession& session, Message message, Timestamp now);

    // broker_subscribe.cpp
    void on_subscribe(BrokerConnection& c, const mqtt::Packet& p, Timestamp now);
    void on_unsubscribe(BrokerConnection& c, const mqtt::Packet& p, Timestamp now);

    BrokerSession& session_of(const BrokerConnection& c) { return *sessions.find(c.client_id); }
    [[nodiscard]] QosLimits qos_limits() const;

    BrokerOptions options;
    std::map<ConnectionId, BrokerConnection> connections;
    SessionStore sessions;
    SubscriptionStore subscriptions;
    RetainedStore retained;
    WillTimer wills;
    ClientIdGenerator client_ids;
    std::vector<Action> actions;
    BrokerLog log;
};

}  // namespace mqscan::lab
