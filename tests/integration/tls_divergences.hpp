#pragma once
// Where mqscan and tshark report a capture's TLS differently, and why (see README.md).

#include <string_view>
#include <vector>

#include "tls_view.hpp"

struct KnownTlsDivergence {
    std::string_view capture;  // the path under the capture directory
    std::string_view why;      // with the evidence
    std::vector<FactDifference> differences;
};

// The divergence documented for the capture at `relative_path`, if any.
const KnownTlsDivergence* known_tls_divergence(std::string_view relative_path);
