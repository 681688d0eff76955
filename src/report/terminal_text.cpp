#include "report/terminal_text.hpp"

#include <fmt/format.h>

#include "core/utf8.hpp"

namespace mqscan {
namespace {

bool is_c1_control(std::string_view sequence) {
    return sequence.size() == 2 && static_cast<unsigned char>(sequence[0]) == 0xc2 &&
           static_cast<unsigned char>(sequence[1]) < 0xa0;
}

void escape(std::string& out, std::string_view bytes) {
    for (unsigned char c : bytes) fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
}

}  // namespace

std::string terminal_line(std::string_view line) {
    std::string out;
    out.reserve(line.size());
    for (std::size_t at = 0; at < line.size();) {
        const std::size_t length = utf8_sequence_length(line, at);
        const std::string_view sequence = line.substr(at, length == 0 ? 1 : length);
        const auto c = static_cast<unsigned char>(sequence[0]);
        const bool control = (c < 0x20 && c != '\t') || c == 0x7f || is_c1_control(sequence);
        if (length == 0 || control) {
            escape(out, sequence);
        } else {
            out.append(sequence);
        }
        at += sequence.size();
    }
    return out;
}

}  // namespace mqscan
