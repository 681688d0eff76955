#include "lab/real/client_session.hpp"

#include <poll.h>

#include "lab/tls/tls_endpoint.hpp"

namespace mqscan::lab::real {
namespace {

// Bounds for one client: it sends little, and stops reading while its output waits.
constexpr std::size_t kOutputHighWater = 256 * 1024;
constexpr std::size_t kOutputCapacity = 8 * 1024 * 1024;

}  // namespace

Result<std::unique_ptr<ClientSession>, std::string> ClientSession::open(const ClientSessionOptions& options) {
    std::optional<TlsEndpoint> tls;
    try {
        if (options.tls) tls.emplace(TlsContext(*options.tls));
    } catch (const std::exception& e) {
        return fail(std::string("the TLS settings: ") + e.what());
    }
    auto fd = connect_tcp(options.host, options.port, options.connect_timeout_ms);
    if (!fd) return fail(fd.error());
    ConnectionStream stream(std::move(tls), OutputBuffer(kOutputHighWater, kOutputCapacity));
    stream.start();
    std::unique_ptr<ClientSession> session(
        new ClientSession(SocketConnection(std::move(*fd), std::move(stream)), options.mqtt));
    session->client_.start(session->now());
    return session;
}

ClientSession::ClientSession(SocketConnection connection, const ClientOptions& options)
    : connection_(std::move(connection)), client_(options) {}

std::optional<std::string> ClientSession::tls_failure() const {
    const TlsEndpoint* tls = connection_.stream().tls();
    if (tls == nullptr || !tls->failure()) return std::nullopt;
    return tls->failure()->reason;
}

ClientSession::Outcome ClientSession::run(const std::function<bool(const ClientEvent&)>& on_event,
                                          std::optional<Timestamp> deadline, const StopSignals& stop) {
    for (;;) {
        client_.advance(now());
        apply_engine();
        while (!events_.empty()) {
            const ClientEvent event = std::move(events_.front());
            events_.pop_front();
            if (on_event(event)) return Outcome::Done;
        }
        if (!connection_.flush()) {
            client_.peer_closed();
            closed_ = true;
            apply_engine();
        }
        if (closing_ && connection_.stream().output().empty()) closed_ = true;
        if (closed_) return Outcome::Closed;
        if (stop.requested()) return Outcome::Stopped;
        const Timestamp time = now();
        if (deadline && *deadline <= time) return Outcome::TimedOut;
        std::optional<Timestamp> wake = client_.next_deadline();
        if (deadline && (!wake || *deadline < *wake)) wake = deadline;
        pollfd fd{connection_.fd(), connection_.poll_events(!closing_), 0};
        stop.wait({&fd, 1}, poll_timeout_ms(time, wake, 60'000));
        if ((fd.revents & POLLOUT) != 0 && !connection_.flush()) fd.revents |= POLLERR;
        if ((fd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) read();
    }
}

void ClientSession::read() {
    if (closed_) return;
    SocketConnection::Received received = connection_.read();
    if (!received.open) {
        closed_ = true;
        client_.peer_closed();
        return;
    }
    if (!received.plaintext.empty()) client_.receive(received.plaintext, now());
    // A handshake that failed, or a stream past its bounds, ends the session as a lost connection does.
    if (connection_.stream().tls_failed() || connection_.stream().broken()) {
        closed_ = true;
        client_.peer_closed();
    }
}

void ClientSession::apply_engine() {
    for (const Action& action : client_.take_actions()) {
        if (action.kind == Action::Kind::Close) {
            connection_.stream().close();
            closing_ = true;
            continue;
        }
        connection_.stream().send(
            Bytes(reinterpret_cast<const std::uint8_t*>(action.bytes.data()), action.bytes.size()));
    }
    for (ClientEvent& event : client_.take_events()) events_.push_back(std::move(event));
}

}  // namespace mqscan::lab::real
