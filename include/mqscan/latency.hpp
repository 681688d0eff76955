#pragma once

#include <cstdint>

namespace mqscan {

// Minimum, median and maximum of a set of durations (nanoseconds). The median
// is exact up to LatencyStats' sample size, then taken over a fixed-seed
// uniform sample of all values (median_exact false).
struct LatencySummary {
    std::uint64_t count = 0;
    std::int64_t min_ns = 0;
    std::int64_t median_ns = 0;
    std::int64_t max_ns = 0;
    bool median_exact = true;
};

}  // namespace mqscan
