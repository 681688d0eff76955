#pragma once
// `mqscan lab broker`: the sans-I/O Broker engine serving real clients on
// real sockets, driven by one poll() loop. One engine behind every listener,
// as one mosquitto behind its listeners: a message published over TLS reaches
// a subscriber in clear.
//
// A connection in clear is given to the engine when it is accepted; over TLS,
// when its handshake ends, with the CN of the client's certificate. A failed
// handshake is logged as mosquitto logs it and ends that connection only.
//
// Bounded: at most max_connections sockets (TLS handshakes included), within
// the process's file descriptor limit; a connection has a few seconds for its
// TLS handshake and its CONNECT; each connection's unsent bytes stop its
// reading past a high-water mark and close it past a capacity; a closing
// connection is given a few seconds to send what it still holds; the engine
// bounds the rest (BrokerLimits). Out of descriptors or memory, the listeners
// rest until a connection closes or 100 ms pass (no busy loop on a
// connection that cannot be accepted).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lab/engine/broker_options.hpp"
#include "lab/engine/engine_output.hpp"
#include "lab/real/output_buffer.hpp"
#include "lab/real/stop_signals.hpp"
#include "lab/tls/tls_context.hpp"
#include "mqscan/result.hpp"

namespace mqscan::lab::real {

// One listener, as mosquitto.conf's `listener PORT ADDRESS` and its TLS settings.
struct ListenerSettings {
    std::string address = "127.0.0.1";
    std::uint16_t port = 1883;  // 0: one the kernel picks
    // cafile, certfile, keyfile, require_certificate, tls_version; none: in clear.
    std::optional<TlsContextOptions> tls;
    // use_identity_as_username: a TLS listener's setting in mosquitto.
    bool identity_as_username = false;
};

struct ServerLimits {
    std::size_t max_connections = 256;            // sockets open at once; one more is closed at once
    std::size_t output_high_water = kOutputHighWater;  // a connection's unsent bytes past which it is not read
    std::size_t output_capacity = kOutputCapacity;     // past which it is closed
    int closing_grace_ms = 5000;                  // for a closing connection to send what it holds
    int handshake_timeout_ms = 10'000;            // for a TLS handshake to end
    // For a connection's CONNECT to arrive, from its accept (in clear) or the
    // end of its handshake (TLS); logged as mosquitto logs a keep alive cut.
    std::uint32_t connect_timeout_ms = 10'000;
};

struct BrokerServerOptions {
    BrokerOptions broker;
    std::vector<ListenerSettings> listeners;
    ServerLimits limits;
};

class BrokerServer {
public:
    // Every line of the broker's log, as it is written.
    using LogSink = std::function<void(const LogLine&)>;

    // Raises the file descriptor limit to its hard limit and opens every
    // listener; the error names the listener that failed (a port in use,
    // certificates that do not go together), or says that max_connections
    // would need more descriptors than the process may open.
    static Result<std::unique_ptr<BrokerServer>, std::string> open(BrokerServerOptions options, LogSink log);
    ~BrokerServer();
    BrokerServer(const BrokerServer&) = delete;
    BrokerServer& operator=(const BrokerServer&) = delete;

    // The port each listener is bound to, in the order given.
    [[nodiscard]] std::vector<std::uint16_t> ports() const;
    // Serves until a stop signal; then closes every connection.
    void run(const StopSignals& stop);

    struct Impl;

private:
    explicit BrokerServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace mqscan::lab::real
