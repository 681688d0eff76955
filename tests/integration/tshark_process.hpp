#pragma once
// Running tshark (and the other command-line tools) from the tests.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

// `text` quoted for /bin/sh.
std::string shell_quote(const std::string& text);

// Runs `command` with /bin/sh and hands each line of its standard output (without the
// newline) to `on_line`. Its standard error (e.g. tshark's warning about running as root) is
// dropped. Throws std::runtime_error when it cannot start or exits with a status other than
// `success_statuses`.
void run_command(const std::string& command,
                 const std::function<void(std::string_view)>& on_line,
                 std::initializer_list<int> success_statuses = {0});

// The whole standard output of `command`, as run_command runs it.
std::string command_output(const std::string& command,
                           std::initializer_list<int> success_statuses = {0});

// Runs `tshark ARGUMENTS` as run_command does.
void run_tshark(const std::string& arguments,
                const std::function<void(std::string_view)>& on_line);

// The whole standard output of `tshark ARGUMENTS`.
std::string tshark_output(const std::string& arguments);

// A number in tshark's output, decimal or 0x-prefixed hex; throws std::runtime_error for
// anything else.
std::uint64_t parse_number(std::string_view text);

// Bytes written as hex digits ("0a1b...", or "0a:1b:..." as tshark's JSON shows a bytes
// field); throws std::runtime_error for anything else.
std::vector<std::uint8_t> parse_hex(std::string_view text);
