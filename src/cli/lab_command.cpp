#include "cli/lab_command.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "cli/exit_codes.hpp"
#include "core/utf8.hpp"
#include "lab/net/impairments.hpp"
#include "lab/scenario/scenario_recording.hpp"
#include "lab/scenario/scenario_registry.hpp"

namespace mqscan::cli {
namespace {

// A line per scenario, then what its capture shows, indented.
void list_scenarios() {
    for (const lab::Scenario& scenario : lab::all_scenarios())
        fmt::print("{:<22} {}{}\n{:<22} {}\n", scenario.name, scenario.summary, scenario.default_tls ? " [TLS]" : "",
                   "", scenario.shows);
}

// X.509's upper bound for O and OU (RFC 5280 ub-organization-name) less "Ciel " / "iot ".
constexpr std::size_t kMaxStudentName = 59;

std::size_t code_points(std::string_view utf8) {
    std::size_t count = 0;
    for (const char c : utf8) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

// What the user asked that cannot be played, in plain words; empty when all is well.
std::string option_error(const LabOptions& o, const lab::Scenario& scenario) {
    if (o.output == "-") return "-o needs a file name: standard output carries the summary line";
    if (!o.tls.empty() && !scenario.default_tls) return fmt::format("scenario '{}' uses no TLS", scenario.name);
    if (!o.keylog.empty() && !scenario.default_tls)
        return fmt::format("scenario '{}' uses no TLS: --keylog would stay empty", scenario.name);
    if (!is_valid_utf8(o.record.student) || code_points(o.record.student) > kMaxStudentName)
        return fmt::format("--student must be UTF-8 text of at most {} characters (it goes into the certificates' "
                           "O = Ciel <name> and OU = iot <name>)",
                           kMaxStudentName);
    try {
        lab::net::validate(o.record.impairments);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

// The errno of a failed write when the C library set one.
bool write_file(const std::string& path, const std::string& text) {
    errno = 0;
    if (path == "-") return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0;
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) return false;
    const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
    return std::fclose(file) == 0 && written;
}

std::string write_error(const std::string& path) {
    return fmt::format("cannot write {}: {}", path == "-" ? "standard output" : path,
                       errno != 0 ? std::strerror(errno) : "write error");
}

std::string broker_log_text(const lab::LabWorld& world) {
    std::string text;
    for (const lab::LogLine& line : world.broker_log()) text += line.text() + "\n";
    return text;
}

lab::RecordOptions record_options(const LabOptions& o) {
    lab::RecordOptions r = o.record;
    if (!o.tls.empty()) r.tls = o.tls == "1.3" ? lab::TlsVersions::Tls13Only : lab::TlsVersions::Tls12Only;
    return r;
}

int record(const LabOptions& o) {
    const lab::Scenario* scenario = lab::find_scenario(o.scenario);
    if (scenario == nullptr) {
        fmt::print(stderr, "mqscan lab: no scenario '{}' (see `mqscan lab list`)\n", o.scenario);
        return kExitUnreadable;
    }
    if (const std::string error = option_error(o, *scenario); !error.empty()) {
        fmt::print(stderr, "mqscan lab: {}\n", error);
        return kExitUnreadable;
    }
    // Past the checks above, an exception is mqscan's fault: main reports it as internal.
    const std::unique_ptr<lab::LabWorld> world = lab::record_scenario(*scenario, record_options(o));
    const auto written = world->network().write_pcap(o.output);
    if (!written) {
        fmt::print(stderr, "mqscan lab: {}\n", written.error());
        return kExitFailed;
    }
    for (const auto& [path, text] : {std::pair{o.keylog, world->key_log().text()},
                                     std::pair{o.broker_log, broker_log_text(*world)}}) {
        if (path.empty() || write_file(path, text)) continue;
        fmt::print(stderr, "mqscan lab: {}\n", write_error(path));
        return kExitFailed;
    }
    // The summary would mix with a key log or broker log written to standard output.
    if (o.keylog != "-" && o.broker_log != "-") fmt::print("{}: {} frames of scenario {}\n", o.output, *written, scenario->name);
    return kExitComplete;
}

}  // namespace

CLI::App* add_lab_command(CLI::App& app, LabOptions& o) {
    CLI::App* lab = app.add_subcommand("lab", "reference captures of the labs' scenarios, made by mqscan's own "
                                              "broker and clients on a simulated network; the same broker and "
                                              "clients on real sockets");
    lab->require_subcommand(1);
    lab->add_subcommand("list", "the scenarios: name and summary, then what the capture shows");
    CLI::App* record = lab->add_subcommand("record", "play a scenario and write its capture");
    record->add_option("scenario", o.scenario, "the scenario's name (mqscan lab list)")->required();
    record->add_option("-o,--output", o.output, "the pcap file to write")->required();
    record->add_option("--student", o.record.student, "the student's name in the certificates (O = Ciel <name>)")
        ->capture_default_str();
    record->add_option("--tls", o.tls, "the TLS version the broker allows (default: the scenario's)")
        ->check(CLI::IsMember({"1.2", "1.3"}));
    record->add_option("--keylog", o.keylog,
                       "also write the TLS secrets there (SSLKEYLOGFILE format; - for standard output)");
    record->add_option("--broker-log", o.broker_log,
                       "also write the broker's log there, as mosquitto -v prints it (- for standard output)");
    record->add_option("--seed", o.record.seed, "where every random number comes from; the same seed, the same capture")
        ->capture_default_str();
    record->add_option("--loss", o.record.impairments.loss, "probability that a data segment is lost (then retransmitted)")
        ->check(CLI::Range(0.0, 1.0));
    record->add_option("--reorder", o.record.impairments.reorder, "probability that a data segment is overtaken by the next one")
        ->check(CLI::Range(0.0, 1.0));
    record->add_option("--duplicate", o.record.impairments.duplicate, "probability that a data segment is captured and delivered twice")
        ->check(CLI::Range(0.0, 1.0));
    record->add_option("--snaplen", o.record.snaplen, "bytes kept of each frame")
        ->check(CLI::Range(64U, 262144U))
        ->capture_default_str();
    record->add_option("--late-start", o.record.late_start, "seconds of the scenario before the capture starts")
        ->capture_default_str();
    record->add_flag("--one-direction", o.record.one_direction, "capture only what the clients send");
    add_lab_broker_command(*lab, o.broker);
    add_lab_client_commands(*lab, o.client);
    return lab;
}

int run_lab(const CLI::App& lab, const LabOptions& o) {
    if (lab.got_subcommand("list")) {
        list_scenarios();
        return kExitComplete;
    }
    if (lab.got_subcommand("broker")) return run_lab_broker(o.broker);
    if (lab.got_subcommand("pub")) return run_lab_pub(o.client);
    if (lab.got_subcommand("sub")) return run_lab_sub(o.client);
    return record(o);
}

}  // namespace mqscan::cli
