#pragma once

#include "mqscan/connection.hpp"
#include "mqscan/session_report.hpp"

namespace mqscan {

// How a connection ended without a DISCONNECT: the first FIN or RST decides
// which side closed it.
SessionEnding tcp_ending(const ConnectionSummary& connection);

}  // namespace mqscan
