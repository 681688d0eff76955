#pragma once
// Appending big-endian (network order) fields to a frame being built.

#include <cstdint>
#include <vector>

#include "mqscan/byte_reader.hpp"

namespace mqscan::lab::net {

inline void append_u8(std::vector<std::uint8_t>& out, std::uint8_t value) { out.push_back(value); }

inline void append_u16(std::vector<std::uint8_t>& out, std::uint16_t value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value));
}

inline void append_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
    append_u16(out, static_cast<std::uint16_t>(value >> 16));
    append_u16(out, static_cast<std::uint16_t>(value));
}

inline void append_bytes(std::vector<std::uint8_t>& out, Bytes bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
}

inline void store_u16(std::vector<std::uint8_t>& out, std::size_t at, std::uint16_t value) {
    out[at] = static_cast<std::uint8_t>(value >> 8);
    out[at + 1] = static_cast<std::uint8_t>(value);
}

}  // namespace mqscan::lab::net
