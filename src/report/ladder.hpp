#pragma once
// `--ladder`: each MQTT connection as a sequence diagram in text, like the QoS 2
// figure of the lab sheet: a client and a broker column, one arrow per packet.

#include <string>

#include "mqscan/capture_report.hpp"

namespace mqscan {

// Every MQTT connection of the report, in connection order, a blank line
// between two. Passwords are never shown, whatever --show-secrets says: a
// ladder is made to be pasted into a lab report.
std::string render_ladder(const CaptureReport& report);

}  // namespace mqscan
