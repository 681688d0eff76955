#pragma once
// Durations on the simulated network's virtual clock (nanoseconds, like Timestamp).

#include <chrono>

#include "mqscan/timestamp.hpp"

namespace mqscan::lab::net {

using Duration = std::chrono::nanoseconds;

[[nodiscard]] constexpr Timestamp after(Timestamp time, Duration delay) {
    return Timestamp{time.ns + delay.count()};
}

}  // namespace mqscan::lab::net
