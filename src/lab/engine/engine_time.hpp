#pragma once
// The engines' clock arithmetic: MQTT counts intervals in whole seconds, and
// mosquitto reads its clock in whole seconds.

#include <cstdint>

#include "mqscan/timestamp.hpp"

namespace mqscan::lab {

inline constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

inline constexpr Timestamp seconds_after(Timestamp t, std::uint32_t seconds) {
    return {t.ns + std::int64_t{seconds} * kNanosPerSecond};
}

// The second `t` falls in (rounded down, also before 1970).
inline constexpr std::int64_t whole_seconds(Timestamp t) {
    const std::int64_t s = t.ns / kNanosPerSecond;
    return t.ns % kNanosPerSecond < 0 ? s - 1 : s;
}

}  // namespace mqscan::lab
