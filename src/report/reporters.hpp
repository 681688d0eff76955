#pragma once

#include <string>

#include "mqscan/capture_report.hpp"

namespace mqscan {

// The JSON document described in docs/json-schema.md.
std::string render_json(const CaptureReport& report);
// The human-readable report.
std::string render_text(const CaptureReport& report);

}  // namespace mqscan
