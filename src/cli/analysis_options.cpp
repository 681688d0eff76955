#include "cli/analysis_options.hpp"

namespace mqscan::cli {

void add_ports(AnalysisSettings& settings, const std::vector<std::uint16_t>& mqtt_ports,
               const std::vector<std::uint16_t>& tls_ports) {
    for (std::vector<std::uint16_t>* list : {&settings.mqtt.ports, &settings.server_ports})
        list->insert(list->end(), mqtt_ports.begin(), mqtt_ports.end());
    for (std::vector<std::uint16_t>* list : {&settings.tls.ports, &settings.server_ports})
        list->insert(list->end(), tls_ports.begin(), tls_ports.end());
}

std::optional<std::string> load_trust_store(const std::vector<std::string>& files, AnalysisSettings& settings,
                                            std::optional<x509::TrustStore>& store) {
    if (files.empty()) return std::nullopt;
    auto loaded = x509::TrustStore::load({files.begin(), files.end()});
    if (!loaded) return loaded.error();
    store.emplace(std::move(*loaded));
    settings.trust_store = &*store;
    return std::nullopt;
}

}  // namespace mqscan::cli
