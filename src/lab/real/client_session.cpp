#include "lab/real/client_session.hpp"

#include <poll.h>

#include "lab/tls/tls_endpoint.hpp"

namespace mqscan::lab::real {

Result<std::unique_ptr<ClientSession>, std::string> ClientSession::open(const ClientSessionOptions& options,
                                                                        const StopSignals& stop) {
    const WallClock clock;
    const Timestamp deadline{clock.now().ns + std::int64_t{options.connect_timeout_ms} * 1'000'000};
    std::optional<TlsEndpoint> tls;
    try {
        if (options.tls) tls.emplace(TlsContext(*options.tls));
    } catch (const std::exception& e) {
        return fail(std::string("the TLS settings: ") + e.what());
    }
    auto fd = connect_tcp(options.host, options.port, clock, deadline, stop);
    if (!fd) return fail(fd.error());
    ConnectionStream stream(std::move(tls), OutputBuffer(kOutputHighWater, kOutputCapacity));
    stream.start();
    std::unique_ptr<ClientSession> session(
        new ClientSession(clock, deadline, SocketConnection(std::move(*fd), std::move(stream)), options.mqtt));
    session->client_.start(session->now());
    return session;
}

ClientSession::ClientSession(const WallClock& clock, Timestamp connect_deadline, SocketConnection connection,
                             const ClientOptions& options)
    : clock_(clock), connect_deadline_(connect_deadline), connection_(std::move(connection)), client_(options) {}

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
        // What the engine sent may have broken the stream (past its capacity).
        if (!closed_ && (connection_.stream().unusable() || !connection_.flush())) {
            lose();
            apply_engine();
        }
        if (closing_ && connection_.stream().output().empty()) closed_ = true;
        if (closed_) return lost_ ? Outcome::Lost : Outcome::Closed;
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
    if (!received.open) return lose();
    if (!received.plaintext.empty()) client_.receive(received.plaintext, now());
    if (connection_.stream().unusable()) lose();
}

void ClientSession::lose() {
    closed_ = true;
    // Once the engine's last bytes (a DISCONNECT) went out, a peer that closes is no loss.
    lost_ = !(closing_ && connection_.stream().output().empty());
    client_.peer_closed();
}

void ClientSession::apply_engine() {
    for (const Action& action : client_.take_actions()) {
        if (action.kind == Action::Kind::Close) {
            connection_.stream().close();
            closing_ = true;
            continue;
        }
        connection_.stream().send(action.bytes);
    }
    for (ClientEvent& event : client_.take_events()) events_.push_back(std::move(event));
}

}  // namespace mqscan::lab::real
