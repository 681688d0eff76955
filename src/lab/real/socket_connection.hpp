#pragma once
// A connected socket and its ConnectionStream: what the poll loops of the
// real broker and clients read from and write to.

#include <cstdint>
#include <vector>

#include "lab/real/connection_stream.hpp"
#include "lab/real/sockets.hpp"

namespace mqscan::lab::real {

class SocketConnection {
public:
    // The most read at once: one TLS record, and a bound on the output one read can make.
    static constexpr std::size_t kReadChunk = 16 * 1024;

    SocketConnection(UniqueFd fd, ConnectionStream stream) : fd_(std::move(fd)), stream_(std::move(stream)) {}

    struct Received {
        bool open = true;  // false: the peer closed, or the socket failed
        std::vector<std::uint8_t> plaintext;
    };
    // One read, when poll says the socket is readable.
    [[nodiscard]] Received read();
    // Writes what the stream's output holds, as far as the socket takes it;
    // false when the socket failed.
    [[nodiscard]] bool flush();

    // The poll() events to wait for: input unless `reading` is off or the
    // output is backed up (the backpressure), output while some waits.
    [[nodiscard]] short poll_events(bool reading) const;

    [[nodiscard]] int fd() const { return fd_.get(); }
    [[nodiscard]] ConnectionStream& stream() { return stream_; }
    [[nodiscard]] const ConnectionStream& stream() const { return stream_; }

private:
    UniqueFd fd_;
    ConnectionStream stream_;
};

}  // namespace mqscan::lab::real
