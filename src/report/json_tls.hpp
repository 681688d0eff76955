#pragma once

#include "mqscan/tls.hpp"
#include "report/json_writer.hpp"

namespace mqscan {

// The `tls` object of one connection (docs/json-schema.md).
void write_tls_json(JsonWriter& json, const TlsConnectionReport& tls);

}  // namespace mqscan
