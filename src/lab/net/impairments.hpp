#pragma once
// Faults of the simulated network, each drawn from the seeded generator.
// They strike segments that carry payload only: the handshake, pure ACKs,
// lone FINs and RSTs always get through, so that every capture opens and
// closes readably.

#include "lab/net/prng.hpp"
#include "lab/net/virtual_time.hpp"

namespace mqscan::lab::net {

struct Impairments {
    // Lost between the sender and the capture point: neither captured nor
    // delivered; the capture shows the sender's retransmission.
    double loss = 0;
    // Held back until the next segment in the same direction has passed (at
    // most kMaxReorderDelay), then captured and delivered after it.
    double reorder = 0;
    // Delivered, and captured, twice.
    double duplicate = 0;
};

// Long enough for the rest of a burst to pass, far below the retransmission
// timeout, so that a held segment is never taken for a lost one.
inline constexpr Duration kMaxReorderDelay = std::chrono::milliseconds(1);

// Throws std::invalid_argument for a probability outside [0, 1], or a loss of 1
// (nothing would ever get through).
void validate(const Impairments& impairments);

struct Fate {
    bool lost = false;
    bool duplicated = false;
    bool held = false;
};

// What becomes of one segment with payload; `may_hold` is false while another is held.
Fate draw_fate(const Impairments& impairments, Prng& prng, bool may_hold);

}  // namespace mqscan::lab::net
