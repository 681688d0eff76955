#pragma once
// The MQTT 5.0 properties the engines read and write [MQTT 5.0 §2.2.2.2], by name.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqscan/mqtt.hpp"
#include "mqtt/properties.hpp"

namespace mqscan::lab::prop {

inline constexpr std::uint8_t kMessageExpiryInterval = 2;
inline constexpr std::uint8_t kSubscriptionIdentifier = 11;
inline constexpr std::uint8_t kSessionExpiryInterval = 17;
inline constexpr std::uint8_t kAssignedClientIdentifier = 18;
inline constexpr std::uint8_t kServerKeepAlive = 19;
inline constexpr std::uint8_t kAuthenticationMethod = 21;
inline constexpr std::uint8_t kWillDelayInterval = 24;
inline constexpr std::uint8_t kReceiveMaximum = 33;
inline constexpr std::uint8_t kTopicAliasMaximum = 34;
inline constexpr std::uint8_t kTopicAlias = mqtt::kTopicAliasProperty;
inline constexpr std::uint8_t kMaximumQos = 36;
inline constexpr std::uint8_t kUserProperty = 38;
inline constexpr std::uint8_t kMaximumPacketSize = 39;

// The first property with this identifier, or nullptr.
const mqtt::Property* find(const std::vector<mqtt::Property>& properties, std::uint8_t id);
// The value of the first numeric property with this identifier.
std::optional<std::uint32_t> number(const std::vector<mqtt::Property>& properties, std::uint8_t id);

// A numeric property, encoded as the table of properties says.
mqtt::Property numeric(std::uint8_t id, std::uint32_t value);
// A UTF-8 string property.
mqtt::Property text(std::uint8_t id, std::string value);

}  // namespace mqscan::lab::prop
