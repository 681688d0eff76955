#include "report/time_format.hpp"

#include <ctime>
#include <fmt/format.h>

namespace mqscan {
namespace {

struct SplitTime {
    std::int64_t seconds;
    std::int64_t fraction;  // in units of the precision
};

SplitTime split(Timestamp t, TimePrecision precision) {
    std::int64_t seconds = t.ns / 1'000'000'000;
    std::int64_t nanos = t.ns % 1'000'000'000;
    if (nanos < 0) {  // floor for times before 1970
        nanos += 1'000'000'000;
        --seconds;
    }
    const std::int64_t fraction = precision == TimePrecision::Micro ? nanos / 1000 : nanos;
    return {seconds, fraction};
}

int digits(TimePrecision precision) { return static_cast<int>(precision); }

}  // namespace

std::string epoch_seconds(Timestamp t, TimePrecision precision) {
    // Sign and magnitude apart: -1.25 s is "-1.250000", not the floored "-2.750000".
    const SplitTime s = split(Timestamp{t.ns < 0 ? -t.ns : t.ns}, precision);
    return fmt::format("{}{}.{:0{}}", t.ns < 0 ? "-" : "", s.seconds, s.fraction, digits(precision));
}

std::string duration_seconds(std::int64_t nanoseconds, TimePrecision precision) {
    return epoch_seconds(Timestamp{nanoseconds}, precision);
}

std::string latency_text(std::int64_t nanoseconds) {
    if (nanoseconds < 1'000'000'000)
        return fmt::format("{:.3f} ms", static_cast<double>(nanoseconds) / 1e6);
    return fmt::format("{:.3f} s", static_cast<double>(nanoseconds) / 1e9);
}

std::string utc_time(Timestamp t, TimePrecision precision) {
    const SplitTime s = split(t, precision);
    const std::time_t seconds = static_cast<std::time_t>(s.seconds);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:0{}} UTC", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, s.fraction,
                       digits(precision));
}

std::string iso_utc_seconds(std::int64_t unix_seconds) {
    const std::time_t seconds = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string duration_text(std::int64_t nanoseconds) {
    const double seconds = static_cast<double>(nanoseconds) / 1e9;
    if (seconds < 60) return fmt::format("{:.3f} s", seconds);
    const auto whole = static_cast<std::int64_t>(seconds);
    if (whole < 3600) return fmt::format("{} min {:02} s", whole / 60, whole % 60);
    return fmt::format("{} h {:02} min", whole / 3600, (whole % 3600) / 60);
}

}  // namespace mqscan
