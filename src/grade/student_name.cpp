#include "grade/student_name.hpp"

#include <filesystem>

#include "mqscan/capture_report.hpp"

namespace mqscan::grade {
namespace {

std::string_view after_prefix(std::string_view text, std::string_view prefix) {
    if (text.size() <= prefix.size() || text.substr(0, prefix.size()) != prefix) return {};
    return text.substr(prefix.size());
}

// The value after `prefix` in attribute `key` of the first leaf certificate carrying it.
std::string_view from_certificates(const CaptureReport& report, std::string_view key, std::string_view prefix) {
    for (const TlsConnectionReport& t : report.tls)
        for (const auto* chain : {&t.server_certificates, &t.client_certificates}) {
            if (chain->empty() || !chain->front().summary) continue;
            for (const NameAttribute& a : chain->front().summary->subject)
                if (a.key == key)
                    if (const std::string_view name = after_prefix(a.value, prefix); !name.empty()) return name;
        }
    return {};
}

// "mqtt-alice.pcap", "mqtt-alice.pcapng", "mqtt-alice.pcap.gz" -> "alice"
std::string_view from_file_name(std::string_view file) {
    for (std::string_view extension : {".pcap.gz", ".pcapng.gz", ".pcapng", ".pcap"})
        if (file.size() > extension.size() && file.substr(file.size() - extension.size()) == extension) {
            file.remove_suffix(extension.size());
            break;
        }
    return after_prefix(file, "mqtt-");
}

}  // namespace

StudentName student_name(const CaptureReport& report, std::string_view path) {
    if (const std::string_view name = from_certificates(report, "O", "Ciel "); !name.empty())
        return {std::string(name), "certificate O"};
    if (const std::string_view name = from_certificates(report, "OU", "iot "); !name.empty())
        return {std::string(name), "certificate OU"};
    const std::string file = std::filesystem::path(path).filename().string();
    if (const std::string_view name = from_file_name(file); !name.empty()) return {std::string(name), "file name"};
    return {};
}

}  // namespace mqscan::grade
