#pragma once
// One direction of one connection: from a host, past the capture point, to its
// peer. It delays each frame by the link's rate and latency and applies the
// impairments; it keeps frames in order except those it holds back to reorder.

#include <cstdint>
#include <optional>
#include <vector>

#include "lab/net/impairments.hpp"
#include "lab/net/tcp_segment.hpp"

namespace mqscan::lab::net {

struct PathSettings {
    Duration latency{0};             // one way
    std::uint64_t link_rate_bps = 0;  // 0: a frame takes no time to send
    Impairments impairments;
};

// A segment and its frame, as it travels.
struct Packet {
    Segment segment;
    std::vector<std::uint8_t> frame;
};

// A packet reaching the capture point and, at the same time, the peer.
struct Delivery {
    Timestamp arrival;
    Packet packet;
};

class Path {
public:
    explicit Path(const PathSettings& settings) : settings_(settings) {}

    // What becomes of a packet sent at `now`: what arrives, in order (nothing
    // when it is lost or held; a held packet after the one that passes it).
    std::vector<Delivery> send(Timestamp now, Packet packet, Prng& prng);
    // When the held packet must go on, if one is held.
    [[nodiscard]] std::optional<Timestamp> hold_deadline() const;
    // Sends the held packet on at `now`, its deadline: no other came to pass it.
    std::vector<Delivery> release(Timestamp now);

private:
    struct Held {
        Packet packet;
        bool duplicated = false;
        Timestamp deadline;
    };

    void transmit(Timestamp now, Packet packet, bool duplicated, std::vector<Delivery>& out);

    PathSettings settings_;
    Timestamp link_free_;  // when the last frame has been sent
    std::optional<Held> held_;
};

}  // namespace mqscan::lab::net
