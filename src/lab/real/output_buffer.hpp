#pragma once
// Bytes waiting for a socket to take them, bounded twice: past `high_water`
// the connection stops reading (each packet read may make more output), and
// an append past `capacity` is refused, which ends the connection. A peer
// that never reads cannot make the process grow.
//
// Held in chunks of at most kChunk bytes, each freed once written: the memory
// held stays within capacity + 2 chunks, and goes back after a burst.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "mqscan/byte_reader.hpp"

namespace mqscan::lab::real {

// The bounds of a connection's output, the broker's and the clients' alike.
inline constexpr std::size_t kOutputHighWater = 256 * 1024;
inline constexpr std::size_t kOutputCapacity = 8 * 1024 * 1024;

class OutputBuffer {
public:
    // One socket write at most; the granularity of the memory held.
    static constexpr std::size_t kChunk = 16 * 1024;

    OutputBuffer(std::size_t high_water, std::size_t capacity);

    // False, and nothing appended, when the bytes would go past the capacity.
    [[nodiscard]] bool append(Bytes bytes);
    // What waits first, at most kChunk bytes; empty when nothing waits.
    [[nodiscard]] Bytes pending() const;
    // The first `count` pending bytes were written.
    void consume(std::size_t count);

    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }
    [[nodiscard]] bool backed_up() const { return size_ >= high_water_; }
    // The bytes of storage held (written ones included until their chunk goes).
    [[nodiscard]] std::size_t allocated() const;

private:
    std::size_t high_water_;
    std::size_t capacity_;
    std::deque<std::vector<std::uint8_t>> chunks_;
    std::size_t start_ = 0;  // the front chunk's bytes before it are written
    std::size_t size_ = 0;   // bytes not written
};

}  // namespace mqscan::lab::real
