#pragma once

#include "mqscan/byte_reader.hpp"

namespace mqscan::mqtt {

enum class ProbeResult { Yes, No, NeedMore };

// Do a client's first bytes start an MQTT CONNECT ("MQTT" or "MQIsdp")?
ProbeResult probe_connect(Bytes first_bytes);

}  // namespace mqscan::mqtt
