#pragma once
// A Client engine on a real socket, for `mqscan lab pub` and `mqscan lab sub`:
// the connection (TCP, then TLS when asked) and a poll loop that moves bytes
// and time until the caller has what it waits for. Bounded as the broker's
// connections are (OutputBuffer, the engine's limits).

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "lab/engine/client.hpp"
#include "lab/real/socket_connection.hpp"
#include "lab/real/stop_signals.hpp"
#include "lab/real/wall_clock.hpp"
#include "lab/tls/tls_context.hpp"
#include "mqscan/result.hpp"

namespace mqscan::lab::real {

struct ClientSessionOptions {
    std::string host = "localhost";
    std::uint16_t port = 1883;
    std::optional<TlsContextOptions> tls;
    ClientOptions mqtt;
    // For the TCP and TLS handshakes and the CONNACK, together: see connect_deadline().
    int connect_timeout_ms = 10'000;
};

class ClientSession {
public:
    // Connects and starts the engine (its CONNECT waits for the TLS
    // handshake). The error says why the connection could not be made; a stop
    // signal ends the wait.
    static Result<std::unique_ptr<ClientSession>, std::string> open(const ClientSessionOptions& options,
                                                                     const StopSignals& stop);

    // Commands go to the engine; run() sends what they made.
    [[nodiscard]] Client& client() { return client_; }
    [[nodiscard]] Timestamp now() const { return clock_.now(); }
    // connect_timeout_ms after open() began: the TLS handshake and the CONNACK must be done by then.
    [[nodiscard]] Timestamp connect_deadline() const { return connect_deadline_; }

    enum class Outcome : std::uint8_t {
        Done,      // `on_event` returned true
        TimedOut,  // `deadline` passed
        Stopped,   // SIGINT or SIGTERM
        Closed,    // the engine closed the connection, everything sent
        Lost,      // the connection ended under it: closed or reset by the peer, or failed
    };
    // Gives each client event to `on_event`, in order, until it returns true
    // (the events after it wait for the next run) or another outcome comes.
    Outcome run(const std::function<bool(const ClientEvent&)>& on_event, std::optional<Timestamp> deadline,
                const StopSignals& stop);

    // Why the TLS handshake failed, if it did.
    [[nodiscard]] std::optional<std::string> tls_failure() const;

private:
    ClientSession(const WallClock& clock, Timestamp connect_deadline, SocketConnection connection,
                  const ClientOptions& options);
    void apply_engine();
    void read();
    void lose();

    WallClock clock_;
    Timestamp connect_deadline_;
    SocketConnection connection_;
    Client client_;
    std::deque<ClientEvent> events_;  // taken from the engine, not yet given to the caller
    bool closing_ = false;            // the engine closed: send what is left, then stop
    bool closed_ = false;
    bool lost_ = false;  // closed_ by lose()
};

}  // namespace mqscan::lab::real
