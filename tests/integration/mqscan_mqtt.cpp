#include "mqscan_mqtt.hpp"

#include <limits>

#include "mqscan/analysis.hpp"

namespace {

using mqscan::mqtt::Packet;
using mqscan::mqtt::PacketType;
using mqscan::mqtt::Property;
using mqscan::mqtt::PropertyKind;
using mqscan::mqtt::Version;

// tshark shows a PUBLISH payload larger than mqscan's default cap: keep all of it.
constexpr std::size_t kWholePayload = 16 * 1024 * 1024;

// `prefix` is "will_" for a CONNECT's will properties.
void add_properties(MqttFields& out, const std::vector<Property>& properties,
                    const std::string& prefix = "") {
    for (const Property& property : properties) {
        out.add(prefix + "property", property.id);
        switch (property.kind) {
            case PropertyKind::Utf8Pair:
                out.add_bytes(prefix + "property_key", property.text);
                out.add_bytes(prefix + "property_value", property.value);
                break;
            case PropertyKind::Utf8:
            case PropertyKind::Binary:
                out.add_bytes(prefix + "property_value", property.text);
                break;
            default:
                out.add(prefix + "property_value", property.number);
        }
    }
}

void add_fixed_header(MqttFields& out, const Packet& packet) {
    out.add("flags", packet.flags);
    out.add("type", static_cast<unsigned>(packet.type));
    if (packet.type == PacketType::Publish) {
        out.add("dup", packet.dup);
        out.add("qos", packet.qos);
        out.add("retain", packet.retain);
    }
    out.add("remaining_length", packet.remaining_length);
}

void add_connect(MqttFields& out, const Packet& packet) {
    out.add_bytes("protocol_name", packet.protocol_name);
    out.add("protocol_level", packet.protocol_level);
    out.add("connect_flags", packet.connect_flags);
    out.add("keepalive", packet.keepalive);
    add_properties(out, packet.properties);
    out.add_bytes("client_id", packet.client_id);
    if (packet.will) {
        add_properties(out, packet.will->properties, "will_");
        out.add_bytes("will_topic", packet.will->topic);
        out.add_bytes("will_payload", packet.will->payload);
    }
    if (packet.username) out.add_bytes("username", *packet.username);
    if (packet.password) out.add_bytes("password", *packet.password);
}

void add_packet_id(MqttFields& out, const Packet& packet) {
    if (packet.packet_id) out.add("packet_id", *packet.packet_id);
}

void add_reason_code(MqttFields& out, const Packet& packet) {
    if (packet.reason_code) out.add("reason_code", *packet.reason_code);
}

void add_body(MqttFields& out, const Packet& packet, Version version) {
    switch (packet.type) {
        case PacketType::Connect:
            return add_connect(out, packet);
        case PacketType::Connack:
            // 3.1's CONNACK has no session present flag: its first byte is reserved.
            if (version != Version::V31) out.add("session_present", packet.session_present);
            add_reason_code(out, packet);
            return add_properties(out, packet.properties);
        case PacketType::Publish:
            // As tshark: no empty topic, and the one a topic alias stands for after the properties.
            if (!packet.topic.empty()) out.add_bytes("topic", packet.topic);
            add_packet_id(out, packet);
            add_properties(out, packet.properties);
            if (packet.alias_topic) out.add_bytes("alias_topic", *packet.alias_topic);
            out.add_bytes("payload", packet.payload);
            return;
        case PacketType::Subscribe:
            add_packet_id(out, packet);
            add_properties(out, packet.properties);
            for (const auto& subscription : packet.subscriptions) {
                out.add_bytes("topic", subscription.filter);
                out.add("subscription_options", subscription.options);
            }
            return;
        case PacketType::Unsubscribe:
            add_packet_id(out, packet);
            add_properties(out, packet.properties);
            for (const std::string& filter : packet.unsubscribe_filters)
                out.add_bytes("topic", filter);
            return;
        case PacketType::Suback:
        case PacketType::Unsuback:
            add_packet_id(out, packet);
            add_properties(out, packet.properties);
            for (const std::uint8_t code : packet.reason_codes) out.add("reason_code", code);
            return;
        default:  // the acknowledgements, DISCONNECT, AUTH, PINGREQ, PINGRESP, reserved
            add_packet_id(out, packet);
            add_reason_code(out, packet);
            return add_properties(out, packet.properties);
    }
}

MqttFlow flow_of(const mqscan::MqttPacketEvent& event) {
    const mqscan::ConnectionSummary& connection = event.connection;
    const bool from_client = event.dir == mqscan::Direction::ToServer;
    return {connection.id, from_client ? connection.client.port : connection.server.port};
}

std::set<PacketPlace> places_of(const mqscan::CaptureReport& report, mqscan::AnomalyId id) {
    std::set<PacketPlace> places;
    for (const mqscan::Anomaly& anomaly : report.anomalies)
        if (anomaly.id == id && anomaly.connection && anomaly.frame)
            places.insert({*anomaly.connection, *anomaly.frame});
    return places;
}

// Gaps in MQTT connections where no packet was cut: the bytes lost were whole packets.
std::set<PacketPlace> gaps_between_packets(const mqscan::CaptureReport& report,
                                           const std::set<PacketPlace>& incomplete) {
    std::set<PacketPlace> places;
    for (const PacketPlace& gap : places_of(report, mqscan::AnomalyId::StreamGap))
        if (mqscan::find_mqtt(report, gap.stream) != nullptr && incomplete.count(gap) == 0)
            places.insert(gap);
    return places;
}

class PacketCollector final : public mqscan::EventSink {
public:
    void on_mqtt_packet(const mqscan::MqttPacketEvent& event) override {
        MqttFields fields{event.at.number, {}, event.malformed};
        add_fixed_header(fields, event.packet);
        add_body(fields, event.packet, event.version);
        flows_[flow_of(event)].push_back(std::move(fields));
    }

    MqttFlows take() { return std::move(flows_); }

private:
    MqttFlows flows_;
};

}  // namespace

MqscanMqtt mqscan_mqtt_packets(const std::string& path,
                               const std::vector<std::uint16_t>& mqtt_ports) {
    mqscan::AnalysisSettings settings;
    settings.mqtt.ports.insert(settings.mqtt.ports.end(), mqtt_ports.begin(), mqtt_ports.end());
    settings.mqtt.payload_cap = kWholePayload;
    // Every incomplete packet is compared, not only the ones a report lists.
    settings.limits.max_anomalies_listed = std::numeric_limits<std::size_t>::max();
    settings.limits.max_anomalies_listed_per_kind = std::numeric_limits<std::size_t>::max();
    PacketCollector collector;
    const mqscan::AnalysisResult result =
        mqscan::analyze_file(path, settings, mqscan::AnalysisHooks{.events = &collector});
    std::set<PacketPlace> incomplete = places_of(result.report, mqscan::AnomalyId::MqttPacketIncomplete);
    std::set<PacketPlace> between = gaps_between_packets(result.report, incomplete);
    return {result.message, collector.take(), std::move(incomplete), std::move(between)};
}
