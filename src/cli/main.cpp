#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdio>

#include "mqscan/analysis.hpp"
#include "report/reporters.hpp"

namespace {

// Exit codes, documented in README.md.
constexpr int kExitComplete = 0;
constexpr int kExitDamaged = 1;
constexpr int kExitUnreadable = 2;

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"mqscan: what did this MQTT traffic do, and was it protected?", "mqscan"};
    app.set_version_flag("--version", "mqscan " MQSCAN_VERSION);
    std::string file;
    std::string format = "text";
    mqscan::AnalysisSettings settings;
    mqscan::ReportOptions report_options;
    std::vector<std::uint16_t> mqtt_ports;
    std::string mqtt_version = "3.1.1";
    app.add_option("capture", file, "pcap or pcapng file, optionally gzip-compressed")
        ->required();
    app.add_option("--format", format, "report format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    app.add_flag("--show-secrets", report_options.show_secrets,
                 "print passwords instead of <hidden>");
    app.add_option("--mqtt-port", mqtt_ports,
                   "another server port where MQTT is expected (repeatable; 1883 always is)");
    app.add_option("--mqtt-version", mqtt_version,
                   "MQTT version assumed for a connection whose CONNECT was not captured")
        ->check(CLI::IsMember({"3.1", "3.1.1", "5.0"}))
        ->capture_default_str();
    app.add_option("--payload-cap", settings.mqtt.payload_cap,
                   "payload bytes kept per PUBLISH (payload_len is always exact)")
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitComplete : kExitUnreadable;
    }

    settings.mqtt.ports.insert(settings.mqtt.ports.end(), mqtt_ports.begin(), mqtt_ports.end());
    settings.mqtt.default_version = mqtt_version == "3.1"   ? mqscan::mqtt::Version::V31
                                    : mqtt_version == "5.0" ? mqscan::mqtt::Version::V5
                                                            : mqscan::mqtt::Version::V311;
    mqscan::AnalysisResult result = mqscan::analyze_file(file, settings);
    if (result.status == mqscan::AnalysisStatus::Unreadable) {
        fmt::print(stderr, "mqscan: {}\n", result.message);
        return kExitUnreadable;
    }
    if (format == "json") {
        mqscan::write_json(result.report, report_options, stdout);
    } else {
        const std::string text = mqscan::render_text(result.report);
        std::fwrite(text.data(), 1, text.size(), stdout);
    }
    if (result.status == mqscan::AnalysisStatus::Damaged) {
        fmt::print(stderr, "mqscan: '{}' is damaged: {}\n", file, result.report.capture.error);
        return kExitDamaged;
    }
    return kExitComplete;
}
