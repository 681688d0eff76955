#pragma once

#include <vector>

#include "mqscan/capture_report.hpp"
#include "report/json_writer.hpp"
#include "report/reporters.hpp"

namespace mqscan {

// The analyses' sections of the JSON report (docs/json-schema.md): each
// function writes the value of one top-level key.
void write_sessions_json(JsonWriter& json, const std::vector<SessionReport>& sessions,
                         TimePrecision precision, const ReportOptions& options);
void write_findings_json(JsonWriter& json, const std::vector<Finding>& findings);
// One finding's members (id, severity, title, connection, frame, message), in an open object.
void write_finding_members(JsonWriter& json, const Finding& finding);
void write_verdict_json(JsonWriter& json, const Verdict& verdict);
void write_quality_json(JsonWriter& json, const CaptureQuality& quality);

}  // namespace mqscan
