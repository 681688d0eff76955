#pragma once
// `mqscan lab pub` and `mqscan lab sub`: the lab's client on a real socket,
// with mosquitto_pub's and mosquitto_sub's core options.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mqscan::cli {

struct LabClientOptions {
    std::string host = "localhost";
    std::optional<std::uint16_t> port;  // default 1883, 8883 with --cafile
    std::vector<std::string> topics;
    std::string message;
    int qos = 0;
    bool retain = false;
    std::string id;
    std::uint16_t keepalive = 60;
    bool no_clean_session = false;
    std::optional<std::string> username;
    std::optional<std::string> password;
    std::string version = "mqttv311";
    std::string cafile;
    std::string cert;
    std::string key;
    std::string tls_version;
    bool insecure = false;
    // sub only
    int count = 0;    // -C: leave after this many messages; 0: stay
    int timeout = 0;  // -W: leave after this many seconds; 0: stay
    bool verbose = false;
};

// Adds `pub` and `sub` to the lab command; both fill `options`.
void add_lab_client_commands(CLI::App& lab, LabClientOptions& options);
int run_lab_pub(const LabClientOptions& options);
int run_lab_sub(const LabClientOptions& options);

}  // namespace mqscan::cli
