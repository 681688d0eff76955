#include "lab/tls/key_log.hpp"

namespace mqscan::lab {

void KeyLog::add(std::string_view line) {
    if (lines_.size() < max_lines_)
        lines_.emplace_back(line);
    else
        ++dropped_;
}

void KeyLog::append(const KeyLog& other) {
    for (const std::string& line : other.lines_) add(line);
    dropped_ += other.dropped_;
}

std::string KeyLog::text() const {
    std::string text;
    for (const std::string& line : lines_) text.append(line).append("\n");
    return text;
}

}  // namespace mqscan::lab
