#include "lab/real/output_buffer.hpp"

#include <algorithm>

namespace mqscan::lab::real {

OutputBuffer::OutputBuffer(std::size_t high_water, std::size_t capacity)
    : high_water_(std::min(high_water, capacity)), capacity_(capacity) {}

bool OutputBuffer::append(Bytes bytes) {
    if (bytes.size() > capacity_ - size()) return false;
    // Written bytes are dropped when they are at least half the storage, so
    // that the copy is paid for by as many bytes written.
    if (start_ > 0 && start_ >= bytes_.size() / 2) {
        bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(start_));
        start_ = 0;
    }
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return true;
}

Bytes OutputBuffer::pending() const { return Bytes(bytes_).subspan(start_); }

void OutputBuffer::consume(std::size_t count) {
    start_ += std::min(count, size());
    if (start_ == bytes_.size()) {
        bytes_.clear();
        start_ = 0;
    }
}

}  // namespace mqscan::lab::real
