#pragma once

#include <string>
#include <vector>

#include "mqscan/capture_report.hpp"

namespace mqscan {

// The "Subscriptions and delivery" section of the text report, for students:
// who subscribed to what, retained messages, where each message went through
// the broker, and the topic tree. Empty when the capture has none of it.
std::vector<std::string> delivery_text_lines(const CaptureReport& report);

}  // namespace mqscan
