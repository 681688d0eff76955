#pragma once
// `mqscan live -i IFACE`: MQTT and TLS on a network interface as it happens,
// the full report when stopped (docs/live.md).

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "mqscan/analysis.hpp"

namespace mqscan::cli {

struct LiveOptions {
    std::string interface;
    std::string filter;  // empty: the MQTT and TLS ports
    std::uint64_t count = 0;
    double duration = 0;  // seconds; 0: until stopped
    std::string save_path;
    bool no_promiscuous = false;
    bool list_interfaces = false;
    std::string format = "text";
    std::vector<std::uint16_t> mqtt_ports;
    std::vector<std::uint16_t> tls_ports;
    std::vector<std::string> ca_files;
    bool show_secrets = false;
    AnalysisSettings settings;  // --payload-cap; the ports and CAs are added by run_live
};

CLI::App* add_live_command(CLI::App& app, LiveOptions& options);
int run_live(const LiveOptions& options);

}  // namespace mqscan::cli
