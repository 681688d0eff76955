#pragma once

#include "core/report_builder.hpp"
#include "mqscan/analysis.hpp"

namespace mqscan {

// The security verdict (draft().verdict) and its findings, from the sessions
// and the TLS records: what crossed in clear, what TLS protected and how well.
void judge_security(const AnalysisSettings& settings, ReportBuilder& report);

}  // namespace mqscan
