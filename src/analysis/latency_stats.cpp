#include "analysis/latency_stats.hpp"

#include <algorithm>

namespace mqscan {

void LatencyStats::add(std::int64_t ns) {
    min_ = count_ == 0 ? ns : std::min(min_, ns);
    max_ = count_ == 0 ? ns : std::max(max_, ns);
    ++count_;
    if (sample_.size() < sample_size_) {
        // Most stats (one per connection) hold a few values: one allocation, not one per doubling.
        if (sample_.empty()) sample_.reserve(std::min<std::size_t>(sample_size_, 16));
        sample_.push_back(ns);
        return;
    }
    // Algorithm R: the value replaces a kept one with probability size/count.
    random_state_ ^= random_state_ << 13;
    random_state_ ^= random_state_ >> 7;
    random_state_ ^= random_state_ << 17;
    const std::uint64_t slot = random_state_ % count_;
    if (slot < sample_.size()) sample_[slot] = ns;
}

LatencySummary LatencyStats::summary() const {
    LatencySummary s;
    s.count = count_;
    if (count_ == 0) return s;
    s.min_ns = min_;
    s.max_ns = max_;
    s.median_exact = count_ == sample_.size();
    std::vector<std::int64_t> sorted = sample_;
    const std::size_t middle = sorted.size() / 2;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(middle), sorted.end());
    const std::int64_t upper = sorted[middle];
    if (sorted.size() % 2 == 1) {
        s.median_ns = upper;
    } else {
        // The mean of the two middle values; halves first so that the sum cannot overflow.
        const std::int64_t lower =
            *std::max_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(middle));
        s.median_ns = lower / 2 + upper / 2 + (lower % 2 + upper % 2) / 2;
    }
    return s;
}

}  // namespace mqscan
