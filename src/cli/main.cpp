#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <unistd.h>

#include "analysis/topic_filter.hpp"
#include "cli/analysis_options.hpp"
#include "cli/exit_codes.hpp"
#include "cli/heap_tuning.hpp"
#include "cli/grade_command.hpp"
#include "cli/lab_command.hpp"
#include "cli/live_command.hpp"
#include "mqscan/analysis.hpp"
#include "x509/trust_store.hpp"
#include "report/csv_packets.hpp"
#include "report/ladder.hpp"
#include "report/mosquitto_log.hpp"
#include "report/narrow.hpp"
#include "report/packet_lines.hpp"
#include "report/reporters.hpp"

namespace {

using namespace mqscan::cli;

struct Options {
    std::string file;
    std::string format = "text";
    std::vector<std::uint16_t> mqtt_ports;
    std::vector<std::uint16_t> tls_ports;
    std::vector<std::string> ca_files;
    std::string mqtt_version = "3.1.1";
    std::string color = "auto";
    bool ladder = false;
    mqscan::Narrowing narrowing;
    mqscan::AnalysisSettings settings;
    mqscan::ReportOptions report;
};

// Repeatable options take one value per occurrence (->allow_extra_args(false)), so that
// `mqscan --ca ca.crt capture.pcap` leaves the capture to the positional.
void add_capture_options(CLI::App& command, Options& o) {
    command.add_option("capture", o.file, "pcap or pcapng file, optionally gzip-compressed")
        ->required();
    command.add_flag("--show-secrets", o.report.show_secrets, "print passwords instead of <hidden>");
    command.add_option("--mqtt-port", o.mqtt_ports,
                       "another server port where MQTT is expected (repeatable; 1883 always is)")
        ->allow_extra_args(false);
    command.add_option("--tls-port", o.tls_ports,
                       "another server port where TLS is expected (repeatable; 8883 and 443 always are)")
        ->allow_extra_args(false);
    command.add_option("--ca", o.ca_files,
                       "PEM file of CA certificates to verify the observed chains against "
                       "(repeatable), like openssl verify -CAfile")
        ->allow_extra_args(false)
        ->check(CLI::ExistingFile);
    command.add_option("--mqtt-version", o.mqtt_version,
                       "MQTT version assumed for a connection whose CONNECT was not captured")
        ->check(CLI::IsMember({"3.1", "3.1.1", "5.0"}))
        ->capture_default_str();
    command.add_flag("--no-dissect{false}", o.settings.dissect,
                     "reassemble TCP but decode no MQTT (to measure the TCP layer alone)");
    command.add_flag("--no-analysis{false}", o.settings.analyze,
                     "decode MQTT and TLS but run no analysis (to measure the analyses' cost)");
    command.add_option("--payload-cap", o.settings.mqtt.payload_cap,
                       "payload bytes kept per PUBLISH (payload_len is always exact)")
        ->capture_default_str();
}

void add_narrowing_options(CLI::App& command, Options& o) {
    command.add_option("--connection", o.narrowing.connections,
                       "only this connection (its id in the report; repeatable)")
        ->allow_extra_args(false);
    command.add_option("--client-id", o.narrowing.client_ids,
                       "only the connections of this MQTT client id (repeatable)")
        ->allow_extra_args(false);
    command.add_option("--topic", o.narrowing.topics,
                       "only what concerns topics matching this MQTT topic filter, + and # allowed (repeatable)")
        ->allow_extra_args(false)
        ->check([](const std::string& filter) {
            return mqscan::valid_topic_filter(filter) ? std::string() : "not a valid MQTT topic filter: " + filter;
        });
}

// --color auto: colours for a terminal, unless NO_COLOR is set (no-color.org) or TERM is dumb.
bool use_color(const std::string& choice) {
    if (choice != "auto") return choice == "always";
    const char* term = std::getenv("TERM");
    return isatty(fileno(stdout)) != 0 && std::getenv("NO_COLOR") == nullptr &&
           (term == nullptr || std::string_view(term) != "dumb");
}

void apply(Options& o) {
    add_ports(o.settings, o.mqtt_ports, o.tls_ports);
    o.settings.mqtt.default_version = o.mqtt_version == "3.1"   ? mqscan::mqtt::Version::V31
                                      : o.mqtt_version == "5.0" ? mqscan::mqtt::Version::V5
                                                                : mqscan::mqtt::Version::V311;
}

// Opens the capture, runs `analyze` and turns the outcome into an exit code;
// `report` prints what the command prints at the end.
template <typename Report>
int run(const Options& o, mqscan::AnalysisHooks hooks, mqscan::PacketSource& source, Report report) {
    const mqscan::AnalysisResult result = mqscan::analyze(source, o.settings, hooks);
    if (result.status == mqscan::AnalysisStatus::Unreadable) {
        fmt::print(stderr, "mqscan: {}\n", result.message);
        return kExitUnreadable;
    }
    report(result.report);
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
        fmt::print(stderr, "mqscan: cannot write the output: {}\n", std::strerror(errno));
        return kExitFailed;
    }
    if (result.status == mqscan::AnalysisStatus::Damaged) {
        fmt::print(stderr, "mqscan: '{}' is damaged: {}\n", o.file, result.report.capture.error);
        return kExitDamaged;
    }
    return kExitComplete;
}

