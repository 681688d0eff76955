#include <algorithm>
#include <fmt/format.h>

#include "analysis/topic_filter.hpp"
#include "grade/fact_groups.hpp"
#include "mqscan/capture_report.hpp"

namespace mqscan::grade {
namespace {

using mqtt::PacketType;

const CaptureReport& of(const FactSource& s) { return s.report; }

std::uint64_t count_sessions(const FactSource& s, bool (*keep)(const SessionReport&)) {
    const auto& sessions = of(s).sessions;
    return static_cast<std::uint64_t>(std::count_if(sessions.begin(), sessions.end(), keep));
}

FactValue sessions(const FactSource& s, std::string_view) {
    return count_fact(of(s).mqtt.size(), "no MQTT connection in the capture");
}

FactValue connects(const FactSource& s, std::string_view) {
    return count_fact(count_sessions(s, [](const SessionReport& r) { return r.connect_seen; }),
                      "no CONNECT in the capture");
}

FactValue connack_accepted(const FactSource& s, std::string_view) {
    const auto accepted = [](const SessionReport& r) { return r.connack_code && *r.connack_code == 0; };
    const std::uint64_t count = count_sessions(s, accepted);
    if (count > 0) return count_fact(count, "");
    for (const SessionReport& r : of(s).sessions)
        if (r.connack_code)
            return count_fact(0, fmt::format("the broker refused the connection (CONNACK code {}, frame {})",
                                             *r.connack_code, r.connack_frame));
    return count_fact(0, "no CONNACK in the capture");
}

template <mqtt::Version version>
FactValue uses_version(const FactSource& s, std::string_view) {
    const auto& mqtt = of(s).mqtt;
    const bool used = std::any_of(mqtt.begin(), mqtt.end(), [](const MqttConnectionReport& m) {
        return m.version_from_connect && m.version == version;
    });
    return {used, true, used ? "" : fmt::format("no MQTT {} CONNECT in the capture", mqtt::to_string(version))};
}

// PUBLISH packets a client sent, over the packet listing (the first
// MqttSettings::max_packets_listed packets of the capture).
FactValue client_publishes(const FactSource& s, int qos) {
    std::uint64_t count = 0;
    for (const MqttConnectionReport& m : of(s).mqtt)
        for (const MqttPacketRecord& r : m.packets)
            if (r.dir == Direction::ToServer && r.packet.type == PacketType::Publish &&
                (qos < 0 || r.packet.qos == qos))
                ++count;
    return count_fact(count, qos < 0 ? "no client PUBLISH in the capture"
                                     : fmt::format("no QoS {} PUBLISH from a client in the capture", qos));
}

FactValue publishes(const FactSource& s, std::string_view) { return client_publishes(s, -1); }
template <int qos>
FactValue publishes_at(const FactSource& s, std::string_view) { return client_publishes(s, qos); }

// Complete QoS exchanges at `qos`, over the listed flows; when there is none,
// the first unfinished one says what is missing.
template <int qos>
FactValue complete_flows(const FactSource& s, std::string_view) {
    const auto& flows = of(s).qos.flows;
    std::uint64_t complete = 0;
    const QosFlow* unfinished = nullptr;
    for (const QosFlow& f : flows) {
        if (f.qos != qos) continue;
        if (f.status == FlowStatus::Complete) ++complete;
        if (f.status != FlowStatus::Complete && unfinished == nullptr) unfinished = &f;
    }
    if (complete > 0 || unfinished == nullptr)
        return count_fact(complete, fmt::format("no QoS {} PUBLISH in the capture", qos));
    if (unfinished->status == FlowStatus::Refused)
        return count_fact(0, fmt::format("the QoS {} PUBLISH id {} (frame {}) was refused", qos,
                                         unfinished->packet_id, unfinished->steps.front().frame));
    return count_fact(0, fmt::format("no {} for the QoS {} PUBLISH id {} (frame {})",
                                     unfinished->missing ? mqtt::to_string(*unfinished->missing) : "answer", qos,
                                     unfinished->packet_id, unfinished->steps.front().frame));
}

FactValue keepalive_sum(const FactSource& s, std::uint64_t KeepaliveReport::*field, std::string_view none) {
    std::uint64_t count = 0;
    for (const KeepaliveReport& k : of(s).keepalive) count += k.*field;
    return count_fact(count, std::string(none));
}

FactValue pingreqs(const FactSource& s, std::string_view) {
    return keepalive_sum(s, &KeepaliveReport::pingreq, "no PINGREQ in the capture");
}

FactValue pingresps(const FactSource& s, std::string_view) {
    return keepalive_sum(s, &KeepaliveReport::pingresp, "no PINGRESP in the capture");
}

FactValue keepalive_expired(const FactSource& s, std::string_view) {
    const auto& all = of(s).keepalive;
    return count_fact(static_cast<std::uint64_t>(std::count_if(all.begin(), all.end(),
                                                               [](const KeepaliveReport& k) { return k.expired; })),
                      "no connection closed by the broker for keepalive expiry");
}

template <RetainedKind kind>
FactValue retained(const FactSource& s, std::string_view) {
    const auto& events = of(s).delivery.retained;
    const auto count = static_cast<std::uint64_t>(
        std::count_if(events.begin(), events.end(), [](const RetainedEvent& e) { return e.kind == kind; }));
    static constexpr std::string_view kNone[] = {"no PUBLISH with the retain flag from a client",
                                                 "no empty retained PUBLISH (clearing a retained message)",
                                                 "no retained message delivered to a new subscriber"};
    return count_fact(count, std::string(kNone[static_cast<int>(kind)]));
}

FactValue subscriptions(const FactSource& s, std::string_view) {
    return count_fact(of(s).delivery.subscriptions.size(), "no SUBSCRIBE in the capture");
}

FactValue wildcard_subscriptions(const FactSource& s, std::string_view) {
    const auto& all = of(s).delivery.subscriptions;
    return count_fact(static_cast<std::uint64_t>(std::count_if(
                          all.begin(), all.end(), [](const SubscriptionRecord& r) { return r.wildcard; })),
                      "no SUBSCRIBE with + or # in the capture");
}

std::string listed_filters(const CaptureReport& report) {
    std::vector<std::string> filters;
    for (const SubscriptionRecord& r : report.delivery.subscriptions)
        if (std::find(filters.begin(), filters.end(), r.filter) == filters.end()) filters.push_back(r.filter);
    if (filters.empty()) return "no SUBSCRIBE in the capture";
    std::string out = "subscribed:";
    for (std::size_t i = 0; i < filters.size() && i < 8; ++i) out += fmt::format("{} '{}'", i ? "," : "", filters[i]);
    if (filters.size() > 8) out += ", ...";
    return out;
}

FactValue subscribed(const FactSource& s, std::string_view filter) {
    const auto& all = of(s).delivery.subscriptions;
    const auto found = std::find_if(all.begin(), all.end(), [&](const SubscriptionRecord& r) {
        return r.filter == filter && r.granted_qos.has_value();
    });
    if (found != all.end()) return {true, true, fmt::format("subscribed in frame {}", found->frame)};
    return {false, true, fmt::format("no granted SUBSCRIBE to '{}' ({})", filter, listed_filters(of(s)))};
}

// The first listed PUBLISH sent in `dir` on a topic the filter matches.
const MqttPacketRecord* first_publish(const FactSource& s, Direction dir, std::string_view filter) {
    for (const MqttConnectionReport& m : of(s).mqtt)
        for (const MqttPacketRecord& r : m.packets)
            if (r.dir == dir && r.packet.type == PacketType::Publish && topic_matches(filter, r.packet.effective_topic()))
                return &r;
    return nullptr;
}

FactValue published(const FactSource& s, std::string_view filter) {
    if (const MqttPacketRecord* r = first_publish(s, Direction::ToServer, filter))
        return {true, true, fmt::format("published in frame {}", r->frame)};
    return {false, true, fmt::format("no client PUBLISH on a topic matching '{}'", filter)};
}

FactValue delivered(const FactSource& s, std::string_view filter) {
    if (const MqttPacketRecord* r = first_publish(s, Direction::ToClient, filter))
        return {true, true, fmt::format("delivered in frame {}", r->frame)};
    return {false, true, fmt::format("the broker delivered no PUBLISH on a topic matching '{}'", filter)};
}

FactValue sessions_resumed(const FactSource& s, std::string_view) {
    return count_fact(count_sessions(s, [](const SessionReport& r) { return r.session_present; }),
                      "no CONNACK with session present (no persistent session resumed)");
}

FactValue client_disconnects(const FactSource& s, std::string_view) {
    return count_fact(count_sessions(s, [](const SessionReport& r) { return r.ending.how == SessionEnd::ClientDisconnect; }),
                      "no client ended its session with DISCONNECT");
}

FactValue wills_published(const FactSource& s, std::string_view) {
    const auto& counts = of(s).finding_counts;
    const auto id = static_cast<std::size_t>(FindingId::WillPublished);
    return count_fact(id < counts.size() ? counts[id] : 0, "no will message published");
}

constexpr FactInfo kFacts[] = {
    {"mqtt.sessions", FactType::Number, "", "MQTT connections in the capture", sessions},
    {"mqtt.connect", FactType::Number, "", "CONNECT packets seen (one per session at most)", connects},
    {"mqtt.connack_accepted", FactType::Number, "", "sessions the broker accepted (CONNACK code 0)",
     connack_accepted},
    {"mqtt.v311", FactType::Boolean, "", "some client connected with MQTT 3.1.1", uses_version<mqtt::Version::V311>},
    {"mqtt.v5", FactType::Boolean, "", "some client connected with MQTT 5.0", uses_version<mqtt::Version::V5>},
    {"mqtt.publish", FactType::Number, "", "PUBLISH packets sent by clients (listed packets)", publishes},
    {"mqtt.qos0", FactType::Number, "", "QoS 0 PUBLISH packets sent by clients (listed packets)", publishes_at<0>},
    {"mqtt.qos1", FactType::Number, "", "QoS 1 PUBLISH packets sent by clients (listed packets)", publishes_at<1>},
    {"mqtt.qos2", FactType::Number, "", "QoS 2 PUBLISH packets sent by clients (listed packets)", publishes_at<2>},
    {"mqtt.qos1_complete", FactType::Number, "", "complete QoS 1 exchanges PUBLISH/PUBACK, either direction",
     complete_flows<1>},
    {"mqtt.qos2_complete", FactType::Number, "",
     "complete QoS 2 exchanges PUBLISH/PUBREC/PUBREL/PUBCOMP, either direction", complete_flows<2>},
    {"mqtt.pingreq", FactType::Number, "", "PINGREQ packets", pingreqs},
    {"mqtt.pingresp", FactType::Number, "", "PINGRESP packets", pingresps},
    {"mqtt.keepalive_expired", FactType::Number, "", "connections the broker closed for keepalive expiry",
     keepalive_expired},
    {"mqtt.retain_set", FactType::Number, "", "client PUBLISH packets with the retain flag and a payload",
     retained<RetainedKind::Set>},
    {"mqtt.retain_cleared", FactType::Number, "", "client PUBLISH packets with the retain flag and no payload",
     retained<RetainedKind::Cleared>},
    {"mqtt.retained_delivered", FactType::Number, "", "retained messages the broker sent to a new subscriber",
     retained<RetainedKind::Delivered>},
    {"mqtt.subscribe", FactType::Number, "", "topic filters subscribed to", subscriptions},
    {"mqtt.wildcard_subscriptions", FactType::Number, "", "topic filters with + or # subscribed to",
     wildcard_subscriptions},
    {"mqtt.subscribed", FactType::Boolean, "topic filter",
     "a client subscribed to exactly this filter and the broker granted it", subscribed},
    {"mqtt.published", FactType::Boolean, "topic filter",
     "a client published on a topic this filter matches (listed packets)", published},
    {"mqtt.delivered", FactType::Boolean, "topic filter",
     "the broker delivered a message on a topic this filter matches (listed packets)", delivered},
    {"mqtt.session_present", FactType::Number, "", "sessions resumed (CONNACK with session present)",
     sessions_resumed},
    {"mqtt.disconnect", FactType::Number, "", "sessions the client ended with DISCONNECT", client_disconnects},
    {"mqtt.will_published", FactType::Number, "", "will messages the broker published", wills_published},
};

}  // namespace

std::span<const FactInfo> mqtt_facts() { return kFacts; }

}  // namespace mqscan::grade
