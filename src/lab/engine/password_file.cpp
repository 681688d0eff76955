#include "lab/engine/password_file.hpp"

#include <fmt/core.h>

namespace mqscan::lab {

Result<PasswordTable, std::string> parse_password_file(std::string_view text) {
    PasswordTable table;
    std::size_t line_number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (line.empty() || line.starts_with('#')) continue;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return fail(fmt::format("line {}: not \"user:password\"", line_number));
        const std::string_view password = line.substr(colon + 1);
        if (password.starts_with("$6$") || password.starts_with("$7$"))
            return fail(fmt::format("line {}: hashed passwords (mosquitto_passwd) are not supported", line_number));
        table[std::string(line.substr(0, colon))] = std::string(password);
    }
    return table;
}

}  // namespace mqscan::lab
