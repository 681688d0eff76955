#pragma once
// The Internet checksum of IPv4 and TCP headers (RFC 1071): the one's
// complement of the one's complement sum of 16-bit big-endian words.

#include <cstdint>

#include "mqscan/byte_reader.hpp"

namespace mqscan::lab::net {

class InternetChecksum {
public:
    // Pieces may have odd lengths: a byte left over pairs with the next
    // piece's first byte, as if the pieces were one buffer (RFC 1071 §2).
    void add(Bytes bytes);
    // The value to store in the header's checksum field.
    [[nodiscard]] std::uint16_t value() const;

private:
    std::uint64_t sum_ = 0;
    bool low_byte_next_ = false;
};

}  // namespace mqscan::lab::net
