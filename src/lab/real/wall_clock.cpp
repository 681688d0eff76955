#include "lab/real/wall_clock.hpp"

#include <algorithm>
#include <ctime>

namespace mqscan::lab::real {
namespace {

std::int64_t clock_ns(clockid_t clock) {
    timespec t{};
    clock_gettime(clock, &t);
    return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}

}  // namespace

WallClock::WallClock() : wall_start_ns_(clock_ns(CLOCK_REALTIME)), monotonic_start_ns_(clock_ns(CLOCK_MONOTONIC)) {}

Timestamp WallClock::now() const { return {wall_start_ns_ + (clock_ns(CLOCK_MONOTONIC) - monotonic_start_ns_)}; }

int poll_timeout_ms(Timestamp now, std::optional<Timestamp> deadline, int cap_ms) {
    if (!deadline) return -1;
    if (deadline->ns <= now.ns) return 0;
    constexpr std::int64_t kNanosPerMs = 1'000'000;
    const std::int64_t ms = (deadline->ns - now.ns + kNanosPerMs - 1) / kNanosPerMs;
    return static_cast<int>(std::min<std::int64_t>(ms, cap_ms));
}

}  // namespace mqscan::lab::real
