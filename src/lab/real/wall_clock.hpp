#pragma once
// The engines' Timestamps from the host's clocks: the wall clock once, at
// start (the broker's log stamps lines in Unix seconds, as mosquitto does),
// then the monotonic clock, so that a clock set back or forward cannot fire
// or hold back a keep alive.

#include <cstdint>
#include <optional>

#include "mqscan/timestamp.hpp"

namespace mqscan::lab::real {

class WallClock {
public:
    WallClock();
    [[nodiscard]] Timestamp now() const;

private:
    std::int64_t wall_start_ns_;
    std::int64_t monotonic_start_ns_;
};

// Milliseconds for poll() from `now` until `deadline`, rounded up (a timer
// never fires early), at most `cap_ms`; -1 without a deadline, 0 when it has passed.
int poll_timeout_ms(Timestamp now, std::optional<Timestamp> deadline, int cap_ms);

}  // namespace mqscan::lab::real
