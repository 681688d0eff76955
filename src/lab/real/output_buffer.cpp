#include "lab/real/output_buffer.hpp"

#include <algorithm>

namespace mqscan::lab::real {

OutputBuffer::OutputBuffer(std::size_t high_water, std::size_t capacity)
    : high_water_(std::min(high_water, capacity)), capacity_(capacity) {}

bool OutputBuffer::append(Bytes bytes) {
    if (bytes.size() > capacity_ - size_) return false;
    size_ += bytes.size();
    while (!bytes.empty()) {
        if (chunks_.empty() || chunks_.back().size() == kChunk) {
            chunks_.emplace_back();
            // Exactly what the chunk will hold: a small append does not reserve a whole chunk.
            chunks_.back().reserve(std::min(kChunk, bytes.size()));
        }
        std::vector<std::uint8_t>& last = chunks_.back();
        const std::size_t taken = std::min(kChunk - last.size(), bytes.size());
        // Grown once to a whole chunk, never past it: no vector's doubling beyond the bound.
        if (last.capacity() < last.size() + taken) last.reserve(kChunk);
        last.insert(last.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(taken));
        bytes = bytes.subspan(taken);
    }
    return true;
}

Bytes OutputBuffer::pending() const {
    if (chunks_.empty()) return {};
    return Bytes(chunks_.front()).subspan(start_);
}

void OutputBuffer::consume(std::size_t count) {
    count = std::min(count, size_);
    size_ -= count;
    while (count > 0) {
        const std::size_t in_front = chunks_.front().size() - start_;
        const std::size_t taken = std::min(count, in_front);
        start_ += taken;
        count -= taken;
        if (start_ == chunks_.front().size()) {
            chunks_.pop_front();
            start_ = 0;
        }
    }
}

std::size_t OutputBuffer::allocated() const {
    std::size_t total = 0;
    for (const std::vector<std::uint8_t>& chunk : chunks_) total += chunk.capacity();
    return total;
}

}  // namespace mqscan::lab::real
