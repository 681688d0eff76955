#pragma once
// The few socket calls the real broker and clients make: TCP over IPv4 or
// IPv6, every socket non-blocking, errors as text for the user.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "lab/real/stop_signals.hpp"
#include "lab/real/wall_clock.hpp"
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
// The next waiting connection, non-blocking; otherwise accept4()'s errno
// (EAGAIN: none waits; EMFILE, ENFILE, ENOBUFS, ENOMEM: out of resources,
// the connection still waits).
Result<AcceptedSocket, int> accept_tcp(int listener);
// accept_tcp()'s errors that leave the connection waiting until a descriptor or memory is free.
[[nodiscard]] bool out_of_resources(int accept_error);

// Raises the soft limit of open file descriptors to the hard one; returns the limit in force.
std::size_t raise_fd_limit();

// A connection to `host` (a name or a numeric address), its handshake bounded
// by `deadline` on `clock`; a stop signal ends the wait.
Result<UniqueFd, std::string> connect_tcp(const std::string& host, std::uint16_t port, const WallClock& clock,
                                          Timestamp deadline, const StopSignals& stop);

// One read or write on a non-blocking socket.
struct Transfer {
    enum class Status : std::uint8_t { Done, WouldBlock, Closed, Failed };
    Status status = Status::Done;
    std::size_t bytes = 0;
};
Transfer read_some(int fd, std::span<std::uint8_t> into);
Transfer write_some(int fd, std::span<const std::uint8_t> from);

}  // namespace mqscan::lab::real
