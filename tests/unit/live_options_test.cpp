// The parts of `mqscan live` that need no interface: the default filter, the
// statistics line, the interface list, and the JSON report made one line.
#include <catch2/catch.hpp>

#include "capture/live_source.hpp"
#include "report/jsonl_events.hpp"

using namespace mqscan;

TEST_CASE("the default live filter takes the MQTT and TLS ports, each once", "[live]") {
    CHECK(live_filter({}, {}) == "tcp port 1883 or tcp port 8883");
    CHECK(live_filter({1884, 1883}, {8883, 9883}) ==
          "tcp port 1883 or tcp port 8883 or tcp port 1884 or tcp port 9883");
}

TEST_CASE("the libpcap statistics read as one line", "[live]") {
    CHECK(describe(LiveStats{120, 240, 3, 1}) ==
          "120 packets captured, 240 received by filter, 3 dropped by kernel, 1 dropped by interface");
}

TEST_CASE("an interface reads as its name, description, state and addresses", "[live]") {
    CHECK(describe(InterfaceInfo{"lo", "", {"127.0.0.1", "::1"}, true, true}) ==
          "lo  [up, loopback]  127.0.0.1  ::1");
    CHECK(describe(InterfaceInfo{"nflog", "Linux netfilter log", {}, false, false}) == "nflog  Linux netfilter log");
}

