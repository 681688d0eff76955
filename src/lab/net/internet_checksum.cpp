#include "lab/net/internet_checksum.hpp"

namespace mqscan::lab::net {

void InternetChecksum::add(Bytes bytes) {
    std::size_t at = 0;
    if (low_byte_next_ && !bytes.empty()) {
        sum_ += bytes[at++];
        low_byte_next_ = false;
    }
    for (; at + 1 < bytes.size(); at += 2)
        sum_ += static_cast<std::uint64_t>(bytes[at]) << 8 | bytes[at + 1];
    if (at < bytes.size()) {
        sum_ += static_cast<std::uint64_t>(bytes[at]) << 8;
        low_byte_next_ = true;
    }
}

std::uint16_t InternetChecksum::value() const {
    std::uint64_t folded = sum_;
    while (folded > 0xffff) folded = (folded & 0xffff) + (folded >> 16);
    return static_cast<std::uint16_t>(~folded);
}

}  // namespace mqscan::lab::net
