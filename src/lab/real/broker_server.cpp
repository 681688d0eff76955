#include "lab/real/broker_server.hpp"

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <poll.h>

#include "lab/engine/broker.hpp"
#include "lab/engine/broker_log.hpp"
#include "lab/real/socket_connection.hpp"
#include "lab/real/wall_clock.hpp"
#include "lab/tls/tls_endpoint.hpp"

namespace mqscan::lab::real {
namespace {

constexpr int kAcceptBatch = 16;  // connections taken per wake-up, so that the others get their turn
constexpr int kAcceptPauseMs = 100;  // the listeners' rest when a connection cannot be accepted
// Descriptors beside the connections': the listeners' are counted apart; the
// standard streams, OpenSSL's and the C library's files.
constexpr std::size_t kSpareDescriptors = 16;

Timestamp after_ms(Timestamp t, int ms) { return {t.ns + std::int64_t{ms} * 1'000'000}; }

struct Listener {
    UniqueFd fd;
    std::uint16_t port = 0;
    std::optional<TlsContext> tls;
    bool identity_as_username = false;
};

struct Served {
    // Handshake: TLS not done, the engine does not know it yet; Open: the
    // engine's; Closing: sending what it holds, then gone.
    enum class Phase : std::uint8_t { Handshake, Open, Closing };
    SocketConnection socket;
    PeerInfo peer;
    Phase phase;
    Timestamp deadline{};  // Handshake, Closing: when it is given up
};

}  // namespace

struct BrokerServer::Impl {
    Impl(BrokerServerOptions options, LogSink sink)
        : broker(options.broker), limits(options.limits), log(std::move(sink)) {}

    Broker broker;
    ServerLimits limits;
    LogSink log;
    BrokerLog server_log;  // the lines the engine cannot write: before it knows a connection
    WallClock clock;
    std::vector<Listener> listeners;
    std::map<ConnectionId, Served> connections;
    ConnectionId next_id = 1;
    // Out of descriptors or memory: the listeners rest until then, or until
    // fewer than `paused_with` connections are open.
    std::optional<Timestamp> accept_paused_until;
    std::size_t paused_with = 0;
    bool accept_failure_logged = false;  // once until a connection is accepted again

