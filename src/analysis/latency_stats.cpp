#include "analysis/latency_stats.hpp"

#include <algorithm>
#include <span>

namespace mqscan {
namespace {

// The median of `values` (reordered); the mean of the two middle ones for an even count.
std::int64_t median(std::span<std::int64_t> values) {
    const std::size_t middle = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle), values.end());
    const std::int64_t upper = values[middle];
    if (values.size() % 2 == 1) return upper;
    // Halves first, so that the sum cannot overflow.
    const std::int64_t lower =
        *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
    return lower / 2 + upper / 2 + (lower % 2 + upper % 2) / 2;
}

}  // namespace

std::size_t LatencyStats::kept() const {
    return static_cast<std::size_t>(std::min<std::uint64_t>(count_, sample_size_));
}

void LatencyStats::add(std::int64_t ns) {
    min_ = count_ == 0 ? ns : std::min(min_, ns);
    max_ = count_ == 0 ? ns : std::max(max_, ns);
    ++count_;
    if (count_ <= sample_size_) {
        const std::size_t at = static_cast<std::size_t>(count_ - 1);
        if (at < kInline) {
            inline_[at] = ns;
            return;
        }
        // One allocation for a stats that outgrows the inline values, not one per doubling.
        if (spilled_.empty()) spilled_.reserve(std::min<std::size_t>(sample_size_ - kInline, 16));
        spilled_.push_back(ns);
        return;
    }
    // Algorithm R: the value replaces a kept one with probability size/count.
    random_state_ ^= random_state_ << 13;
    random_state_ ^= random_state_ >> 7;
    random_state_ ^= random_state_ << 17;
    const std::uint64_t slot = random_state_ % count_;
    if (slot < sample_size_) kept_value(static_cast<std::size_t>(slot)) = ns;
}

LatencySummary LatencyStats::summary() const {
    LatencySummary s;
    s.count = count_;
    if (count_ == 0) return s;
    s.min_ns = min_;
    s.max_ns = max_;
    const std::size_t n = kept();
    s.median_exact = count_ == n;
    if (n <= kInline) {
        std::array<std::int64_t, kInline> values = inline_;
        s.median_ns = median(std::span(values.data(), n));
        return s;
    }
    std::vector<std::int64_t> values(inline_.begin(), inline_.end());
    values.insert(values.end(), spilled_.begin(), spilled_.end());
    s.median_ns = median(values);
    return s;
}

}  // namespace mqscan
