#pragma once
// `mqscan lab list` and `mqscan lab record SCENARIO -o FILE`: reference
// captures of the labs' scenarios, made by the embedded broker and clients on
// a simulated network (samples/lab/MANIFEST.md); `mqscan lab broker`, `pub`
// and `sub`: the same broker and client on real sockets.

#include <CLI/CLI.hpp>
#include <string>

#include "cli/lab_broker_command.hpp"
#include "cli/lab_client_command.hpp"
#include "lab/scenario/scenario_recording.hpp"

namespace mqscan::cli {

struct LabOptions {
    std::string scenario;
    std::string output;
    std::string tls;  // "1.2", "1.3"; empty: the scenario's own
    std::string keylog;
    std::string broker_log;  // "-": standard output
    lab::RecordOptions record;  // the rest, but the TLS version
    LabBrokerOptions broker;
    LabClientOptions client;
};

// The `lab` command and its subcommands.
CLI::App* add_lab_command(CLI::App& app, LabOptions& options);
int run_lab(const CLI::App& lab, const LabOptions& options);

}  // namespace mqscan::cli
