#include "capture_files.hpp"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace {

bool is_capture_file(const fs::path& path) {
    const std::string name = path.filename().string();
    for (const char* suffix : {".pcap", ".pcapng", ".pcap.gz", ".pcapng.gz"})
        if (name.ends_with(suffix)) return true;
    return false;
}

}  // namespace

std::vector<std::string> captures_under(const std::string& dir) {
    std::vector<std::string> paths;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file() && is_capture_file(entry.path()))
            paths.push_back(entry.path().lexically_normal().string());
    std::ranges::sort(paths);
    return paths;
}
