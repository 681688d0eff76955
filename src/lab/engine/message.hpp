#pragma once
// An application message as both engines carry it [MQTT-3.3], the PUBLISH
// that carries it, and the other small packets both engines send.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lab/engine/reason_codes.hpp"
#include "mqscan/mqtt.hpp"

namespace mqscan::lab {

struct Message {
    std::string topic;
    std::string payload;
    std::uint8_t qos = 0;
    bool retain = false;
    std::vector<mqtt::Property> properties;  // 5.0: those that travel with the message

    bool operator==(const Message&) const = default;
};

// The message of a PUBLISH: its topic, or the one its alias stands for, and the
// properties that travel on. Not the topic alias, which belongs to one
// connection [MQTT 5.0 §3.3.2.3.4], nor subscription identifiers, which the
// broker sets per subscriber [MQTT 5.0 §3.3.2.3.8].
Message message_of(const mqtt::Packet& publish);

// A will as the message published for it; the will delay is no PUBLISH property [MQTT 5.0 §3.1.3.2].
Message message_of(const mqtt::Will& will);

// The bytes a held message costs: topic, payload and the properties' strings,
// what the byte budgets of queued and retained messages count.
std::size_t held_bytes(const Message& message);

// The PUBLISH that carries `message`; `id` for QoS 1 and 2.
mqtt::Packet publish_packet(const Message& message, std::optional<std::uint16_t> id, bool dup);

// PUBACK, PUBREC, PUBREL, PUBCOMP: a 5.0 success code is left out, the short
// form mosquitto sends [MQTT 5.0 §3.4.2.1].
mqtt::Packet ack_packet(mqtt::PacketType type, std::uint16_t id, std::uint8_t reason = reason::kSuccess);

// A 5.0 DISCONNECT (a 3.x one carries nothing).
mqtt::Packet disconnect_packet(std::uint8_t reason = reason::kSuccess,
                               std::vector<mqtt::Property> properties = {});

// PINGREQ, PINGRESP: a fixed header alone.
mqtt::Packet bare_packet(mqtt::PacketType type);

}  // namespace mqscan::lab
