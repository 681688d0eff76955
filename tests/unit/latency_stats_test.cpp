#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

#include "analysis/latency_stats.hpp"

using mqscan::LatencyStats;
using mqscan::LatencySummary;

namespace {

LatencySummary summary_of(std::initializer_list<std::int64_t> values, std::size_t sample_size = 4096) {
    LatencyStats stats(sample_size);
    for (std::int64_t v : values) stats.add(v);
    return stats.summary();
}

}  // namespace

TEST_CASE("latency stats: nothing added gives a zero summary", "[qos][latency]") {
    const LatencySummary s = summary_of({});
    CHECK(s.count == 0);
    CHECK(s.min_ns == 0);
    CHECK(s.median_ns == 0);
    CHECK(s.max_ns == 0);
    CHECK(s.median_exact);
}

TEST_CASE("latency stats: odd count, the middle value whatever the order", "[qos][latency]") {
    const LatencySummary s = summary_of({500, 100, 900, 300, 700});
    CHECK(s.count == 5);
    CHECK(s.min_ns == 100);
    CHECK(s.median_ns == 500);
    CHECK(s.max_ns == 900);
    CHECK(s.median_exact);
}

TEST_CASE("latency stats: even count, the mean of the two middle values", "[qos][latency]") {
    CHECK(summary_of({40, 10, 30, 20}).median_ns == 25);
    // 3 and 5: halves are taken first, the remainders added back.
    CHECK(summary_of({5, 3}).median_ns == 4);
    // The mean of 1 and 2 is 1.5: integer nanoseconds round it down.
    CHECK(summary_of({2, 1}).median_ns == 1);
}

TEST_CASE("latency stats: the median of huge values does not overflow", "[qos][latency]") {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    const LatencySummary s = summary_of({kMax, kMax - 2});
    CHECK(s.median_ns == kMax - 1);
    CHECK(s.min_ns == kMax - 2);
    CHECK(s.max_ns == kMax);
}

TEST_CASE("latency stats: exact up to the sample size, sampled past it", "[qos][latency]") {
    const LatencySummary full = summary_of({4, 1, 3, 2}, 4);
    CHECK(full.count == 4);
    CHECK(full.median_ns == 2);  // (2 + 3) / 2, rounded down
    CHECK(full.median_exact);

    LatencyStats stats(4);
    for (std::int64_t v = 1; v <= 1000; ++v) stats.add(v * 10);
    const LatencySummary sampled = stats.summary();
    CHECK(sampled.count == 1000);
    CHECK(stats.count() == 1000);
    // Minimum and maximum stay exact; the median comes from 4 kept values.
    CHECK(sampled.min_ns == 10);
    CHECK(sampled.max_ns == 10'000);
    CHECK_FALSE(sampled.median_exact);
    CHECK(sampled.median_ns >= 10);
    CHECK(sampled.median_ns <= 10'000);
}

TEST_CASE("latency stats: the sample is reproducible", "[qos][latency]") {
    LatencyStats a(8);
    LatencyStats b(8);
    for (std::int64_t v = 0; v < 10'000; ++v) {
        a.add(v);
        b.add(v);
    }
    CHECK(a.summary().median_ns == b.summary().median_ns);
}
