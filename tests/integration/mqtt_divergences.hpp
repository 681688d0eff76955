#pragma once
// Where mqscan and tshark decode a capture's MQTT differently, and why (see README.md).

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt_fields.hpp"

// One packet of a connection that the two tools show differently: each side as MqttFields
// prints it, or "none" when that tool has no such packet.
struct PacketDifference {
    MqttFlow flow;
    std::string mqscan;
    std::string tshark;

    bool operator==(const PacketDifference&) const = default;
};

std::ostream& operator<<(std::ostream& out, const PacketDifference& difference);

struct KnownMqttDivergence {
    std::string_view capture;  // the path under the capture directory
    std::string_view why;      // with the evidence
    std::vector<PacketDifference> differences;
};

// The divergence documented for the capture at `relative_path`, if any.
const KnownMqttDivergence* known_mqtt_divergence(std::string_view relative_path);
