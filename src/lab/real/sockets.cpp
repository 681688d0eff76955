#include "lab/real/sockets.hpp"

#include <arpa/inet.h>
#include <array>
#include <utility>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

namespace mqscan::lab::real {
namespace {

std::string error_text() { return std::strerror(errno); }

// MQTT packets are small and answered at once: Nagle's delay would only slow the exchanges.
void send_at_once(int fd) {
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

SocketPeer peer_of(const sockaddr_storage& address) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    SocketPeer peer;
    if (address.ss_family == AF_INET6) {
        sockaddr_in6 v6{};
        std::memcpy(&v6, &address, sizeof v6);
        inet_ntop(AF_INET6, &v6.sin6_addr, text.data(), text.size());
        peer.port = ntohs(v6.sin6_port);
    } else {
        sockaddr_in v4{};
        std::memcpy(&v4, &address, sizeof v4);
        inet_ntop(AF_INET, &v4.sin_addr, text.data(), text.size());
        peer.port = ntohs(v4.sin_port);
    }
    peer.address = text.data();
    return peer;
}

struct AddressList {
    addrinfo* first = nullptr;
    ~AddressList() {
        if (first != nullptr) freeaddrinfo(first);
    }
};

Result<UniqueFd, std::string> resolve_error(const std::string& host, int code) {
    return fail(fmt::format("cannot resolve {}: {}", host, gai_strerror(code)));
}

// Waits for a non-blocking connect to end; its outcome is the socket's error
// (ETIMEDOUT past the deadline, EINTR on a stop signal).
bool connected_by(int fd, const WallClock& clock, Timestamp deadline, const StopSignals& stop) {
    pollfd waiting{fd, POLLOUT, 0};
    for (;;) {
        if (stop.requested()) {
            errno = EINTR;
            return false;
        }
        const Timestamp now = clock.now();
        if (deadline <= now) {
            errno = ETIMEDOUT;
            return false;
        }
        stop.wait({&waiting, 1}, poll_timeout_ms(now, deadline, 60'000));
        if (waiting.revents != 0) break;
    }
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return false;
    errno = error;
    return error == 0;
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::release() { return std::exchange(fd_, -1); }

Result<UniqueFd, std::string> listen_tcp(const std::string& address, std::uint16_t port) {
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    AddressList found;
    if (const int code = getaddrinfo(address.c_str(), std::to_string(port).c_str(), &hints, &found.first); code != 0)
        return fail(fmt::format("cannot listen on {}: {}", address, gai_strerror(code)));
    UniqueFd fd(socket(found.first->ai_family, found.first->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    const int on = 1;
    if (!fd.valid() || setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        bind(fd.get(), found.first->ai_addr, found.first->ai_addrlen) != 0 || listen(fd.get(), SOMAXCONN) != 0)
        return fail(fmt::format("cannot listen on {} port {}: {}", address, port, error_text()));
    return fd;
}

std::uint16_t local_port(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
    return peer_of(address).port;
}

Result<AcceptedSocket, int> accept_tcp(int listener) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    int fd = -1;
    do fd = accept4(listener, reinterpret_cast<sockaddr*>(&address), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) return fail(errno);
    send_at_once(fd);
    return AcceptedSocket{UniqueFd(fd), peer_of(address)};
}

bool out_of_resources(int accept_error) {
    return accept_error == EMFILE || accept_error == ENFILE || accept_error == ENOBUFS || accept_error == ENOMEM;
}

std::size_t raise_fd_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? SIZE_MAX : static_cast<std::size_t>(limit.rlim_cur);
}

Result<UniqueFd, std::string> connect_tcp(const std::string& host, std::uint16_t port, const WallClock& clock,
                                          Timestamp deadline, const StopSignals& stop) {
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    AddressList found;
    if (const int code = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found.first); code != 0)
        return resolve_error(host, code);
    std::string error = "no address";
    for (const addrinfo* a = found.first; a != nullptr; a = a->ai_next) {
        UniqueFd fd(socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd.valid()) {
            error = error_text();
            continue;
        }
        const bool at_once = connect(fd.get(), a->ai_addr, a->ai_addrlen) == 0;
        if (at_once || (errno == EINPROGRESS && connected_by(fd.get(), clock, deadline, stop))) {
            send_at_once(fd.get());
            return fd;
        }
        error = errno == EINTR ? "stopped" : error_text();
        if (errno == EINTR || errno == ETIMEDOUT) break;
    }
    return fail(fmt::format("cannot connect to {} port {}: {}", host, port, error));
}

Transfer read_some(int fd, std::span<std::uint8_t> into) {
    ssize_t n = 0;
    do n = ::read(fd, into.data(), into.size());
    while (n < 0 && errno == EINTR);
    if (n > 0) return {Transfer::Status::Done, static_cast<std::size_t>(n)};
    if (n == 0) return {Transfer::Status::Closed, 0};
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {Transfer::Status::WouldBlock, 0};
    return {Transfer::Status::Failed, 0};
}

Transfer write_some(int fd, std::span<const std::uint8_t> from) {
    ssize_t n = 0;
    // MSG_NOSIGNAL: a peer gone is an error to handle, not a SIGPIPE.
    do n = ::send(fd, from.data(), from.size(), MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n >= 0) return {Transfer::Status::Done, static_cast<std::size_t>(n)};
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {Transfer::Status::WouldBlock, 0};
    return {Transfer::Status::Failed, 0};
}

}  // namespace mqscan::lab::real
