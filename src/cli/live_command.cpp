#include "cli/live_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>

#include "capture/live_source.hpp"
#include "cli/analysis_options.hpp"
#include "cli/exit_codes.hpp"
#include "report/jsonl_events.hpp"
#include "report/live_lines.hpp"
#include "report/reporters.hpp"
#include "x509/trust_store.hpp"

namespace mqscan::cli {
namespace {

// Set by SIGINT/SIGTERM; the live source polls it (a lock-free atomic is async-signal-safe).
std::atomic<bool> stop_requested{false};

void request_stop(int /*signal*/) { stop_requested.store(true); }

// The first SIGINT/SIGTERM ends the capture and lets the report be written; a second one
// (SA_RESETHAND) kills as usual. No SA_RESTART: the signal also cuts the wait for packets short.
void stop_on_signals() {
    struct sigaction action {};
    action.sa_handler = request_stop;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

// "lo: 1234 packets, 56 MQTT packets, 0 dropped" on stderr, rewritten in place, for a terminal only.
class StatusLine {
public:
    explicit StatusLine(bool terminal) : terminal_(terminal) {}

    void show(const std::string& text) {
        if (!terminal_) return;
        fmt::print(stderr, "\r\x1b[2K{}", text);
        std::fflush(stderr);
        shown_ = true;
    }
    // Before anything else is written to the terminal.
    void clear() {
        if (!shown_) return;
        std::fputs("\r\x1b[2K", stderr);
        std::fflush(stderr);
        shown_ = false;
    }

private:
    bool terminal_;
    bool shown_ = false;
};

// Counts the MQTT packets for the status line, and clears it before each event is written.
class LiveEvents final : public EventSink {
public:
    LiveEvents(EventSink* output, StatusLine& status) : output_(output), status_(status) {}

    void on_mqtt_connection(const ConnectionSummary& connection) override {
        forward(&EventSink::on_mqtt_connection, connection);
    }
    void on_mqtt_packet(const MqttPacketEvent& event) override {
        ++mqtt_packets_;
        forward(&EventSink::on_mqtt_packet, event);
    }
    void on_mqtt_end(const ConnectionSummary& connection) override { forward(&EventSink::on_mqtt_end, connection); }
    void on_tls_step(const TlsStepEvent& event) override { forward(&EventSink::on_tls_step, event); }
    void on_tls_alert(const TlsAlertEvent& event) override { forward(&EventSink::on_tls_alert, event); }
    void on_finding(const Finding& finding) override { forward(&EventSink::on_finding, finding); }
    [[nodiscard]] std::uint64_t mqtt_packets() const { return mqtt_packets_; }

private:
    template <typename Event>
    void forward(void (EventSink::*handler)(const Event&), const Event& event) {
        if (output_ == nullptr) return;
        status_.clear();
        (output_->*handler)(event);
    }

    EventSink* output_;
    StatusLine& status_;
    std::uint64_t mqtt_packets_ = 0;
};

int list_interfaces_command() {
    auto interfaces = list_interfaces();
    if (!interfaces) {
        fmt::print(stderr, "mqscan live: cannot list the interfaces: {}\n", interfaces.error());
        return kExitUnreadable;
    }
    for (const InterfaceInfo& interface : *interfaces) fmt::print("{}\n", describe(interface));
    return kExitComplete;
}

// What to do when the interface cannot be opened: privileges, or the names that exist.
void explain_open_failure(const LiveOpenError& failure) {
    fmt::print(stderr, "mqscan live: {}\n", failure.message);
    if (failure.kind == LiveOpenFailure::NoPermission) {
        fmt::print(stderr,
                   "mqscan live: capturing needs privileges: run it as root, or once give it the capture "
                   "capabilities with\n  sudo setcap cap_net_raw,cap_net_admin=eip $(command -v mqscan)\n");
    }
    if (failure.kind == LiveOpenFailure::NoSuchInterface) {
        auto interfaces = list_interfaces();
        if (!interfaces) return;
        fmt::print(stderr, "the interfaces are:\n");
        for (const InterfaceInfo& interface : *interfaces) fmt::print(stderr, "  {}\n", describe(interface));
    }
}

LiveCaptureOptions capture_options(const LiveOptions& o) {
    LiveCaptureOptions capture;
    capture.interface = o.interface;
    capture.filter = o.filter.empty() ? live_filter(o.mqtt_ports, o.tls_ports) : o.filter;
    capture.promiscuous = !o.no_promiscuous;
    capture.max_packets = o.count;
    capture.duration = std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(o.duration * 1000)));
    capture.save_path = o.save_path;
    return capture;
}

void print_report(const LiveOptions& o, const CaptureReport& report, const ReportOptions& options,
                  JsonLinesEvents& json_lines) {
    if (o.format == "jsonl") return json_lines.write_report(report);
    if (o.format == "json") return write_json(report, options, stdout);
    const std::string text = "\n" + render_text(report, options);
    std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace

CLI::App* add_live_command(CLI::App& app, LiveOptions& o) {
    CLI::App* live = app.add_subcommand("live", "watch MQTT and TLS on a network interface; the report when stopped");
    live->add_option("-i,--interface", o.interface, "the interface to capture on (any: all of them)");
    live->add_flag("-D,--list-interfaces", o.list_interfaces, "list the interfaces and exit");
    live->add_option("-f,--filter", o.filter,
                     "BPF capture filter, as tcpdump takes it (default: tcp port 1883 or tcp port 8883, "
                     "and the --mqtt-port and --tls-port ports)");
    live->add_option("-c,--count", o.count, "stop after this many packets")->check(CLI::PositiveNumber);
    live->add_option("--duration", o.duration, "stop after this many seconds")->check(CLI::Range(0.001, 31'536'000.0));
    live->add_option("-w,--write", o.save_path, "also save the captured packets to this pcap file")
        ->check([](const std::string& path) {
            // libpcap would take "-" as standard output, where the report goes.
            return path == "-" ? std::string("-w needs a file name: standard output carries the report") : std::string();
        });
    live->add_flag("-p,--no-promiscuous", o.no_promiscuous, "do not put the interface in promiscuous mode");
    live->add_option("--format", o.format,
                     "text: a line per MQTT packet, then the text report; jsonl: a JSON object per event, "
                     "then the report on one line; json: only the JSON report")
        ->check(CLI::IsMember({"text", "jsonl", "json"}))
        ->capture_default_str();
    live->add_option("--mqtt-port", o.mqtt_ports, "another server port where MQTT is expected (repeatable)")
        ->allow_extra_args(false);
    live->add_option("--tls-port", o.tls_ports, "another server port where TLS is expected (repeatable)")
        ->allow_extra_args(false);
    live->add_option("--ca", o.ca_files, "PEM file of CA certificates to verify the observed chains against")
        ->allow_extra_args(false)
        ->check(CLI::ExistingFile);
    live->add_flag("--show-secrets", o.show_secrets, "print passwords instead of <hidden>");
    live->add_option("--payload-cap", o.settings.mqtt.payload_cap, "payload bytes kept per PUBLISH")
        ->capture_default_str();
    return live;
}

int run_live(const LiveOptions& o) {
    if (o.list_interfaces) return list_interfaces_command();
    if (o.interface.empty()) {
        fmt::print(stderr, "mqscan live: give the interface to capture on: -i IFACE "
                           "(mqscan live --list-interfaces lists them)\n");
        return kExitUnreadable;
    }
    AnalysisSettings settings = o.settings;
    std::optional<x509::TrustStore> trust_store;
    add_ports(settings, o.mqtt_ports, o.tls_ports);
    if (const auto error = load_trust_store(o.ca_files, settings, trust_store)) {
        fmt::print(stderr, "mqscan live: {}\n", *error);
        return kExitUnreadable;
    }
    const LiveCaptureOptions capture = capture_options(o);
    stop_on_signals();
    auto opened = LiveSource::open(capture, stop_requested);
    if (!opened) {
        explain_open_failure(opened.error());
        return kExitUnreadable;
    }
    LiveSource& source = **opened;
    const CaptureInfo& info = source.info();
    fmt::print(stderr, "mqscan live: listening on {}, link type {}, snaplen {}, filter '{}'\n", capture.interface,
               info.link_type_name, info.snaplen, capture.filter);
    if (!source.warning().empty()) fmt::print(stderr, "mqscan live: warning: {}\n", source.warning());

    // Each line as soon as it is written, even into a pipe.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    ReportOptions report_options;
    report_options.show_secrets = o.show_secrets;
    LiveLinePrinter lines(stdout, info.precision, report_options);
    JsonLinesEvents json_lines(stdout, info.precision, report_options);
    EventSink* output = o.format == "text" ? static_cast<EventSink*>(&lines)
                        : o.format == "jsonl" ? &json_lines
                                              : nullptr;
    StatusLine status(isatty(fileno(stderr)) != 0);
    LiveEvents events(output, status);
    source.set_heartbeat([&] {
        const LiveStats stats = source.stats();
        status.show(fmt::format("{}: {} packets, {} MQTT packets, {} dropped", capture.interface, stats.captured,
                                events.mqtt_packets(), stats.dropped_by_kernel + stats.dropped_by_interface));
    });

    const AnalysisResult result = analyze(source, settings, AnalysisHooks{nullptr, &events});
    status.clear();
    std::string save_error;
    const bool saved = source.close_saved(save_error);
    if (result.status == AnalysisStatus::Unreadable) {
        fmt::print(stderr, "mqscan live: {}\n", result.message);
        return kExitUnreadable;
    }
    print_report(o, result.report, report_options, json_lines);
    fmt::print(stderr, "mqscan live: {}\n", describe(source.stats()));
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
        fmt::print(stderr, "mqscan live: cannot write the output: {}\n", std::strerror(errno));
        return kExitFailed;
    }
    if (!saved) {
        fmt::print(stderr, "mqscan live: {}\n", save_error);
        return kExitFailed;
    }
    if (result.status == AnalysisStatus::Damaged) {
        fmt::print(stderr, "mqscan live: the capture stopped early: {}\n", result.report.capture.error);
        return kExitDamaged;
    }
    return kExitComplete;
}

}  // namespace mqscan::cli
