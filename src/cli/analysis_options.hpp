#pragma once
// What several commands do alike with their options before an analysis.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqscan/analysis.hpp"
#include "x509/trust_store.hpp"

namespace mqscan::cli {

// Ports given on the command line join the defaults; they are servers too
// when a connection's roles must be guessed.
void add_ports(AnalysisSettings& settings, const std::vector<std::uint16_t>& mqtt_ports,
               const std::vector<std::uint16_t>& tls_ports);

// Loads the --ca files into `store` and points the settings at it; on failure, why.
std::optional<std::string> load_trust_store(const std::vector<std::string>& files, AnalysisSettings& settings,
                                            std::optional<x509::TrustStore>& store);

}  // namespace mqscan::cli
