#pragma once
// The MQTT packets tshark decodes in a capture (`-T json`), as the differential test compares
// them: the same fields and names as mqscan_mqtt.hpp.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "mqtt_fields.hpp"

struct TsharkMqtt {
    MqttFlows flows;  // the PDUs tshark has whole
    // PDUs tshark has only part of: cut by the snaplen ("[Packet size limited during
    // capture]", _ws.short), or in segments it could not reassemble ("[Unreassembled
    // Packet]", _ws.unreassembled, e.g. segments cut by the snaplen).
    std::set<PacketPlace> cut_by_snaplen;
    // Every frame shorter in the file than on the wire, marked by tshark or not.
    std::set<PacketPlace> frames_cut;
    std::set<PacketPlace> unreassembled;
};

// Runs tshark over `path` with MQTT decoded on `mqtt_ports` (and 1883). Throws
// std::runtime_error when tshark fails or prints something this parser does not know.
TsharkMqtt tshark_mqtt_packets(const std::string& path,
                               const std::vector<std::uint16_t>& mqtt_ports);
