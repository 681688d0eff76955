#include <fmt/format.h>

#include "grade/fact_groups.hpp"
#include "mqscan/capture_report.hpp"

namespace mqscan::grade {
namespace {

// The first cleartext session `pick` selects, in words, for a note.
template <typename Pick>
std::string first_cleartext(const CaptureReport& report, Pick pick) {
    for (const SessionReport& s : report.sessions)
        if (s.transport == Transport::Cleartext && pick(s)) return pick(s).value();
    return {};
}

FactValue flag(bool set, std::string detail) { return {set, true, set ? std::move(detail) : std::string()}; }

FactValue mqtt_in_clear(const FactSource& s, std::string_view) {
    return flag(s.report.verdict.cleartext_mqtt,
                first_cleartext(s.report, [](const SessionReport& r) -> std::optional<std::string> {
                    if (!r.connect_seen && r.packets_to_broker == 0) return std::nullopt;
                    return fmt::format("MQTT in clear on connection #{} (to {})", r.connection, r.broker.to_string());
                }));
}

FactValue payloads_in_clear(const FactSource& s, std::string_view) {
    const auto& topics = s.report.verdict.cleartext_topics;
    return flag(s.report.verdict.cleartext_payloads,
                topics.empty() ? "payloads crossed in clear" : fmt::format("payloads on '{}' crossed in clear", topics[0]));
}

FactValue credentials_in_clear(const FactSource& s, std::string_view) {
    return flag(s.report.verdict.cleartext_credentials,
                first_cleartext(s.report, [](const SessionReport& r) -> std::optional<std::string> {
                    if (!r.username && !r.password) return std::nullopt;
                    return r.username ? fmt::format("username '{}' sent in clear (frame {})", *r.username,
                                                    r.connect_frame)
                                      : fmt::format("a password sent in clear (frame {})", r.connect_frame);
                }));
}

FactValue anonymous(const FactSource& s, std::string_view) {
    return flag(s.report.verdict.anonymous_access, "the broker accepted a CONNECT without username in clear");
}

constexpr FactInfo kFacts[] = {
    {"cleartext.mqtt", FactType::Boolean, "", "some MQTT crossed the network in clear", mqtt_in_clear},
    {"cleartext.payloads", FactType::Boolean, "", "a PUBLISH payload crossed in clear", payloads_in_clear},
    {"cleartext.credentials", FactType::Boolean, "", "a username or password crossed in clear",
     credentials_in_clear},
    {"cleartext.anonymous", FactType::Boolean, "", "the broker accepted an anonymous client in clear", anonymous},
};

}  // namespace

std::span<const FactInfo> cleartext_facts() { return kFacts; }

}  // namespace mqscan::grade
