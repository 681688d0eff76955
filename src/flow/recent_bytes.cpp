#include "flow/recent_bytes.hpp"

#include <algorithm>

namespace mqscan {

void RecentBytes::append(Bytes bytes) {
    if (capacity_ == 0 || bytes.empty()) return;
    if (ring_.empty()) ring_.resize(capacity_);
    if (bytes.size() > capacity_) bytes = bytes.subspan(bytes.size() - capacity_);
    const std::size_t first = std::min(bytes.size(), capacity_ - head_);
    std::copy_n(bytes.begin(), first, ring_.begin() + static_cast<std::ptrdiff_t>(head_));
    std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(first), bytes.end(), ring_.begin());
    head_ = (head_ + bytes.size()) % capacity_;
    size_ = std::min(capacity_, size_ + bytes.size());
}

}  // namespace mqscan
