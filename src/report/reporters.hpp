#pragma once

#include <cstdio>
#include <string>

#include "mqscan/capture_report.hpp"

namespace mqscan {

struct ReportOptions {
    bool show_secrets = false;  // passwords in clear instead of "<hidden>"
    bool color = false;         // ANSI colours in the text report (--color)
    std::string narrowed_to;    // what --connection/--client-id/--topic kept, for the header
};

class JsonWriter;

// The JSON document described in docs/json-schema.md, as a string or streamed,
// or as one value of a larger document (JSON lines).
std::string render_json(const CaptureReport& report, const ReportOptions& options = {});
void write_json_report(JsonWriter& json, const CaptureReport& report, const ReportOptions& options);
void write_json(const CaptureReport& report, const ReportOptions& options, std::FILE* out);
// The human-readable report.
std::string render_text(const CaptureReport& report, const ReportOptions& options = {});

}  // namespace mqscan
