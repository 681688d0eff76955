#include "lab/real/socket_connection.hpp"

#include <array>
#include <poll.h>

namespace mqscan::lab::real {

SocketConnection::Received SocketConnection::read() {
    std::array<std::uint8_t, kReadChunk> buffer;
    const Transfer t = read_some(fd_.get(), buffer);
    if (t.status == Transfer::Status::WouldBlock) return {};
    if (t.status != Transfer::Status::Done) return {false, {}};
    return {true, stream_.receive(Bytes(buffer).first(t.bytes))};
}

bool SocketConnection::flush() {
    OutputBuffer& output = stream_.output();
    while (!output.empty()) {
        const Transfer t = write_some(fd_.get(), output.pending());
        if (t.status == Transfer::Status::WouldBlock) return true;
        if (t.status != Transfer::Status::Done) return false;
        output.consume(t.bytes);
    }
    return true;
}

short SocketConnection::poll_events(bool reading) const {
    short events = 0;
    if (reading && !stream_.output().backed_up()) events |= POLLIN;
    if (!stream_.output().empty()) events |= POLLOUT;
    return events;
}

}  // namespace mqscan::lab::real
