#pragma once

#include <string>
#include <vector>

#include "mqscan/session_report.hpp"
#include "report/reporters.hpp"

namespace mqscan {

// The session lines of a connection's block in the text report: who
// connected with which options, the broker's answer, and how it ended.
std::vector<std::string> session_text_lines(const SessionReport& session, const ReportOptions& options);

}  // namespace mqscan
