#pragma once
// The few socket calls the real broker and clients make: TCP over IPv4 or
// IPv6, every socket non-blocking, errors as text for the user.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "mqscan/result.hpp"

namespace mqscan::lab::real {

// Owns a file descriptor; closes it once.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd();

    [[nodiscard]] int get() const { return fd_; }
    [[nodiscard]] bool valid() const { return fd_ >= 0; }
    int release();

private:
    int fd_ = -1;
};

struct SocketPeer {
    std::string address;  // numeric: "127.0.0.1", "::1"
    std::uint16_t port = 0;
};

// A listening socket on `address` ("127.0.0.1", "::1", "0.0.0.0") and `port`
// (0: one the kernel picks, see local_port).
Result<UniqueFd, std::string> listen_tcp(const std::string& address, std::uint16_t port);
// The port a socket is bound to.
std::uint16_t local_port(int fd);

struct AcceptedSocket {
    UniqueFd fd;
    SocketPeer peer;
};
// The next waiting connection, non-blocking; nullopt when none waits (or it failed on the way).
std::optional<AcceptedSocket> accept_tcp(int listener);

// A connection to `host` (a name or a numeric address), its handshake bounded by `timeout_ms`.
Result<UniqueFd, std::string> connect_tcp(const std::string& host, std::uint16_t port, int timeout_ms);

// One read or write on a non-blocking socket.
struct Transfer {
    enum class Status : std::uint8_t { Done, WouldBlock, Closed, Failed };
    Status status = Status::Done;
    std::size_t bytes = 0;
};
Transfer read_some(int fd, std::span<std::uint8_t> into);
Transfer write_some(int fd, std::span<const std::uint8_t> from);

}  // namespace mqscan::lab::real
