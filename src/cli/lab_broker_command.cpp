#include "cli/lab_broker_command.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "cli/exit_codes.hpp"
#include "lab/engine/password_file.hpp"
#include "lab/real/broker_server.hpp"
#include "lab/real/mosquitto_options.hpp"
#include "lab/real/wall_clock.hpp"

namespace mqscan::cli {
namespace {

using lab::real::ListenerSettings;

// The broker's log on stderr. Once stderr refuses a line (a closed pipe, a
// full disk) nothing more is written to it, and the broker goes on serving:
// there is nowhere left to say it, and a log is no reason to stop.
class StderrLog {
public:
    void write(const lab::LogLine& line) {
        if (refused_) return;
        const std::string text = line.text() + "\n";
        refused_ = std::fwrite(text.data(), 1, text.size(), stderr) != text.size();
    }
    // mosquitto's start and stop lines, stamped as its log stamps them: always
    // written, so that a script can wait for "running".
    void announce(std::string_view message) { write({lab::real::WallClock().now(), std::string(message)}); }

private:
    bool refused_ = false;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(fmt::format("cannot read {}", path));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

lab::BrokerOptions broker_options(const LabBrokerOptions& o) {
    lab::BrokerOptions broker;
    broker.allow_anonymous = o.password_file.empty() || o.allow_anonymous;
    if (!o.password_file.empty()) {
        auto table = lab::parse_password_file(read_file(o.password_file));
        if (!table) throw std::invalid_argument(fmt::format("{}: {}", o.password_file, table.error()));
        broker.passwords = std::move(*table);
    }
    broker.limits.max_packet_size = o.max_packet_size;
    // The client ids the broker assigns differ from one run to the next, as mosquitto's do.
    broker.seed = std::random_device{}();
    return broker;
}

ListenerSettings tls_listener(const LabBrokerOptions& o) {
    if (o.certfile.empty() || o.keyfile.empty()) throw std::invalid_argument("--tls-port needs --certfile and --keyfile");
    if (o.require_certificate && o.cafile.empty())
        throw std::invalid_argument("--require-certificate needs --cafile, to verify the clients' certificates");
    ListenerSettings tls{o.bind, *o.tls_port, {}, o.use_identity_as_username};
    tls.tls = lab::real::tls_options_from_files(lab::TlsRole::Server, {o.cafile, o.certfile, o.keyfile});
    tls.tls->versions = *lab::real::tls_versions_named(o.tls_version, lab::real::TlsVersionRole::Minimum);
    // As mosquitto: without require_certificate, no client certificate is asked for.
    tls.tls->peer_certificate = o.require_certificate ? lab::PeerCertificate::Required : lab::PeerCertificate::Ignored;
    return tls;
}

// What the user asked that cannot work, as an exception with plain words.
lab::real::BrokerServerOptions server_options(const LabBrokerOptions& o) {
    const bool tls_asked = !o.cafile.empty() || !o.certfile.empty() || !o.keyfile.empty() || o.require_certificate ||
                           o.use_identity_as_username;
    if (tls_asked && !o.tls_port)
        throw std::invalid_argument("--cafile, --certfile, --keyfile, --require-certificate and "
                                    "--use-identity-as-username are settings of the TLS listener: add --tls-port");
    // Without a certificate asked for, no client has a CN: every one would be refused.
    if (o.use_identity_as_username && !o.require_certificate)
        throw std::invalid_argument("--use-identity-as-username needs --require-certificate: without a client "
                                    "certificate there is no identity to use");
    lab::real::BrokerServerOptions server;
    server.broker = broker_options(o);
    server.limits.max_connections = o.max_connections;
    server.limits.connect_timeout_ms = o.connect_timeout * 1000;
    server.listeners.push_back(ListenerSettings{o.bind, o.port, std::nullopt, false});
    if (o.tls_port) server.listeners.push_back(tls_listener(o));
    return server;
}

}  // namespace

CLI::App* add_lab_broker_command(CLI::App& lab, LabBrokerOptions& o) {
    CLI::App* broker = lab.add_subcommand(
        "broker", "serve real MQTT clients (3.1, 3.1.1, 5.0) on real sockets, in clear and over TLS, logging as "
                  "mosquitto -v; SIGINT or SIGTERM stops it");
    broker->add_option("-p,--port", o.port, "the port in clear (0: one the kernel picks)")->capture_default_str();
    broker->add_option("--bind", o.bind, "the address both listeners listen on")->capture_default_str();
    broker->add_option("--tls-port", o.tls_port, "a second listener, over TLS (0: one the kernel picks)");
    broker->add_option("--cafile", o.cafile, "PEM CA certificates that verify the clients' certificates")
        ->check(CLI::ExistingFile);
    broker->add_option("--certfile", o.certfile, "the broker's PEM certificate (then its chain)")
        ->check(CLI::ExistingFile);
    broker->add_option("--keyfile", o.keyfile, "the broker's PEM private key (unencrypted)")->check(CLI::ExistingFile);
    broker->add_option("--tls-version", o.tls_version, "the lowest TLS version allowed")
        ->check(CLI::IsMember({"tlsv1.2", "tlsv1.3"}))
        ->capture_default_str();
    broker->add_flag("--require-certificate", o.require_certificate,
                     "a TLS client must send a certificate the CA signed (mutual TLS)");
    broker->add_flag("--use-identity-as-username", o.use_identity_as_username,
                     "on the TLS listener, the CN of the client's certificate is its user name");
    broker->add_option("--password-file", o.password_file,
                       "clear-text user:password lines; then clients must give a user name and its password")
        ->check(CLI::ExistingFile);
    broker->add_flag("--allow-anonymous", o.allow_anonymous,
                     "with --password-file, also let in clients that give no user name");
    broker->add_option("--max-connections", o.max_connections, "connections open at once (TLS handshakes included)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{4096}))
        ->capture_default_str();
    broker->add_option("--connect-timeout", o.connect_timeout,
                       "seconds for a connection's CONNECT to arrive, from its accept or the end of its TLS handshake")
        ->check(CLI::Range(std::uint32_t{1}, std::uint32_t{3600}))
        ->capture_default_str();
    broker->add_option("--max-packet-size", o.max_packet_size, "the largest MQTT packet read, in bytes")
        ->check(CLI::Range(std::uint32_t{64}, std::uint32_t{268'435'455}))
        ->capture_default_str();
    broker->add_flag("-v,--verbose", o.verbose, "print the broker's log on stderr, as mosquitto -v does");
    return broker;
}

int run_lab_broker(const LabBrokerOptions& o) {
    lab::real::BrokerServerOptions options;
    try {
        options = server_options(o);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "mqscan lab broker: {}\n", e.what());
        return kExitUnreadable;
    }
    // Signals are held from here, so that one sent as soon as "running" is printed stops the broker cleanly.
    const lab::real::StopSignals stop;
    StderrLog log;
    const bool verbose = o.verbose;
    auto server = lab::real::BrokerServer::open(options, [verbose, &log](const lab::LogLine& line) {
        if (verbose) log.write(line);
    });
    log.announce("mqscan lab broker version " MQSCAN_VERSION " starting");
    if (!server) {
        fmt::print(stderr, "mqscan lab broker: {}\n", server.error());
        return kExitUnreadable;
    }
    const std::string family = o.bind.find(':') != std::string::npos ? "ipv6" : "ipv4";
    for (const std::uint16_t port : (*server)->ports())
        log.announce(fmt::format("Opening {} listen socket on port {}.", family, port));
    log.announce("mqscan lab broker version " MQSCAN_VERSION " running");
    (*server)->run(stop);
    log.announce("mqscan lab broker version " MQSCAN_VERSION " terminating");
    return kExitComplete;
}

}  // namespace mqscan::cli
