#pragma once
// Bytes as hex digits: fingerprints, serial numbers, binary payloads and values that are not text.

#include <string>

#include "mqscan/byte_reader.hpp"

namespace mqscan {

enum class HexCase { Lower, Upper };

inline std::string to_hex(Bytes bytes, HexCase letters = HexCase::Lower) {
    const char* digits = letters == HexCase::Lower ? "0123456789abcdef" : "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t byte : bytes) {
        out += digits[byte >> 4];
        out += digits[byte & 0x0f];
    }
    return out;
}

}  // namespace mqscan
