#pragma once
// The broker's log, worded line for line as mosquitto 2.0.11 logs with
// `mosquitto -v` (docs/mosquitto-view.md lists each line's source), so that
// a reference scenario's log reads like the broker the students run.

#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "lab/engine/broker_options.hpp"
#include "lab/engine/engine_output.hpp"
#include "mqscan/mqtt.hpp"

namespace mqscan::lab {

// Why a client's connection ended, as src/loop.c, do_disconnect, words it.
enum class Ending : std::uint8_t {
    Disconnected,       // it sent DISCONNECT: "Client ID disconnected."
    ClosedByPeer,       // its socket closed first: "Client ID closed its connection."
    KeepaliveTimeout,   // "Client ID has exceeded timeout, disconnecting."
    Malformed,          // "Client ID disconnected due to malformed packet."
    ProtocolError,      // "Client ID disconnected due to protocol error."
    NotAuthorised,      // refused: "Client ID disconnected, not authorised."
    Oversize,           // "Client ID disconnected due to oversize packet."
    NotSupported,       // "Client ID disconnected due to QoS too high or retain not supported."
    ServerUnavailable,  // no room for its session: "Client ID disconnected due to out of memory."
    TakenOver,          // a new connection took its client id: no line of its own
};

class BrokerLog {
public:
    template <typename... Args>
    void add(Timestamp time, fmt::format_string<Args...> format, Args&&... args) {
        std::string message;
        fmt::format_to(std::back_inserter(message), format, std::forward<Args>(args)...);
        lines_.push_back({time, std::move(message)});
    }

    // "New connection from ADDRESS:PORT on port LOCAL." (src/net.c), as a socket is accepted.
    void new_connection(Timestamp time, const PeerInfo& peer);
    // One connection too many (src/net.c).
    void connection_denied(Timestamp time, std::string_view address);
    // A TLS handshake that failed: OpenSSL's error (src/net_mosq.c, net__print_ssl_error),
    // then the end of a connection that never had a client id (src/loop.c, the EPROTO errno's words).
    void tls_failure(Timestamp time, std::string_view openssl_error);

    // "New client connected ..." and the will lines after it (src/handle_connect.c).
    void client_connected(Timestamp time, const PeerInfo& peer, std::string_view client,
                          const mqtt::Packet& connect, const std::optional<std::string>& username);
    // `client` empty: a client without an id yet, "<unknown>".
    void ending(Timestamp time, Ending ending, std::string_view client);
    // The "Received ..." line of a client's packet (SUBSCRIBE's and UNSUBSCRIBE's first line).
    void received(Timestamp time, const mqtt::Packet& packet, std::string_view client);
    // The "Sending ..." line of a packet the broker sends; `client` is the id,
    // or the address for a refused client; DISCONNECT has none.
    void sent(Timestamp time, const mqtt::Packet& packet, std::string_view client);

    std::vector<LogLine> take() { return std::exchange(lines_, {}); }

private:
    std::vector<LogLine> lines_;
};

}  // namespace mqscan::lab
