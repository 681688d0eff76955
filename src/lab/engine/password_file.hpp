#pragma once
// The broker's user names and passwords, read from a mosquitto-style password
// file (mosquitto.conf's password_file): one "user:password" per line.

#include <map>
#include <string>
#include <string_view>

#include "mqscan/result.hpp"

namespace mqscan::lab {

using PasswordTable = std::map<std::string, std::string>;

// Blank lines and lines starting with '#' are skipped, a trailing '\r' is
// dropped; the password is everything after the first ':'. Lines hashed by
// mosquitto_passwd ("user:$6$..." or "$7$") are refused: only clear-text
// passwords are compared. The error names the first bad line.
Result<PasswordTable, std::string> parse_password_file(std::string_view text);

}  // namespace mqscan::lab
