#pragma once

#include <string>

#include "mqscan/timestamp.hpp"

namespace mqscan {

// "1700000000.123456": seconds since the epoch with the capture's decimals.
std::string epoch_seconds(Timestamp t, TimePrecision precision);
// A duration in seconds with the capture's decimals, "0.003284" (for JSON numbers).
std::string duration_seconds(std::int64_t nanoseconds, TimePrecision precision);
// A latency or a silence: "0.287 ms" below a second (they often are), else
// seconds, "60.100 s" (not "1 min 00 s": 60.1 s is read against a 60 s keepalive).
std::string latency_text(std::int64_t nanoseconds);
// "2023-11-14 22:13:20.123456 UTC"
std::string utc_time(Timestamp t, TimePrecision precision);
// "4.880 s", "1 h 02 min"
std::string duration_text(std::int64_t nanoseconds);
// ISO 8601 to the second, "2026-11-22T10:00:00Z" (certificate validity).
std::string iso_utc_seconds(std::int64_t unix_seconds);

}  // namespace mqscan