// Streams the packets `sink` prints, narrowed when asked.
int packet_stream(const Options& o, mqscan::EventSink& sink, mqscan::PacketSource& source) {
    mqscan::NarrowingSink narrowed(o.narrowing, sink);
    mqscan::EventSink* events = o.narrowing.active() ? &narrowed : &sink;
    return run(o, mqscan::AnalysisHooks{nullptr, events}, source, [](const auto&) {});
}

int report_command(const Options& o, mqscan::PacketSource& source) {
    if (o.format == "csv") {
        mqscan::CsvPacketWriter writer(stdout, source.info().precision, o.report);
        return packet_stream(o, writer, source);
    }
    return run(o, {}, source, [&](const mqscan::CaptureReport& analysed) {
        if (o.format == "none") return;
        std::optional<mqscan::CaptureReport> narrowed;
        if (o.narrowing.active()) mqscan::narrow(narrowed.emplace(analysed), o.narrowing);
        const mqscan::CaptureReport& report = narrowed ? *narrowed : analysed;
        if (o.format == "json") return mqscan::write_json(report, o.report, stdout);
        const std::string text = o.ladder ? mqscan::render_ladder(report) : mqscan::render_text(report, o.report);
        std::fwrite(text.data(), 1, text.size(), stdout);
    });
}

int packets_command(const Options& o, mqscan::PacketSource& source) {
    mqscan::PacketLinePrinter printer(stdout, source.info().precision, o.report);
    return packet_stream(o, printer, source);
}

int mosquitto_command(const Options& o, mqscan::PacketSource& source) {
    mqscan::MosquittoLogPrinter printer(stdout);
    return run(o, mqscan::AnalysisHooks{&printer, &printer}, source, [](const auto&) {});
}

// `mqscan FILE` is short for `mqscan report FILE`.
std::vector<std::string> with_default_command(int argc, char** argv,
                                              const std::vector<std::string>& commands) {
    std::vector<std::string> args(argv + 1, argv + argc);
    const bool command_given =
        !args.empty() && (std::find(commands.begin(), commands.end(), args[0]) != commands.end() ||
                          args[0] == "--help" || args[0] == "-h" || args[0] == "--version");
    if (!command_given) args.insert(args.begin(), "report");
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    return args;
}

int run_command_line(int argc, char** argv) {
    CLI::App app{"mqscan: what did this MQTT traffic do, and was it protected?\n"
                 "`mqscan FILE` is short for `mqscan report FILE`.",
                 "mqscan"};
    app.set_version_flag("--version", "mqscan " MQSCAN_VERSION);
    app.require_subcommand(1);
    Options o;
    CLI::App* report = app.add_subcommand("report", "the analysis report (the default command)");
    add_capture_options(*report, o);
    report->add_option("--format", o.format,
                       "report format (csv: one row per MQTT packet; none: analyse, print nothing)")
        ->check(CLI::IsMember({"text", "json", "csv", "none"}))
        ->capture_default_str();
    report->add_option("--color", o.color, "colours in the text report")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
    report->add_flag("--ladder", o.ladder,
                     "print each MQTT connection as a sequence diagram instead of the text report");
    add_narrowing_options(*report, o);
    CLI::App* packets = app.add_subcommand("packets", "one line per MQTT packet, as it is decoded");
    add_capture_options(*packets, o);
    add_narrowing_options(*packets, o);
    CLI::App* mosquitto =
        app.add_subcommand("mosquitto", "the MQTT packets as a mosquitto -v broker logs them");
    add_capture_options(*mosquitto, o);
    GradeOptions grade_options;
    CLI::App* grade = add_grade_command(app, grade_options);
    LiveOptions live_options;
    CLI::App* live = add_live_command(app, live_options);
    LabOptions lab_options;
    CLI::App* lab = add_lab_command(app, lab_options);
    try {
        std::vector<std::string> args =
            with_default_command(argc, argv, {"report", "packets", "mosquitto", "grade", "live", "lab"});
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitComplete : kExitUnreadable;
    }

    if (grade->parsed()) return run_grade(grade_options);
    if (live->parsed()) return run_live(live_options);
    if (lab->parsed()) return run_lab(*lab, lab_options);
    if (o.ladder && o.format != "text") {
        fmt::print(stderr, "mqscan: --ladder draws text; it cannot be combined with --format {}\n", o.format);
        return kExitUnreadable;
    }
    apply(o);
    o.report.color = use_color(o.color);
    o.report.narrowed_to = o.narrowing.describe();
    // The CA files are read before the capture, so a wrong one costs no analysis time.
    std::optional<mqscan::x509::TrustStore> trust_store;
    if (const auto error = load_trust_store(o.ca_files, o.settings, trust_store)) {
        fmt::print(stderr, "mqscan: {}\n", *error);
        return kExitUnreadable;
    }
    auto source = mqscan::open_capture_file(o.file);
    if (!source) {
        fmt::print(stderr, "mqscan: {}\n", source.error());
        return kExitUnreadable;
    }
    if (packets->parsed()) return packets_command(o, **source);
    if (mosquitto->parsed()) return mosquitto_command(o, **source);
    return report_command(o, **source);
}

}  // namespace

int main(int argc, char** argv) {
    mqscan::back_heap_with_huge_pages();
    try {
        return run_command_line(argc, argv);
    } catch (const std::exception& e) {
        fmt::print(stderr, "mqscan: internal error: {}\n", e.what());
        return kExitFailed;
    }
}
