#pragma once
// Bytes waiting for a socket to take them, bounded twice: past `high_water`
// the connection stops reading (each packet read may make more output), and
// an append past `capacity` is refused, which ends the connection. A peer
// that never reads cannot make the process grow.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mqscan/byte_reader.hpp"

namespace mqscan::lab::real {

class OutputBuffer {
public:
    OutputBuffer(std::size_t high_water, std::size_t capacity);

    // False, and nothing appended, when the bytes would go past the capacity.
    [[nodiscard]] bool append(Bytes bytes);
    // What waits, oldest first.
    [[nodiscard]] Bytes pending() const;
    // The first `count` pending bytes were written.
    void consume(std::size_t count);

    [[nodiscard]] std::size_t size() const { return bytes_.size() - start_; }
    [[nodiscard]] bool empty() const { return size() == 0; }
    [[nodiscard]] bool backed_up() const { return size() >= high_water_; }

private:
    std::size_t high_water_;
    std::size_t capacity_;
    std::vector<std::uint8_t> bytes_;
    std::size_t start_ = 0;  // bytes_ before it are written
};

}  // namespace mqscan::lab::real
