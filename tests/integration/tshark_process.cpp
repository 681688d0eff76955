#include "tshark_process.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

void run_command(const std::string& command,
                 const std::function<void(std::string_view)>& on_line,
                 std::initializer_list<int> success_statuses) {
    const std::string shell_command = command + " 2>/dev/null";
    FILE* pipe = popen(shell_command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot start: " + command);
    char* line = nullptr;
    std::size_t capacity = 0;
    ssize_t length;
    while ((length = getline(&line, &capacity, pipe)) >= 0) {
        std::string_view text(line, static_cast<std::size_t>(length));
        if (text.ends_with('\n')) text.remove_suffix(1);
        on_line(text);
    }
    free(line);
    const int status = pclose(pipe);
    if (!WIFEXITED(status) ||
        std::ranges::find(success_statuses, WEXITSTATUS(status)) == success_statuses.end())
        throw std::runtime_error(fmt::format("`{}` failed (wait status {})", command, status));
}

std::string command_output(const std::string& command,
                           std::initializer_list<int> success_statuses) {
    std::string output;
    run_command(
        command,
        [&](std::string_view line) {
            output += line;
            output += '\n';
        },
        success_statuses);
    return output;
}

void run_tshark(const std::string& arguments,
                const std::function<void(std::string_view)>& on_line) {
    run_command("tshark " + arguments, on_line);
}

std::string tshark_output(const std::string& arguments) {
    return command_output("tshark " + arguments);
}

std::uint64_t parse_number(std::string_view text) {
    const bool hex = text.starts_with("0x");
    const char* begin = text.data() + (hex ? 2 : 0);
    const char* text_end = text.data() + text.size();
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(begin, text_end, value, hex ? 16 : 10);
    if (error != std::errc() || end != text_end || begin == text_end)
        throw std::runtime_error(fmt::format("not a number in tshark output: '{}'", text));
    return value;
}

std::vector<std::uint8_t> parse_hex(std::string_view text) {
    const bool colons = text.size() > 2 && text[2] == ':';
    const std::size_t stride = colons ? 3 : 2;
    if ((text.size() + (colons ? 1 : 0)) % stride != 0)
        throw std::runtime_error(fmt::format("not hex bytes in tshark output: '{}'", text));
    std::vector<std::uint8_t> bytes((text.size() + (colons ? 1 : 0)) / stride);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const char* pair = text.data() + stride * i;
        const auto [end, error] = std::from_chars(pair, pair + 2, bytes[i], 16);
        const bool separated = !colons || i + 1 == bytes.size() || pair[2] == ':';
        if (error != std::errc() || end != pair + 2 || !separated)
            throw std::runtime_error(fmt::format("not hex in tshark output: '{}'", text));
    }
    return bytes;
}
