#pragma once
// Bytes as hex digits: fingerprints, serial numbers, and values that are not text.

#include <string>

#include "mqscan/byte_reader.hpp"

namespace mqscan::x509 {

enum class HexCase { Lower, Upper };

inline std::string to_hex(Bytes bytes, HexCase letters) {
    const char* digits = letters == HexCase::Lower ? "0123456789abcdef" : "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t byte : bytes) {
        out += digits[byte >> 4];
        out += digits[byte & 0x0f];
    }
    return out;
}

}  // namespace mqscan::x509
