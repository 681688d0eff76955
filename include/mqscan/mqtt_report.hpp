#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "mqscan/connection.hpp"
#include "mqscan/mqtt.hpp"
#include "mqscan/timestamp.hpp"

namespace mqscan {

struct MqttPacketRecord {
    std::uint64_t frame = 0;
    Timestamp time;
    Direction dir = Direction::ToServer;
    mqtt::Packet packet;
    bool malformed = false;
    bool trimmed = false;  // long strings or lists were shortened for the listing
};

// What a report says about the MQTT of one connection.
struct MqttConnectionReport {
    std::uint64_t connection = 0;
    mqtt::Version version = mqtt::Version::Unknown;
    bool version_from_connect = false;
    std::optional<mqtt::Packet> connect;  // the first well-formed CONNECT, when captured
    std::vector<MqttPacketRecord> packets;  // within MqttSettings::max_packets_listed
    std::uint64_t packet_count = 0;         // every packet, listed or not
};

}  // namespace mqscan
