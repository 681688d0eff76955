#include "tls_capture_without_secrets.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "tshark_process.hpp"

namespace {

bool is_pcapng(const std::string& path) {
    return path.ends_with(".pcapng") || path.ends_with(".pcapng.gz");
}

// A new empty file named /tmp/mqscan-tls-XXXXXX.pcapng.
std::string temporary_file() {
    constexpr std::string_view kSuffix = ".pcapng";
    std::string name = (std::filesystem::temp_directory_path() / "mqscan-tls-XXXXXX").string();
    name += kSuffix;
    std::vector<char> buffer(name.begin(), name.end());
    buffer.push_back('\0');
    const int fd = mkstemps(buffer.data(), static_cast<int>(kSuffix.size()));
    if (fd < 0) throw std::runtime_error("cannot create a temporary file");
    close(fd);
    return buffer.data();
}

}  // namespace

CaptureWithoutSecrets::CaptureWithoutSecrets(const std::string& path) : path_(path) {
    if (!is_pcapng(path)) return;
    path_ = temporary_file();
    temporary_ = true;
    run_command("editcap --discard-all-secrets " + shell_quote(path) + " " + shell_quote(path_),
                [](std::string_view) {});
}

CaptureWithoutSecrets::~CaptureWithoutSecrets() {
    if (temporary_) std::filesystem::remove(path_);
}
