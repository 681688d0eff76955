#pragma once
// The MQTT packets mqscan decodes in a capture, as the differential test compares them.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "mqtt_fields.hpp"

struct MqscanMqtt {
    std::string message;  // mqscan's message when the capture was unreadable or damaged
    MqttFlows flows;
    // Where mqscan reported a packet lost to missing bytes (anomaly mqtt.packet.incomplete).
    std::set<PacketPlace> incomplete;
    // Where bytes went missing between two packets (tcp.stream.gap, no packet cut there).
    std::set<PacketPlace> cut_between_packets;
};

// Runs mqscan over `path` with MQTT expected on `mqtt_ports` (and 1883), keeping whole payloads.
MqscanMqtt mqscan_mqtt_packets(const std::string& path,
                               const std::vector<std::uint16_t>& mqtt_ports);
