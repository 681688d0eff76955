#pragma once

#include "core/report_builder.hpp"
#include "mqscan/analysis.hpp"

namespace mqscan {

// The conclusions drawn over every section of the report: how each session
// ended (keepalive expiry), the security verdict and its findings, and the
// capture's quality.
void conclude(const AnalysisSettings& settings, ReportBuilder& report);

}  // namespace mqscan