    void run(const StopSignals& stop);
    void accept_waiting(Listener& listener, Timestamp now);
    void pause_accepting(int error, Timestamp now);
    void serve(ConnectionId id, short revents, Timestamp now);
    void hand_over(ConnectionId id, Served& c, const std::vector<std::uint8_t>& plaintext, Timestamp now);
    void lost(ConnectionId id, Served& c, Timestamp now);
    void apply_engine(Timestamp now);
    void begin_close(Served& c, Timestamp now);
    void flush_all(Timestamp now);
    void sweep(Timestamp now);
    [[nodiscard]] std::optional<Timestamp> next_deadline() const;
    void write_log();
    // The server's log, after the engine's lines so far: the lines come out in the order they happen.
    BrokerLog& server_lines();
};

Result<std::unique_ptr<BrokerServer>, std::string> BrokerServer::open(BrokerServerOptions options, LogSink log) {
    // The engine never refuses what the server let in: both count the same connections.
    options.broker.limits.max_connections = options.limits.max_connections;
    options.broker.limits.connect_timeout_ms = options.limits.connect_timeout_ms;
    const std::size_t reserved = options.listeners.size() + kSpareDescriptors;
    const std::size_t fd_limit = raise_fd_limit();
    const std::size_t most = fd_limit > reserved ? fd_limit - reserved : 0;
    if (options.limits.max_connections > most)
        return fail(fmt::format("max_connections {} needs {} file descriptors; this process may open {} (ulimit -n): "
                                "at most {} connections",
                                options.limits.max_connections, options.limits.max_connections + reserved, fd_limit,
                                most));
    auto impl = std::make_unique<Impl>(options, std::move(log));
    for (const ListenerSettings& settings : options.listeners) {
        Listener listener;
        try {
            if (settings.tls) listener.tls.emplace(*settings.tls);
        } catch (const std::exception& e) {
            return fail(std::string("the TLS settings of port ") + std::to_string(settings.port) + ": " + e.what());
        }
        auto fd = listen_tcp(settings.address, settings.port);
        if (!fd) return fail(fd.error());
        listener.port = local_port(fd->get());
        listener.fd = std::move(*fd);
        listener.identity_as_username = settings.tls && settings.identity_as_username;
        impl->listeners.push_back(std::move(listener));
    }
    return std::unique_ptr<BrokerServer>(new BrokerServer(std::move(impl)));
}

BrokerServer::BrokerServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BrokerServer::~BrokerServer() = default;

std::vector<std::uint16_t> BrokerServer::ports() const {
    std::vector<std::uint16_t> ports;
    for (const Listener& listener : impl_->listeners) ports.push_back(listener.port);
    return ports;
}

void BrokerServer::run(const StopSignals& stop) { impl_->run(stop); }

void BrokerServer::Impl::run(const StopSignals& stop) {
    std::vector<pollfd> fds;
    std::vector<ConnectionId> polled;  // by fds index, after the listeners
    while (!stop.requested()) {
        const Timestamp now = clock.now();
        broker.advance(now);
        apply_engine(now);
        sweep(now);
        fds.clear();
        polled.clear();
        if (accept_paused_until && (*accept_paused_until <= now || connections.size() < paused_with))
            accept_paused_until.reset();
        const short accepting = accept_paused_until ? 0 : POLLIN;
        for (const Listener& listener : listeners) fds.push_back({listener.fd.get(), accepting, 0});
        for (const auto& [id, c] : connections) {
            fds.push_back({c.socket.fd(), c.socket.poll_events(c.phase != Served::Phase::Closing), 0});
            polled.push_back(id);
        }
        stop.wait(fds, poll_timeout_ms(now, next_deadline(), 60'000));
        const Timestamp woken = clock.now();
        for (std::size_t i = 0; i < listeners.size(); ++i)
            if ((fds[i].revents & POLLIN) != 0) accept_waiting(listeners[i], woken);
        for (std::size_t i = 0; i < polled.size(); ++i)
            if (const short revents = fds[listeners.size() + i].revents; revents != 0) serve(polled[i], revents, woken);
        flush_all(woken);
    }
}

void BrokerServer::Impl::accept_waiting(Listener& listener, Timestamp now) {
    for (int i = 0; i < kAcceptBatch; ++i) {
        Result<AcceptedSocket, int> accepted = accept_tcp(listener.fd.get());
        if (!accepted) {
            // The connection waits in the backlog, and poll() would report it at once, again and again.
            if (out_of_resources(accepted.error())) pause_accepting(accepted.error(), now);
            break;
        }
        accept_failure_logged = false;
        PeerInfo peer{accepted->peer.address, accepted->peer.port, listener.port, listener.identity_as_username};
        if (connections.size() >= limits.max_connections) {
            server_lines().connection_denied(now, peer.address);
            continue;  // its socket closes here
        }
        std::optional<TlsEndpoint> tls;
        if (listener.tls) tls.emplace(*listener.tls);
        ConnectionStream stream(std::move(tls), OutputBuffer(limits.output_high_water, limits.output_capacity));
        stream.start();
        const ConnectionId id = next_id++;
        const auto phase = listener.tls ? Served::Phase::Handshake : Served::Phase::Open;
        connections.emplace(id, Served{SocketConnection(std::move(accepted->fd), std::move(stream)), peer, phase,
                                       after_ms(now, limits.handshake_timeout_ms)});
        if (phase == Served::Phase::Open) broker.accept(id, now, std::move(peer));
    }
    apply_engine(now);
}

void BrokerServer::Impl::pause_accepting(int error, Timestamp now) {
    accept_paused_until = after_ms(now, kAcceptPauseMs);
    paused_with = connections.size();
    if (accept_failure_logged) return;
    accept_failure_logged = true;
    // mosquitto's words for EMFILE and ENFILE (src/net.c); the others plainly.
    if (error == EMFILE || error == ENFILE)
        server_lines().add(now, "Unable to accept new connection, system socket count has been exceeded. Try "
                                "increasing \"ulimit -n\" or equivalent.");
    else
        server_lines().add(now, "Unable to accept new connection: {}.", std::strerror(error));
}

void BrokerServer::Impl::serve(ConnectionId id, short revents, Timestamp now) {
    const auto found = connections.find(id);
    if (found == connections.end()) return;
    Served& c = found->second;
    if ((revents & POLLOUT) != 0 && !c.socket.flush()) return lost(id, c, now);
    if (c.phase == Served::Phase::Closing) {
        if ((revents & (POLLERR | POLLHUP)) != 0) connections.erase(found);
        return;
    }
    if ((revents & (POLLIN | POLLHUP | POLLERR)) == 0) return;
    const SocketConnection::Received received = c.socket.read();
    if (!received.open) return lost(id, c, now);
    hand_over(id, c, received.plaintext, now);
}

void BrokerServer::Impl::hand_over(ConnectionId id, Served& c, const std::vector<std::uint8_t>& plaintext,
                                   Timestamp now) {
    const ConnectionStream& stream = c.socket.stream();
    if (c.phase == Served::Phase::Handshake) {
        if (stream.tls_failed()) {
            // The alert OpenSSL sent is in the output: it goes before the socket closes.
            server_lines().new_connection(now, c.peer);
            server_log.tls_failure(now, stream.tls()->failure()->openssl_error);
            return begin_close(c, now);
        }
        if (!stream.handshake_complete()) return;
        c.phase = Served::Phase::Open;
        broker.accept(id, now, c.peer, stream.tls()->peer_common_name());
    }
    if (!plaintext.empty()) broker.receive(id, plaintext, now);
    if (stream.unusable()) broker.peer_closed(id, now);
    apply_engine(now);
}

// The peer closed or reset the socket, or it failed.
void BrokerServer::Impl::lost(ConnectionId id, Served& c, Timestamp now) {
    if (c.phase == Served::Phase::Open) {
        broker.peer_closed(id, now);
        apply_engine(now);
    } else if (c.phase == Served::Phase::Handshake) {
        server_lines().new_connection(now, c.peer);
        server_log.ending(now, Ending::ClosedByPeer, "");
    }
    connections.erase(id);
}

void BrokerServer::Impl::apply_engine(Timestamp now) {
    for (std::vector<Action> actions = broker.take_actions(); !actions.empty(); actions = broker.take_actions()) {
        for (const Action& action : actions) {
            const auto found = connections.find(action.connection);
            if (found == connections.end() || found->second.phase != Served::Phase::Open) continue;
            Served& c = found->second;
            if (action.kind == Action::Kind::Close) {
                begin_close(c, now);
                continue;
            }
            ConnectionStream& stream = c.socket.stream();
            stream.send(action.bytes);
            // A peer that does not read what it is sent: its connection ends, as a lost one does.
            if (stream.unusable()) broker.peer_closed(action.connection, now);
        }
    }
    write_log();
}

void BrokerServer::Impl::begin_close(Served& c, Timestamp now) {
    c.socket.stream().close();
    c.phase = Served::Phase::Closing;
    c.deadline = after_ms(now, limits.closing_grace_ms);
}

// Writes what each connection holds without waiting for the next poll();
// the ones done closing go.
void BrokerServer::Impl::flush_all(Timestamp now) {
    for (auto it = connections.begin(); it != connections.end();) {
        const auto next = std::next(it);
        Served& c = it->second;
        if (!c.socket.stream().output().empty() && !c.socket.flush()) lost(it->first, c, now);
        it = next;
    }
    sweep(now);
}

void BrokerServer::Impl::sweep(Timestamp now) {
    std::erase_if(connections, [&](const auto& entry) {
        const Served& c = entry.second;
        const bool done = c.phase == Served::Phase::Closing &&
                          (c.socket.stream().output().empty() || c.socket.stream().broken() || c.deadline <= now);
        return done;
    });
    for (auto it = connections.begin(); it != connections.end();) {
        Served& c = it->second;
        const auto next = std::next(it);
        if (c.phase == Served::Phase::Handshake && c.deadline <= now) {
            server_lines().new_connection(now, c.peer);
            server_log.ending(now, Ending::KeepaliveTimeout, "");
            connections.erase(it);
        }
        it = next;
    }
    write_log();
}

std::optional<Timestamp> BrokerServer::Impl::next_deadline() const {
    std::optional<Timestamp> next = broker.next_deadline();
    if (accept_paused_until && (!next || *accept_paused_until < *next)) next = accept_paused_until;
    for (const auto& [id, c] : connections)
        if (c.phase != Served::Phase::Open && (!next || c.deadline < *next)) next = c.deadline;
    return next;
}

// The server's pending lines all came before the engine's (server_lines()).
void BrokerServer::Impl::write_log() {
    for (const LogLine& line : server_log.take()) log(line);
    for (const LogLine& line : broker.take_log()) log(line);
}

BrokerLog& BrokerServer::Impl::server_lines() {
    write_log();
    return server_log;
}

}  // namespace mqscan::lab::real
