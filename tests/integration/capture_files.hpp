#pragma once
// The captures a differential test runs over, each checked as a Catch2 generator value.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "background_results.hpp"

// Every *.pcap, *.pcapng, *.pcap.gz and *.pcapng.gz below `dir`, sorted so runs are comparable.
std::vector<std::string> captures_under(const std::string& dir);

// Each capture is a generator value: a run of the test case of its own, named in failures.
template <typename Result, typename Check>
void check_each_capture(const BackgroundResults<Result>& results, Check check) {
    REQUIRE(results.size() > 0);
    const std::size_t index = GENERATE_REF(range(std::size_t{0}, results.size()));
    INFO("capture " << results.path(index));
    check(results.get(index));
}
