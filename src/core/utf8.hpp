#pragma once

#include <cstddef>
#include <string_view>

namespace mqscan {

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF) starting at text[at], or 0 if there is none.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);

[[nodiscard]] bool is_valid_utf8(std::string_view text);

}  // namespace mqscan
