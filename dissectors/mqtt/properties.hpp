#pragma once
// MQTT 5.0 properties [MQTT-2.2.2]: the table of all of them, and their codec.

#include <cstdint>
#include <optional>
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

// The properties read or written by name elsewhere [MQTT 5.0 §2.2.2.2].
namespace property {

inline constexpr std::uint8_t kMessageExpiryInterval = 2;
inline constexpr std::uint8_t kSubscriptionIdentifier = 11;
inline constexpr std::uint8_t kSessionExpiryInterval = 17;
inline constexpr std::uint8_t kAssignedClientIdentifier = 18;
inline constexpr std::uint8_t kServerKeepAlive = 19;
inline constexpr std::uint8_t kAuthenticationMethod = 21;
inline constexpr std::uint8_t kWillDelayInterval = 24;
inline constexpr std::uint8_t kReceiveMaximum = 33;
inline constexpr std::uint8_t kTopicAliasMaximum = 34;
inline constexpr std::uint8_t kTopicAlias = kTopicAliasProperty;
inline constexpr std::uint8_t kMaximumQos = 36;
inline constexpr std::uint8_t kUserProperty = 38;
inline constexpr std::uint8_t kMaximumPacketSize = 39;

// The first property with this identifier, or nullptr.
const Property* find(const std::vector<Property>& properties, std::uint8_t id);
// The value of the first numeric property with this identifier.
std::optional<std::uint32_t> number(const std::vector<Property>& properties, std::uint8_t id);

// A numeric property, encoded as the table of properties says.
Property numeric(std::uint8_t id, std::uint32_t value);
// A UTF-8 string property.
Property text(std::uint8_t id, std::string value);

}  // namespace property

// Reads a property length and that many bytes of properties. Returns false
// when the packet cannot be read further (unknown id, length past the end).
bool parse_properties(FieldReader& fields, PropertyContext context, std::vector<Property>& out);

void encode_properties(const std::vector<Property>& properties, std::string& out);

}  // namespace mqscan::mqtt
