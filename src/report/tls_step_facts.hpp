#pragma once
// What a TLS handshake step showed, for the lines `mqscan live` streams:
// the server name asked for, the version and cipher chosen, the certificate
// sent. Text and JSON lines print the same facts.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mqscan/events.hpp"

namespace mqscan {

using TlsStepFacts = std::vector<std::pair<std::string_view, std::string>>;

// Empty for a step that shows nothing more than its name (or whose message could not be read).
[[nodiscard]] TlsStepFacts tls_step_facts(const TlsStepEvent& event);

}  // namespace mqscan
