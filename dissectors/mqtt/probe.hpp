#pragma once

#include "mqscan/byte_reader.hpp"

namespace mqscan::mqtt {

enum class ProbeResult { Yes, No, NeedMore };

// Do a client's first bytes start an MQTT CONNECT ("MQTT" or "MQIsdp")?
ProbeResult probe_connect(Bytes first_bytes);

// Do the bytes start with a whole packet of some MQTT type (a fixed header
// and its remaining length)? On an MQTT port that is enough to decide.
bool holds_whole_packet(Bytes first_bytes);

}  // namespace mqscan::mqtt
