#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mqscan/latency.hpp"

namespace mqscan {

// Collects durations in bounded memory: count, min and max exactly, and the
// median exactly up to `sample_size` values, then over a uniform sample
// (reservoir sampling with a fixed seed, so reports are reproducible).
class LatencyStats {
public:
    explicit LatencyStats(std::size_t sample_size = 4096) : sample_size_(sample_size) {}

    void add(std::int64_t ns);
    [[nodiscard]] LatencySummary summary() const;
    [[nodiscard]] std::uint64_t count() const { return count_; }

private:
    // The first kept values sit inline, the others on the heap: most stats
    // (one per connection) hold a few values and allocate nothing.
    static constexpr std::size_t kInline = 4;

    [[nodiscard]] std::size_t kept() const;
    std::int64_t& kept_value(std::size_t i) { return i < kInline ? inline_[i] : spilled_[i - kInline]; }

    std::size_t sample_size_;
    std::uint64_t count_ = 0;
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
    std::array<std::int64_t, kInline> inline_{};
    std::vector<std::int64_t> spilled_;
    std::uint64_t random_state_ = 0x9E3779B97F4A7C15ULL;
};

}  // namespace mqscan
