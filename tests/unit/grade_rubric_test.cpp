// Rubrics: the built-in ones load, and a teacher's mistake is refused with
// its line and column before any capture is read.
#include <catch2/catch.hpp>

#include "grade/rubric.hpp"

namespace mqscan::grade {
namespace {

std::string refusal(std::string_view toml) {
    auto rubric = parse_rubric(toml, "mine.toml");
    REQUIRE_FALSE(rubric);
    return rubric.error();
}

constexpr std::string_view kGood = R"(title = "QoS"

[[check]]
id = "qos2"
label = "a QoS 2 exchange"
points = 2
condition = "mqtt.qos2_complete >= 1"

[[check]]
id = "half"
label = "half a point"
points = 0.5
condition = 'mqtt.subscribed("maison/#")'
)";

}  // namespace

TEST_CASE("rubrics: a good one loads with its checks in order", "[grade]") {
    auto rubric = parse_rubric(kGood, "mine.toml");
    REQUIRE(rubric);
    CHECK(rubric->title == "QoS");
    REQUIRE(rubric->checks.size() == 2);
    CHECK(rubric->checks[0].id == "qos2");
    CHECK(rubric->checks[0].points == 2);
    CHECK(rubric->checks[1].condition.text() == "mqtt.subscribed(\"maison/#\")");
    CHECK(rubric->max_points() == 2.5);
}

TEST_CASE("rubrics: the built-in lab rubrics load by name", "[grade]") {
    for (const char* name : {"lab-qos", "lab-tls"}) {
        auto rubric = load_rubric(name);
        INFO(name);
        REQUIRE(rubric);
        CHECK(rubric->name == name);
        CHECK(rubric->checks.size() >= 8);
    }
    auto missing = load_rubric("lab-nope");
    REQUIRE_FALSE(missing);
    CHECK(missing.error() == "no rubric 'lab-nope': neither a built-in one (lab-qos, lab-tls) nor a readable file");
}

TEST_CASE("rubrics: mistakes are refused with their line and column", "[grade]") {
    // The condition's column points into the string at the unknown fact.
    CHECK(refusal("title = \"t\"\n[[check]]\nid = \"a\"\nlabel = \"b\"\ncondition = \"mqtt.pingreq >= 1 and tls.mutal\"\n") ==
          "mine.toml:5:36: in condition \"mqtt.pingreq >= 1 and tls.mutal\": unknown fact 'tls.mutal'");
    CHECK(refusal("title = \"t\"\n[[check]]\nid = \"a\"\nlabel = \"b\"\ncondition = \"x >= \n").substr(0, 12) ==
          "mine.toml:5:");
    CHECK(refusal("title = \"t\"\n[[check]]\nid = \"a\"\nlabel = \"b\"\npoint = 2\ncondition = \"tls.mutual\"\n") ==
          "mine.toml:5:9: unknown key 'point' in a check (expected: id, label, points, condition)");
    CHECK(refusal("title = \"t\"\n[[check]]\nid = \"a\"\ncondition = \"tls.mutual\"\n") ==
          "mine.toml:2:1: 'label' is missing");
    CHECK(refusal("title = \"t\"\n[[check]]\nid = \"a\"\nlabel = \"b\"\ncondition = \"tls.mutual\"\n"
                  "[[check]]\nid = \"a\"\nlabel = \"c\"\ncondition = \"tls.mutual\"\n") ==
          "mine.toml:6:1: two checks have the id 'a'");
    CHECK(refusal("title = \"t\"\n[[check]]\nid = \"a\"\nlabel = \"b\"\npoints = -1\ncondition = \"tls.mutual\"\n") ==
          "mine.toml:5:10: 'points' must be a number from 0 to 1000");
    CHECK(refusal("[[check]]\nid = \"a\"\nlabel = \"b\"\ncondition = \"tls.mutual\"\n") ==
          "mine.toml:1:1: the rubric needs a title = \"...\"");
    CHECK(refusal("title = \"t\"\n") == "mine.toml:1:1: the rubric has no [[check]]");
}

}  // namespace mqscan::grade
