#pragma once
// TLS presentation-language reads over the ByteReader (RFC 8446 §3): 24-bit
// integers and vectors with a 1-, 2- or 3-byte length prefix. A failed read
// leaves the reader where it was.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/hex.hpp"
#include "mqscan/byte_reader.hpp"

namespace mqscan::tls {

inline std::optional<std::uint32_t> read_u24(ByteReader& in) {
    const auto bytes = in.bytes(3);
    if (!bytes) return std::nullopt;
    ByteReader b(*bytes);
    return std::uint32_t{*b.u8()} << 16 | std::uint32_t{*b.u16be()};
}

// The body of a vector whose length takes `prefix` bytes (1, 2 or 3).
inline std::optional<ByteReader> read_vector(ByteReader& in, int prefix) {
    ByteReader attempt = in;
    std::optional<std::uint32_t> length;
    switch (prefix) {
        case 1: length = attempt.u8(); break;
        case 2: length = attempt.u16be(); break;
        default: length = read_u24(attempt); break;
    }
    if (!length) return std::nullopt;
    auto body = attempt.sub(*length);
    if (body) in = attempt;
    return body;
}

// A vector of 16-bit values whose byte length takes `prefix` bytes.
inline std::optional<std::vector<std::uint16_t>> read_u16_list(ByteReader& in, int prefix) {
    auto list = read_vector(in, prefix);
    if (!list || list->remaining() % 2 != 0) return std::nullopt;
    std::vector<std::uint16_t> values;
    while (auto value = list->u16be()) values.push_back(*value);
    return values;
}

// A vector of bytes with a 1-byte length.
inline std::optional<std::vector<std::uint8_t>> read_u8_list(ByteReader& in) {
    auto list = read_vector(in, 1);
    if (!list) return std::nullopt;
    const Bytes bytes = list->rest();
    return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
}

}  // namespace mqscan::tls
