#pragma once
// The engines name MQTT 5.0 properties as prop::kSessionExpiryInterval, prop::find, ...

#include "mqtt/properties.hpp"

namespace mqscan::lab {

namespace prop = mqtt::property;

}  // namespace mqscan::lab
