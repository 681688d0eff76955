#pragma once

#include "mqscan/tls.hpp"
#include "report/json_writer.hpp"

namespace mqscan {

// The `tls` object of one connection (docs/json-schema.md).
void write_tls_json(JsonWriter& json, const TlsConnectionReport& tls);
// One alert's members (frame, dir, encrypted, level, description...), in an open object.
void write_tls_alert_members(JsonWriter& json, const TlsAlert& alert);

}  // namespace mqscan
