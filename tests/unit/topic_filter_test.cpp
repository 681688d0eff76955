// Topic filters and matching [MQTT-4.7], with the specification's own examples
// (MQTT 3.1.1 and 5.0 §4.7.1.2, §4.7.1.3, §4.7.2) and the lab's maison tree.
#include <catch2/catch.hpp>

#include <string_view>

#include "analysis/topic_filter.hpp"

using namespace mqscan;

namespace {

struct MatchCase {
    std::string_view filter;
    std::string_view topic;
    bool matches;
};

struct FilterCase {
    std::string_view filter;
    bool valid;
};

}  // namespace

TEST_CASE("topic_matches follows the specification's examples", "[topic_filter]") {
    const MatchCase cases[] = {
        // §4.7.1.2 multi-level wildcard
        {"sport/tennis/player1/#", "sport/tennis/player1", true},
        {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
        {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
        {"sport/#", "sport", true},
        {"#", "sport/tennis", true},
        {"#", "/", true},
        // §4.7.1.3 single-level wildcard
        {"sport/tennis/+", "sport/tennis/player1", true},
        {"sport/tennis/+", "sport/tennis/player2", true},
        {"sport/tennis/+", "sport/tennis/player1/ranking", false},
        {"sport/+", "sport", false},
        {"sport/+", "sport/", true},  // "+" matches the empty level after the slash
        {"+", "sport", true},
        {"+/+", "/finance", true},
        {"/+", "/finance", true},
        {"+", "/finance", false},
        {"sport/+/player1", "sport/tennis/player1", true},
        {"+/tennis/#", "sport/tennis/player1", true},
        // §4.7.2 topics beginning with $
        {"#", "$SYS/x", false},
        {"+", "$SYS", false},
        {"+/monitor/Clients", "$SYS/monitor/Clients", false},
        {"$SYS/#", "$SYS/x", true},
        {"$SYS/#", "$SYS", true},
        {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
        // exact levels, case and empty levels
        {"ciel", "ciel", true},
        {"ciel", "Ciel", false},
        {"ciel", "ciel/", false},
        {"ciel/", "ciel", false},
        {"a//b", "a//b", true},
        {"a/+/b", "a//b", true},
        // invalid filters and topic names match nothing
        {"sport/tennis#", "sport/tennis", false},
        {"sport/#/ranking", "sport/x/ranking", false},
        {"sport+", "sport+", false},
        {"", "", false},
        {"#", "", false},
        {"+", "a+", false},
        {"#", "sport/#", false},
    };
    for (const MatchCase& c : cases) {
        INFO("filter '" << c.filter << "' topic '" << c.topic << "'");
        CHECK(topic_matches(c.filter, c.topic) == c.matches);
    }
}

TEST_CASE("The lab's maison tree through its three wildcard subscriptions", "[topic_filter]") {
    const std::string_view topics[] = {"maison/salon/temperature", "maison/chambre_1/temperature",
                                       "maison/salon/humidite", "maison", "jardin/temperature"};
    struct Expected {
        std::string_view filter;
        bool by_topic[5];
    };
    const Expected expected[] = {
        {"maison/#", {true, true, true, true, false}},
        {"maison/+/temperature", {true, true, false, false, false}},
        {"maison/salon/#", {true, false, true, false, false}},
        {"+/temperature", {false, false, false, false, true}},
    };
    for (const Expected& e : expected) {
        for (std::size_t i = 0; i < 5; ++i) {
            INFO("filter '" << e.filter << "' topic '" << topics[i] << "'");
            CHECK(topic_matches(e.filter, topics[i]) == e.by_topic[i]);
        }
    }
}

TEST_CASE("valid_topic_filter: '#' last and alone, '+' alone in its level", "[topic_filter]") {
    const FilterCase cases[] = {
        {"#", true},
        {"+", true},
        {"sport/tennis/#", true},
        {"sport/+/player1", true},
        {"+/+", true},
        {"/", true},
        {"a//b", true},
        {"$SYS/#", true},
        {"", false},                  // [MQTT-4.7.3-1]
        {"sport/tennis#", false},     // [MQTT-4.7.1-2]
        {"sport/tennis/#/ranking", false},
        {"##", false},
        {"sport+", false},            // [MQTT-4.7.1-3]
        {"sport/+tennis", false},
        {"++", false},
        {std::string_view("a\0b", 3), false},  // [MQTT-4.7.3-2]
    };
    for (const FilterCase& c : cases) {
        INFO("filter '" << c.filter << "'");
        CHECK(valid_topic_filter(c.filter) == c.valid);
    }
}

TEST_CASE("has_wildcard and shared subscriptions", "[topic_filter]") {
    CHECK(has_wildcard("maison/#"));
    CHECK(has_wildcard("maison/+/temperature"));
    CHECK_FALSE(has_wildcard("maison/salon/temperature"));
    CHECK(subscription_topic_filter("$share/group1/maison/#") == "maison/#");
    CHECK(subscription_topic_filter("$share/group1") == "$share/group1");
    CHECK(subscription_topic_filter("maison/#") == "maison/#");
    CHECK(subscription_topic_filter("$SYS/#") == "$SYS/#");
}
