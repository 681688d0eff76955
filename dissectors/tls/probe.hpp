#pragma once
// Do a stream's first bytes start a TLS record? A header-only heuristic for
// any port: content type 20 to 24, version 3.0 to 3.4 and a length a record
// can have (RFC 8446 §5.1), or an SSL 2.0-compatible ClientHello (RFC 5246
// Appendix E.2).

#include "mqscan/byte_reader.hpp"
#include "mqtt/probe.hpp"

namespace mqscan::tls {

// One answer type for every dissector's probe.
using ProbeResult = mqtt::ProbeResult;

[[nodiscard]] ProbeResult probe_record(Bytes first_bytes);

}  // namespace mqscan::tls
