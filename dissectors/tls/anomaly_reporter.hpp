#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "mqscan/anomaly.hpp"

namespace mqscan::tls {

// Where the dissector's findings go: (anomaly, frame, detail), as for MQTT.
using AnomalyReporter = std::function<void(AnomalyId, std::uint64_t frame, std::string detail)>;

}  // namespace mqscan::tls
