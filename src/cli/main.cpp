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
    app.add_option("capture", file, "pcap or pcapng file, optionally gzip-compressed")
        ->required();
    app.add_option("--format", format, "report format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitComplete : kExitUnreadable;
    }

    const mqscan::AnalysisSettings settings;
    mqscan::AnalysisResult result = mqscan::analyze_file(file, settings);
    if (result.status == mqscan::AnalysisStatus::Unreadable) {
        fmt::print(stderr, "mqscan: {}\n", result.message);
        return kExitUnreadable;
    }
    const std::string out = format == "json" ? mqscan::render_json(result.report)
                                             : mqscan::render_text(result.report);
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (result.status == mqscan::AnalysisStatus::Damaged) {
        fmt::print(stderr, "mqscan: '{}' is damaged: {}\n", file, result.report.capture.error);
        return kExitDamaged;
    }
    return kExitComplete;
}
