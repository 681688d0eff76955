#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mqscan/capture_report.hpp"

namespace mqscan {

// Sentences for one connection's block of the text report: its QoS flows.
std::vector<std::string> qos_text_lines(const CaptureReport& report, std::uint64_t connection);
// Sentences for one connection's block: its keepalive and pings.
std::vector<std::string> keepalive_text_lines(const CaptureReport& report, std::uint64_t connection);
// The capture-wide QoS totals (the "QoS" section); empty when no QoS 1 or 2 PUBLISH was seen.
std::vector<std::string> qos_summary_lines(const CaptureReport& report);

}  // namespace mqscan
