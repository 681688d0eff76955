// The lab's scenarios and the world that plays them: what the engines did
// behind each capture (the captures themselves are checked by tests/lab).
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "lab/scenario/scenario_recording.hpp"
#include "lab/scenario/scenario_registry.hpp"
#include "lab_engine_harness.hpp"

using namespace mqscan;
using namespace mqscan::lab;
using mqscan::test::events_of;

namespace {

std::unique_ptr<LabWorld> play(std::string_view name, RecordOptions options = {}) {
    const Scenario* scenario = find_scenario(name);
    REQUIRE(scenario != nullptr);
    return record_scenario(*scenario, options);
}

bool logged(const LabWorld& world, const std::string& text) {
    return std::any_of(world.broker_log().begin(), world.broker_log().end(),
                       [&](const LogLine& line) { return line.message.find(text) != std::string::npos; });
}

std::vector<std::vector<std::uint8_t>> frame_bytes(const LabWorld& world) {
    std::vector<std::vector<std::uint8_t>> out;
    for (const auto& frame : world.network().frames()) out.push_back(frame.data);
    return out;
}

}  // namespace

TEST_CASE("every scenario has a unique kebab-case name, a summary and what it shows", "[lab][scenario]") {
    std::set<std::string_view> names;
    for (const Scenario& scenario : all_scenarios()) {
        CAPTURE(scenario.name);
        CHECK(names.insert(scenario.name).second);
        CHECK(std::all_of(scenario.name.begin(), scenario.name.end(),
                          [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }));
        CHECK_FALSE(scenario.summary.empty());
        CHECK_FALSE(scenario.shows.empty());
        CHECK(find_scenario(scenario.name) == &scenario);
    }
    CHECK(find_scenario("qos3") == nullptr);
}

TEST_CASE("a scenario gives the same frames for the same seed, others for another", "[lab][scenario]") {
    const Scenario& scenario = GENERATE(from_range(all_scenarios()));
    CAPTURE(scenario.name);
    const auto first = record_scenario(scenario, {});
    const auto again = record_scenario(scenario, {});
    REQUIRE_FALSE(first->network().frames().empty());
    CHECK(frame_bytes(*first) == frame_bytes(*again));
    CHECK(first->key_log().lines() == again->key_log().lines());
    RecordOptions other;
    other.seed = 2;
    CHECK(frame_bytes(*record_scenario(scenario, other)) != frame_bytes(*first));
}

TEST_CASE("a TLS version is refused for a scenario without TLS", "[lab][scenario]") {
    RecordOptions options;
    options.tls = TlsVersions::Tls13Only;
    CHECK_THROWS_AS(play("qos1", options), std::invalid_argument);
}

TEST_CASE("mutual TLS: the client certificate's CN is the MQTT user name", "[lab][scenario]") {
    const auto world = play("mutual-tls");
    CHECK(logged(*world, "as sub-ciel (p2, c1, k60, u'localhost')"));
    CHECK(world->key_log().lines().size() == 2);  // one CLIENT_RANDOM per TLS 1.2 connection
}

TEST_CASE("TLS 1.3 asked for: five secrets per connection", "[lab][scenario]") {
    RecordOptions options;
    options.tls = TlsVersions::Tls13Only;
    CHECK(play("mutual-tls", options)->key_log().lines().size() == 10);
}

TEST_CASE("persistent session: the returning subscriber gets what was queued", "[lab][scenario]") {
    const auto world = play("persistent-session");
    // Links: the subscriber, the publisher, the subscriber again.
    const auto connects = events_of<Connected>(world->client_events(2));
    REQUIRE(connects.size() == 1);
    CHECK(connects[0].session_present);
    const auto messages = events_of<MessageReceived>(world->client_events(2));
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].message.payload == "22.0");
    CHECK(messages[1].message.payload == "22.4");
    CHECK(events_of<MessageReceived>(world->client_events(0)).empty());
}

TEST_CASE("keep alive expiry: the broker cuts the silent client after 1.5 x keep alive", "[lab][scenario]") {
    const auto world = play("keepalive-expiry");
    CHECK(logged(*world, "Client silent-client has exceeded timeout, disconnecting."));
    const auto ends = events_of<Disconnected>(world->client_events(0));
    REQUIRE(ends.size() == 1);
    CHECK(ends[0].cause == DisconnectCause::PeerClosed);
}

TEST_CASE("the TLS mistakes never reach MQTT", "[lab][scenario]") {
    const std::string name = GENERATE("no-client-certificate", "wrong-ca", "cleartext-to-8883");
    CAPTURE(name);
    const auto world = play(name);
    CHECK(events_of<Connected>(world->client_events(0)).empty());
    CHECK(events_of<Disconnected>(world->client_events(0)).size() == 1);
    CHECK_FALSE(logged(*world, "New client connected"));
}

TEST_CASE("a client connects only where a broker listens", "[lab][scenario]") {
    net::NetworkOptions options;
    LabWorld world(options, CryptoLibrary::seeded(1));
    CHECK_THROWS_AS(world.connect(LabSetting::mosquitto_client("lost")), std::invalid_argument);
}
