#pragma once
// What the application on each side of a simulated connection learns.

#include <cstdint>
#include <string_view>
#include <vector>

#include "mqscan/timestamp.hpp"

namespace mqscan::lab::net {

enum class ConnectionId : std::uint32_t {};

enum class Side : std::uint8_t { Client = 0, Server = 1 };

[[nodiscard]] constexpr Side peer(Side side) {
    return side == Side::Client ? Side::Server : Side::Client;
}
[[nodiscard]] constexpr std::size_t index(Side side) { return static_cast<std::size_t>(side); }

enum class NetworkEventKind : std::uint8_t {
    Established,  // client: the SYN-ACK came, connect() would return
    Accepted,     // server: the handshake's last ACK came, accept() would return
    Data,         // bytes arrived in order (`data`), as read() would return them
    PeerClosed,   // the peer's FIN came in order: read() would return 0
    Reset,        // a RST came: the connection is gone for this side
};

[[nodiscard]] std::string_view to_string(NetworkEventKind kind);

struct NetworkEvent {
    Timestamp time;
    ConnectionId connection{};
    Side side = Side::Client;  // who learns it
    NetworkEventKind kind = NetworkEventKind::Data;
    std::vector<std::uint8_t> data;  // Data only
};

}  // namespace mqscan::lab::net
