// The rubric condition language: what it refuses at load, with where, and
// how it evaluates in three-valued logic.
#include <catch2/catch.hpp>

#include "grade/condition.hpp"
#include "mqscan/capture_report.hpp"

namespace mqscan::grade {
namespace {

ConditionError refusal(std::string_view text) {
    auto parsed = Condition::parse(text);
    REQUIRE_FALSE(parsed);
    return parsed.error();
}

Outcome evaluate(std::string_view text, const CaptureReport& report, bool ca_given = false) {
    auto parsed = Condition::parse(text);
    REQUIRE(parsed);
    return parsed->evaluate(FactSource{report, true, ca_given});
}

// Two pings, no QoS 2 flow, TLS 1.3 with hidden certificates, MQTT in clear.
CaptureReport lab_report() {
    CaptureReport r;
    KeepaliveReport k;
    k.pingreq = 2;
    k.pingresp = 2;
    r.keepalive.push_back(k);
    TlsConnectionReport t;
    t.version = "TLS 1.3";
    t.version_code = 0x0304;
    t.established = true;
    t.certificates_visible = false;
    r.tls.push_back(t);
    r.verdict.cleartext_mqtt = true;
    return r;
}

}  // namespace

TEST_CASE("grade conditions: mistakes are refused with their place", "[grade]") {
    CHECK(refusal("mqtt.qos3 >= 1").message == "unknown fact 'mqtt.qos3'");
    CHECK(refusal("mqtt.pingreq >= 1 and mqtt.qos3 >= 1").offset == 22);
    CHECK(refusal("mqtt.pingreq").message == "'mqtt.pingreq' is a number: compare it, e.g. mqtt.pingreq >= 1");
    CHECK(refusal("tls.version >= 1").message == "'tls.version' is a text: compare it with a string in quotes");
    CHECK(refusal("tls.version > \"1.2\"").message == "'>' cannot be used with a text");
    CHECK(refusal("tls.mutual ~ \"x\"").message == "'tls.mutual' is a boolean: compare it with true or false");
    CHECK(refusal("mqtt.subscribed").message ==
          "'mqtt.subscribed' takes a topic filter in parentheses, e.g. mqtt.subscribed(\"...\")");
    CHECK(refusal("tls.mutual(\"x\")").message == "'tls.mutual' takes no argument");
    CHECK(refusal("tls.version == \"1.2").message == "unterminated string");
    CHECK(refusal("(tls.mutual").message == "expected ')' at the end");
    CHECK(refusal("tls.mutual tls.mutual").offset == 11);
    CHECK(refusal("not").message == "expected a fact at the end");
    CHECK(refusal("tls.mutual & tls.mutual").message == "unexpected character '&'");
    CHECK(refusal("mqtt.pingreq >= 99999999999999999999").message == "number too large");
}

TEST_CASE("grade conditions: comparisons, and, or, not, parentheses", "[grade]") {
    const CaptureReport r = lab_report();
    CHECK(evaluate("mqtt.pingreq >= 2", r).truth == Truth::True);
    CHECK(evaluate("mqtt.pingreq > 2", r).truth == Truth::False);
    CHECK(evaluate("mqtt.pingreq > 2", r).reason == "mqtt.pingreq is 2, not > 2");
    CHECK(evaluate("mqtt.pingreq == 2 and mqtt.pingresp != 0", r).truth == Truth::True);
    CHECK(evaluate("mqtt.qos2_complete >= 1 or mqtt.pingreq < 3", r).truth == Truth::True);
    CHECK(evaluate("tls.version == \"1.3\"", r).truth == Truth::True);
    CHECK(evaluate("tls.version ~ \"1.*\"", r).truth == Truth::True);
    CHECK(evaluate("not (cleartext.mqtt or mqtt.pingreq >= 1)", r).truth == Truth::False);
    CHECK(evaluate("cleartext.mqtt == true", r).truth == Truth::True);
    CHECK(evaluate("cleartext.mqtt != true", r).truth == Truth::False);
}

TEST_CASE("grade conditions: a fact the capture cannot tell makes the check unknown", "[grade]") {
    const CaptureReport r = lab_report();
    const Outcome hidden = evaluate("tls.mutual", r);
    CHECK(hidden.truth == Truth::Unknown);
    CHECK(hidden.reason == "tls.mutual: TLS 1.3 encrypts the client's Certificate message: mutual TLS cannot be seen");
    // Kleene's logic: false wins an and, true wins an or; otherwise unknown stays.
    CHECK(evaluate("tls.mutual and mqtt.pingreq >= 5", r).truth == Truth::False);
    CHECK(evaluate("tls.mutual and mqtt.pingreq >= 1", r).truth == Truth::Unknown);
    CHECK(evaluate("tls.mutual or mqtt.pingreq >= 1", r).truth == Truth::True);
    CHECK(evaluate("tls.mutual or mqtt.pingreq >= 5", r).truth == Truth::Unknown);
    CHECK(evaluate("not tls.mutual", r).truth == Truth::Unknown);
    CHECK(evaluate("cert.server.verified", r, false).reason ==
          "cert.server.verified: no CA certificate given (--ca): chains were not verified");
}

TEST_CASE("grade conditions: a lost point says what the capture lacks", "[grade]") {
    CaptureReport r = lab_report();
    QosFlow f;
    f.qos = 2;
    f.packet_id = 1;
    f.status = FlowStatus::Incomplete;
    f.missing = mqtt::PacketType::Pubcomp;
    QosStep publish;
    publish.frame = 21;
    f.steps.push_back(publish);
    r.qos.flows.push_back(f);
    const Outcome o = evaluate("mqtt.qos2_complete >= 1", r);
    CHECK(o.truth == Truth::False);
    CHECK(o.reason == "no PUBCOMP for the QoS 2 PUBLISH id 1 (frame 21)");
    CHECK(evaluate("not cleartext.mqtt", r).reason == "cleartext.mqtt is true");
}

TEST_CASE("glob matching: * and ? over whole texts", "[grade]") {
    CHECK(glob_matches("Ciel *", "Ciel Inès Lefèvre"));
    CHECK(glob_matches("Ciel *", "Ciel "));
    CHECK_FALSE(glob_matches("Ciel *", "ciel alice"));
    CHECK(glob_matches("iot ?lice", "iot alice"));
    CHECK_FALSE(glob_matches("iot ?lice", "iot lice"));
    CHECK(glob_matches("*a*b*", "xxaxxbxx"));
    CHECK_FALSE(glob_matches("*a*b", "xxaxxbxxc"));
    CHECK(glob_matches("", ""));
    CHECK_FALSE(glob_matches("", "x"));
}

}  // namespace mqscan::grade
