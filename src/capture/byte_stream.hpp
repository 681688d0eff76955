#pragma once
// The bytes of a file or of a memory block, handed out as contiguous windows
// so a reader can parse records in place. A file comes in large blocks read
// ahead on another thread (ReadAhead); a window that straddles two blocks is
// copied into a small splice buffer, every other window lies in its block.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/read_ahead.hpp"
#include "mqscan/byte_reader.hpp"

namespace mqscan {

class ByteStream {
public:
    // Takes ownership of `fd`.
    explicit ByteStream(int fd);
    explicit ByteStream(Bytes memory);

    // The next `n` bytes, or fewer when the input ends first or a read fails
    // (see error()). Nothing is consumed. Valid until the next peek() or advance().
    Bytes peek(std::size_t n);
    void advance(std::size_t n);
    // Bytes consumed so far.
    [[nodiscard]] std::uint64_t offset() const { return consumed_; }
    // Why reading failed, or empty.
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    // Makes the window hold `n` bytes (fewer at the end of the input), in the splice buffer.
    void splice(std::size_t n);
    // Points the window at what is left of the current block.
    void window_in_block();
    void drop_block();

    std::unique_ptr<ReadAhead> blocks_;  // null for memory
    std::optional<ReadAhead::Block> block_;  // the block being read
    std::size_t block_pos_ = 0;              // the next unconsumed byte of block_
    std::vector<std::uint8_t> splice_;       // a window straddling blocks
    std::size_t splice_pos_ = 0;
    bool in_splice_ = false;
    Bytes window_;  // the unconsumed bytes at hand
    std::uint64_t consumed_ = 0;
    bool at_end_ = false;
    std::string error_;
};

}  // namespace mqscan
