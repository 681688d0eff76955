#pragma once
// MQTT 5.0 properties [MQTT-2.2.2]: the table of all of them, and their codec.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mqscan/mqtt.hpp"
#include "mqtt/field_reader.hpp"

namespace mqscan::mqtt {

// Where a property may appear: a bit per packet type, and one for the will.
using PropertyContext = std::uint32_t;
constexpr PropertyContext context_of(PacketType type) { return 1u << static_cast<int>(type); }
inline constexpr PropertyContext kWillContext = 1u << 16;

inline constexpr std::uint8_t kTopicAliasProperty = 35;

struct PropertyInfo {
    std::uint8_t id;
    std::string_view name;  // snake_case, as reports print it
    PropertyKind kind;
    PropertyContext allowed;
    PropertyContext repeatable;  // where it may appear more than once
};

// nullptr for an identifier the specification does not define.
const PropertyInfo* find_property(std::uint8_t id);

// Reads a property length and that many bytes of properties. Returns false
// when the packet cannot be read further (unknown id, length past the end).
bool parse_properties(FieldReader& fields, PropertyContext context, std::vector<Property>& out);

void encode_properties(const std::vector<Property>& properties, std::string& out);

}  // namespace mqscan::mqtt
