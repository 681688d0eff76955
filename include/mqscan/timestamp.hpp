#pragma once

#include <compare>
#include <cstdint>

namespace mqscan {

// Decimal digits of the capture's clock: 6 for microsecond pcap/pcapng, 9 for nanosecond.
enum class TimePrecision : std::uint8_t { Micro = 6, Nano = 9 };

// A capture time, nanoseconds since the Unix epoch.
struct Timestamp {
    std::int64_t ns = 0;

    static constexpr Timestamp from_seconds(std::int64_t s) { return {s * 1'000'000'000}; }
    auto operator<=>(const Timestamp&) const = default;
};

}  // namespace mqscan
