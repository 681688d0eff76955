#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "mqscan/endpoint.hpp"
#include "mqscan/timestamp.hpp"

namespace mqscan {

enum class Direction : std::uint8_t { ToServer = 0, ToClient = 1 };

[[nodiscard]] constexpr Direction opposite(Direction d) {
    return d == Direction::ToServer ? Direction::ToClient : Direction::ToServer;
}
[[nodiscard]] std::string_view to_string(Direction d);

// How the client and server roles were decided.
enum class RoleSource : std::uint8_t { Syn, SynAck, Port };

enum class EndReason : std::uint8_t {
    Fin,          // FIN from both sides
    Rst,          // a RST from either side
    HalfClosed,   // FIN from one side only, at the end of the capture
    Open,         // still open at the end of the capture
    IdleTimeout,  // silent longer than the idle limit
    Evicted,      // closed early because the connection table was full
    PortReused,   // a new SYN on the same ports replaced it
};

[[nodiscard]] std::string_view to_string(RoleSource s);
[[nodiscard]] std::string_view to_string(EndReason r);

struct Gap {
    Direction dir;
    std::uint64_t bytes = 0;
    Timestamp time;
    std::uint64_t frame = 0;  // the frame at which the gap was declared
};

struct DirectionStats {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;  // reassembled payload, each byte once, gaps not counted
    std::uint64_t gap_bytes = 0;
    std::uint64_t gap_count = 0;
    bool fin = false;
    bool rst = false;
    // The first FIN and the first RST this side sent (frame 0: none).
    std::uint64_t fin_frame = 0;
    Timestamp fin_time;
    std::uint64_t rst_frame = 0;
    Timestamp rst_time;
};

// What a report says about one TCP connection.
struct ConnectionSummary {
    std::uint64_t id = 0;  // 0-based in order of first packet, like Wireshark's tcp.stream
    Endpoint client;
    Endpoint server;
    bool syn_seen = false;
    RoleSource role_source = RoleSource::Port;
    Timestamp start;
    Timestamp end;
    std::uint64_t first_frame = 0;
    std::uint64_t last_frame = 0;
    EndReason end_reason = EndReason::Open;
    std::array<DirectionStats, 2> dirs{};
    std::vector<Gap> gaps;  // the first Limits::max_gaps_listed, in order

    [[nodiscard]] DirectionStats& stats(Direction d) { return dirs[static_cast<int>(d)]; }
    [[nodiscard]] const DirectionStats& stats(Direction d) const {
        return dirs[static_cast<int>(d)];
    }
    [[nodiscard]] IpVersion ip_version() const { return client.address.version; }
};

}  // namespace mqscan
