#include "lab/engine/message.hpp"

#include <algorithm>

#include "lab/engine/property_values.hpp"

namespace mqscan::lab {
namespace {

std::vector<mqtt::Property> without(const std::vector<mqtt::Property>& properties,
                                    std::initializer_list<std::uint8_t> ids) {
    std::vector<mqtt::Property> kept;
    for (const mqtt::Property& p : properties)
        if (std::find(ids.begin(), ids.end(), p.id) == ids.end()) kept.push_back(p);
    return kept;
}

}  // namespace

Message message_of(const mqtt::Packet& publish) {
    return {publish.effective_topic(), publish.payload, publish.qos, publish.retain,
            without(publish.properties, {prop::kTopicAlias, prop::kSubscriptionIdentifier})};
}

Message message_of(const mqtt::Will& will) {
    return {will.topic, will.payload, will.qos, will.retain, without(will.properties, {prop::kWillDelayInterval})};
}

std::size_t held_bytes(const Message& message) {
    std::size_t bytes = message.topic.size() + message.payload.size();
    for (const mqtt::Property& p : message.properties) bytes += sizeof p + p.text.size() + p.value.size();
    return bytes;
}

mqtt::Packet publish_packet(const Message& message, std::optional<std::uint16_t> id, bool dup) {
    mqtt::Packet p;
    p.type = mqtt::PacketType::Publish;
    p.dup = dup;
    p.qos = message.qos;
    p.retain = message.retain;
    p.packet_id = id;
    p.topic = message.topic;
    p.payload = message.payload;
    p.payload_length = static_cast<std::uint32_t>(message.payload.size());
    p.properties = message.properties;
    return p;
}

mqtt::Packet ack_packet(mqtt::PacketType type, std::uint16_t id, std::uint8_t reason) {
    mqtt::Packet p;
    p.type = type;
    p.packet_id = id;
    if (reason != reason::kSuccess) p.reason_code = reason;
    return p;
}

mqtt::Packet disconnect_packet(std::uint8_t reason, std::vector<mqtt::Property> properties) {
    mqtt::Packet p;
    p.type = mqtt::PacketType::Disconnect;
    if (reason != reason::kSuccess || !properties.empty()) p.reason_code = reason;
    p.properties = std::move(properties);
    return p;
}

mqtt::Packet bare_packet(mqtt::PacketType type) {
    mqtt::Packet p;
    p.type = type;
    return p;
}

}  // namespace mqscan::lab
