#pragma once
// Running tshark from the tests.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

// `text` quoted for /bin/sh.
std::string shell_quote(const std::string& text);

// Runs `tshark ARGUMENTS` and hands each line of its standard output (without the newline)
// to `on_line`. tshark's standard error (e.g. its warning about running as root) is dropped.
// Throws std::runtime_error when tshark cannot start or fails.
void run_tshark(const std::string& arguments,
                const std::function<void(std::string_view)>& on_line);

// A number in tshark's output, decimal or 0x-prefixed hex; throws std::runtime_error for
// anything else.
std::uint64_t parse_number(std::string_view text);

// Bytes written as hex digits ("0a1b..."); throws std::runtime_error for anything else.
std::vector<std::uint8_t> parse_hex(std::string_view text);
