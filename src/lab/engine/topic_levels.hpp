#pragma once
// A topic name or filter cut at its '/' separators [MQTT-4.7.1-1]; levels may
// be empty ("a//b" has three, "/a" two).

#include <string_view>
#include <vector>

namespace mqscan::lab {

inline std::vector<std::string_view> topic_levels(std::string_view text) {
    std::vector<std::string_view> levels;
    for (std::size_t start = 0;;) {
        const std::size_t slash = text.find('/', start);
        levels.push_back(text.substr(start, slash - start));
        if (slash == std::string_view::npos) return levels;
        start = slash + 1;
    }
}

}  // namespace mqscan::lab
