// The containers the analyses keep their state in: checked against the
// standard containers they replace.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "analysis/delivery_window.hpp"
#include "analysis/digest.hpp"
#include "analysis/flat_map.hpp"
#include "analysis/id_table.hpp"
#include "analysis/latency_stats.hpp"
#include "analysis/listed_records.hpp"

using namespace mqscan;

namespace {

// Every key lands in a few homes: long probe runs, many backward shifts.
struct CrowdedHash {
    std::uint64_t operator()(std::uint64_t key) const { return key % 3; }
};

struct Counted {
    std::string name;
    int value = 0;
};

}  // namespace

TEST_CASE("FlatMap: finds, adds and erases like a std::map", "[analysis][tables]") {
    FlatMap<std::uint64_t, std::uint32_t, CrowdedHash> flat;
    std::map<std::uint64_t, std::uint32_t> reference;
    std::mt19937_64 random(7);
    for (int step = 0; step < 20'000; ++step) {
        const std::uint64_t key = random() % 300;
        switch (random() % 3) {
            case 0: {
                const auto [value, made] = flat.try_emplace(key);
                CHECK(made == (reference.count(key) == 0));
                *value = static_cast<std::uint32_t>(step);
                reference[key] = static_cast<std::uint32_t>(step);
                break;
            }
            case 1: CHECK(flat.erase(key) == (reference.erase(key) == 1)); break;
            default: {
                const std::uint32_t* found = flat.find(key);
                const auto expected = reference.find(key);
                REQUIRE((found != nullptr) == (expected != reference.end()));
                if (found != nullptr) CHECK(*found == expected->second);
            }
        }
        REQUIRE(flat.size() == reference.size());
    }
    std::map<std::uint64_t, std::uint32_t> visited;
    flat.for_each([&](std::uint64_t key, std::uint32_t value) { visited[key] = value; });
    CHECK(visited == reference);
}

TEST_CASE("FlatMap: a new key is value-initialised, an empty map finds nothing", "[analysis][tables]") {
    FlatMap<std::uint64_t, std::uint64_t, IdHash> flat;
    CHECK(flat.find(1) == nullptr);
    CHECK_FALSE(flat.erase(1));
    CHECK(*flat.try_emplace(1).first == 0);
    CHECK(flat.size() == 1);
}

TEST_CASE("IdTable: one state per id, made anew when its slot is reused", "[analysis][tables]") {
    IdTable<Counted> table;
    table.add(10).name = "ten";
    table.add(3).value = 3;
    CHECK(table.find(10)->name == "ten");
    CHECK(table.find(3)->value == 3);
    CHECK(table.find(4) == nullptr);
    CHECK(&table.get(10) == table.find(10));
    CHECK(table.ids() == std::vector<std::uint64_t>{3, 10});

    table.erase(10);
    CHECK(table.find(10) == nullptr);
    Counted& reused = table.add(11);
    CHECK(reused.name.empty());
    CHECK(reused.value == 0);
    CHECK(table.find(3)->value == 3);
    CHECK(table.ids() == std::vector<std::uint64_t>{3, 11});
}

TEST_CASE("IdTable: references stay valid while others are added", "[analysis][tables]") {
    IdTable<Counted> table;
    Counted& first = table.add(0);
    first.value = 42;
    for (std::uint64_t id = 1; id < 5'000; ++id) table.add(id).value = static_cast<int>(id);
    CHECK(first.value == 42);
    CHECK(table.find(0) == &first);
    CHECK(table.find(4'999)->value == 4'999);
}

TEST_CASE("ListedRecords: records in id order, whatever order they were made in", "[analysis][tables]") {
    ListedRecords<Counted> records(100);
    records.at(7).name = "seven";
    records.at(2).name = "two";
    records.at(5).name = "five";
    CHECK(records.find(3) == nullptr);
    CHECK(records.find(50) == nullptr);
    CHECK(records.find(5)->name == "five");
    const std::vector<Counted> kept = records.take([](const Counted& c) { return c.name != "five"; });
    REQUIRE(kept.size() == 2);
    CHECK(kept[0].name == "two");
    CHECK(kept[1].name == "seven");
    CHECK(records.find(2) == nullptr);
}

TEST_CASE("reserve_limit: the limit up front, a huge one in part", "[analysis][tables]") {
    std::vector<int> small;
    reserve_limit(small, 1'000);
    CHECK(small.capacity() >= 1'000);
    std::vector<int> huge;
    reserve_limit(huge, SIZE_MAX);
    CHECK(huge.capacity() < SIZE_MAX / sizeof(int));
}

TEST_CASE("digest: XXH64", "[analysis][tables]") {
    // The specification's values for the empty input and "abc", seed 0.
    CHECK(digest("") == 0xEF46DB3751D8E999ULL);
    CHECK(digest("abc") == 0x44BC2CF5AD770999ULL);
    // python-xxhash's README example: 39 bytes, through the four-lane rounds.
    CHECK(digest("Nobody inspects the spammish repetition") == 0xFBCEA83C8A378BF1ULL);
    // Every length through the 32-byte rounds and the 8-, 4- and 1-byte tails.
    std::string text;
    std::vector<std::uint64_t> seen;
    for (int length = 0; length < 80; ++length) {
        seen.push_back(digest(text, 5));
        text.push_back(static_cast<char>('a' + length % 26));
    }
    std::sort(seen.begin(), seen.end());
    CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
    CHECK(digest("abc", 1) != digest("abc"));
}

TEST_CASE("latency stats: the same summary across the inline values and the heap", "[analysis][latency]") {
    for (const std::size_t sample_size : {std::size_t{2}, std::size_t{4}, std::size_t{5}, std::size_t{4096}}) {
        for (std::int64_t count = 1; count <= 12; ++count) {
            LatencyStats stats(sample_size);
            std::vector<std::int64_t> values;
            for (std::int64_t v = 0; v < count; ++v) {
                const std::int64_t ns = (v * 7919) % 13;
                stats.add(ns);
                values.push_back(ns);
            }
            const LatencySummary s = stats.summary();
            CHECK(s.count == static_cast<std::uint64_t>(count));
            CHECK(s.min_ns == *std::min_element(values.begin(), values.end()));
            CHECK(s.max_ns == *std::max_element(values.begin(), values.end()));
            CHECK(s.median_exact == (static_cast<std::size_t>(count) <= sample_size));
            if (!s.median_exact) continue;
            std::sort(values.begin(), values.end());
            const std::size_t middle = values.size() / 2;
            const std::int64_t expected =
                values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
            CHECK(s.median_ns == expected);
        }
    }
}

TEST_CASE("DeliveryWindow: the first candidate from a floor, the walk to it bounded", "[analysis][delivery]") {
    DeliveryWindow window(10'000);
    for (std::uint64_t frame = 1; frame <= 5'000; ++frame) window.add(Candidate{7, {}, 0, frame, {}, 1});
    const auto first_from = [&window](std::uint64_t floor) {
        return window.next_for(DeliveryWindow::Wanted{7, 0, floor, 6'000, 1, 2});
    };
    // 4,096 identical candidates walked past: found.
    CHECK(first_from(5'000 - 4'096) == 5'000 - 4'096);
    // One more: the delivery is left without a source rather than walk on.
    CHECK(first_from(5'000 - 4'097) == 0);
    // From the oldest of the chain on, no walk at all.
    CHECK(first_from(1) == 1);
}
