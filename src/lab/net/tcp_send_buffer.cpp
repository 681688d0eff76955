#include "lab/net/tcp_send_buffer.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/core.h>

namespace mqscan::lab::net {

void TcpSendBuffer::start(std::uint64_t first) {
    una_ = first;
    next_ = first;
    data_end_ = first;
}

void TcpSendBuffer::append(Bytes bytes) {
    if (bytes_.size() + bytes.size() > limit_)
        throw std::length_error(fmt::format(
            "send buffer full: {} bytes queued, {} more, limit {}", bytes_.size(), bytes.size(),
            limit_));
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    data_end_ += bytes.size();
}

std::optional<SentSegment> TcpSendBuffer::send_next(std::size_t max_payload,
                                                    std::uint64_t window_end) {
    if (fin_sent()) return std::nullopt;
    const std::uint64_t limit = std::min(data_end(), std::max(window_end, next_));
    const auto length =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(limit - next_, max_payload));
    const bool empties_queue = next_ + length == data_end();
    const bool fin = fin_queued_ && empties_queue;
    if (length == 0 && !fin) return std::nullopt;
    const SentSegment segment{next_, length, length > 0 && empties_queue, fin};
    in_flight_.push_back(segment);
    next_ = segment.end();
    return segment;
}

const SentSegment* TcpSendBuffer::oldest_in_flight() const {
    return in_flight_.empty() ? nullptr : &in_flight_.front();
}

std::vector<std::uint8_t> TcpSendBuffer::payload(const SentSegment& segment) const {
    const auto from = bytes_.begin() + static_cast<std::ptrdiff_t>(segment.seq - una_);
    return {from, from + segment.length};
}

void TcpSendBuffer::acknowledge(std::uint64_t ack) {
    if (ack <= una_) return;
    const std::uint64_t data_acked = std::min(ack, data_end_) - std::min(una_, data_end_);
    bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(data_acked));
    una_ = ack;
    while (!in_flight_.empty() && in_flight_.front().end() <= ack) in_flight_.pop_front();
    // A receiver acknowledges whole segments; trimming keeps the queue right if one did not.
    if (!in_flight_.empty() && in_flight_.front().seq < ack) {
        SentSegment& front = in_flight_.front();
        front.length -= static_cast<std::uint32_t>(ack - front.seq);
        front.seq = ack;
    }
}

}  // namespace mqscan::lab::net
