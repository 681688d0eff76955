#pragma once
// One MQTT control packet as the MQTT differential test compares it: the fields a decoder
// shows, in wire order, with tool-neutral names and values (see README.md).

#include <cstdint>
#include <compare>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct MqttField {
    std::string name;   // "type", "topic", "property", "property_value", ...
    std::string value;  // a decimal number, or bytes as printable text (see printable_bytes)

    bool operator==(const MqttField&) const = default;
};

struct MqttFields {
    std::uint64_t frame = 0;  // the frame that completed the packet
    std::vector<MqttField> fields;
    bool malformed = false;  // the decoder found the packet damaged

    bool operator==(const MqttFields&) const = default;

    void add(std::string name, std::uint64_t number) {
        fields.push_back({std::move(name), std::to_string(number)});
    }
    void add_bytes(std::string name, std::string_view bytes);
};

// One direction of a connection: its tcp.stream and the sender's port.
struct MqttFlow {
    std::uint64_t stream = 0;
    std::uint16_t sender_port = 0;

    auto operator<=>(const MqttFlow&) const = default;
};

// Packets by direction of each connection, in order.
using MqttFlows = std::map<MqttFlow, std::vector<MqttFields>>;

// Where a packet is: its connection (tcp.stream) and the frame that completed it (or cut it).
struct PacketPlace {
    std::uint64_t stream = 0;
    std::uint64_t frame = 0;

    auto operator<=>(const PacketPlace&) const = default;
};

std::ostream& operator<<(std::ostream& out, const PacketPlace& place);

// Printable ASCII as is, a backslash as "\\", any other byte as "\xNN": unambiguous, and
// readable in failure messages.
std::string printable_bytes(std::string_view bytes);

std::ostream& operator<<(std::ostream& out, const MqttFields& packet);
