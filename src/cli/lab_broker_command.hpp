#pragma once
// `mqscan lab broker`: the lab's broker serving real clients, with the
// options of mosquitto.conf the labs use (LABS.md) as command-line options.

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace mqscan::cli {

struct LabBrokerOptions {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 1883;  // 0: one the kernel picks (the log says which)
    std::optional<std::uint16_t> tls_port;
    std::string cafile;
    std::string certfile;
    std::string keyfile;
    std::string tls_version = "tlsv1.2";
    bool require_certificate = false;
    bool use_identity_as_username = false;
    std::string password_file;
    bool allow_anonymous = false;  // with a password file; without one, every client is let in
    std::size_t max_connections = 256;
    std::uint32_t connect_timeout = 10;  // seconds
    std::uint32_t max_packet_size = 1024 * 1024;
    bool verbose = false;
};

CLI::App* add_lab_broker_command(CLI::App& lab, LabBrokerOptions& options);
int run_lab_broker(const LabBrokerOptions& options);

}  // namespace mqscan::cli
