#pragma once
// A lab scenario's world: brokers listening on the simulated network, clients
// connecting to them, each connection in clear or over TLS, all on the
// network's virtual clock. A scenario script acts on it like a student at a
// terminal (connect, subscribe, publish, wait) and the network records the
// capture.
//
// The world moves bytes between the engines (Broker, Client), the TLS
// endpoints and the network, and runs the engines' timers at their time:
//
//   Client --MQTT--> [client TlsEndpoint] --TCP--> [server TlsEndpoint] --MQTT--> Broker
//
// A client starts (sends its CONNECT) when its TCP connection is established;
// over TLS the CONNECT waits in the endpoint until the handshake ends. A broker
// accepts a connection when TCP does, or over TLS when the handshake ends
// (with the client certificate's CN). A side whose TLS fails, or whose engine
// closes, closes its TCP side (after close_notify when the handshake ended).
//
// Deterministic: the same options and the same calls give the same capture.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lab/engine/broker.hpp"
#include "lab/engine/client.hpp"
#include "lab/net/network.hpp"
#include "lab/tls/key_log.hpp"
#include "lab/tls/tls_context.hpp"
#include "lab/tls/tls_endpoint.hpp"

namespace mqscan::lab {

// A broker listening on one address and port, in clear or with TLS (mosquitto's listener).
struct ListenerSpec {
    std::string address;
    std::uint16_t port = 1883;
    BrokerOptions broker;
    std::optional<TlsContextOptions> tls;
};

// A client on one host, connecting to a listener, in clear or with TLS.
// Its TLS need not match the listener's: that is how the mistakes are made.
struct ClientSpec {
    std::string address;
    std::string server_address;
    std::uint16_t server_port = 1883;
    ClientOptions mqtt;
    std::optional<TlsContextOptions> tls;
};

// Where the clients and brokers stand; each connection made is a Link.
using LinkId = std::size_t;

class LabWorld {
public:
    LabWorld(const net::NetworkOptions& network, std::shared_ptr<const CryptoLibrary> crypto);
    ~LabWorld();
    LabWorld(const LabWorld&) = delete;
    LabWorld& operator=(const LabWorld&) = delete;

    // The broker draws the client ids it assigns from the network's seed.
    void listen(ListenerSpec spec);
    // Opens the TCP connection now; the client starts once it is established.
    // std::invalid_argument when no listener is at the client's server address and port.
    LinkId connect(const ClientSpec& spec);

    // A client's commands, at now(); what they send leaves at once.
    void subscribe(LinkId link, std::vector<mqtt::Subscription> filters,
                   std::vector<mqtt::Property> properties = {});
    void publish(LinkId link, std::string topic, std::string payload, std::uint8_t qos = 0,
                 bool retain = false, std::vector<mqtt::Property> properties = {});
    void disconnect(LinkId link);

    // Runs the network and every engine's timers for `duration` of virtual time.
    void wait(net::Duration duration);
    [[nodiscard]] Timestamp now() const { return network_.now(); }

    // The events a client had so far, in order.
    [[nodiscard]] const std::vector<ClientEvent>& client_events(LinkId link) const;
    // The brokers' log lines so far, as `mosquitto -v` prints them.
    [[nodiscard]] const std::vector<LogLine>& broker_log() const { return log_; }
    // Every client TLS session's secrets (the server's are the same ones).
    [[nodiscard]] KeyLog key_log() const;
    [[nodiscard]] const net::Network& network() const { return network_; }

private:
    struct Listener;
    struct Link;

    Link& link_of(net::ConnectionId connection);
    void on_event(const net::NetworkEvent& event);
    void on_client_event(Link& link, const net::NetworkEvent& event);
    void on_server_event(Link& link, const net::NetworkEvent& event);
    void accept(Link& link);
    void deliver_to_broker(Link& link, Bytes bytes);
    void broker_hears_close(Link& link);
    // Hands what each engine asked for to the TLS endpoints and the network.
    void flush_client(Link& link);
    void flush_broker(Listener& listener);
    void send(Link& link, net::Side side, const std::string& bytes);
    void send_ciphertext(Link& link, net::Side side);
    void close_side(Link& link, net::Side side);
    [[nodiscard]] std::optional<Timestamp> next_deadline() const;
    void advance_engines(Timestamp now);

    net::Network network_;
    std::uint64_t seed_;
    std::shared_ptr<const CryptoLibrary> crypto_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::vector<std::unique_ptr<Link>> links_;  // by LinkId
    std::vector<LogLine> log_;
};

}  // namespace mqscan::lab
