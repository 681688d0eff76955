#pragma once

#include <cstdint>
#include <vector>

#include "mqscan/byte_reader.hpp"

namespace mqscan {

// The last few delivered bytes of one stream direction, kept to check that a
// retransmission repeats what was delivered. Allocated on first use.
class RecentBytes {
public:
    explicit RecentBytes(std::size_t capacity) : capacity_(capacity) {}

    void append(Bytes bytes);
    void clear() { size_ = 0; }
    void release() {
        ring_.clear();
        ring_.shrink_to_fit();
        size_ = 0;
    }
    [[nodiscard]] std::size_t size() const { return size_; }
    // The byte `distance` places back from the newest (1 = the newest). distance <= size().
    [[nodiscard]] std::uint8_t back(std::size_t distance) const {
        return ring_[(head_ + capacity_ - distance) % capacity_];
    }

private:
    std::size_t capacity_;
    std::vector<std::uint8_t> ring_;
    std::size_t head_ = 0;  // where the next byte goes
    std::size_t size_ = 0;
};

}  // namespace mqscan
