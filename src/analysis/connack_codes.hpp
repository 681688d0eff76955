#pragma once

#include <cstdint>
#include <string_view>

#include "mqscan/mqtt.hpp"

namespace mqscan {

// What a CONNACK's return code (3.x) or reason code (5.0) means, in the spec's
// words [MQTT-3.2.2.3], or "" for a code the version does not define.
[[nodiscard]] std::string_view connack_meaning(mqtt::Version version, std::uint8_t code);

}  // namespace mqscan
