#pragma once
// Words shared by the delivery findings and the text report.

#include <cstdint>
#include <string>
#include <string_view>

namespace mqscan {

// "#3", or "#3 (client 'sensor')" when the client id is known.
[[nodiscard]] std::string who(std::uint64_t connection, std::string_view client_id);
// "1 message", "2 messages"
[[nodiscard]] std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural);
// A topic, filter or client id short enough for a sentence: cut after 80
// characters (at a UTF-8 boundary), with "..." after.
[[nodiscard]] std::string shown_name(std::string_view name);

}  // namespace mqscan
