#pragma once
// The bytes of a file or of a memory block, handed out as contiguous windows
// so a reader can parse records in place. A file is read with large read()
// calls into one bounded buffer.

#include <cstdint>
#include <string>
#include <vector>

#include "mqscan/byte_reader.hpp"

namespace mqscan {

class ByteStream {
public:
    // Takes ownership of `fd`. A window is at most `max_window` bytes.
    ByteStream(int fd, std::size_t max_window);
    explicit ByteStream(Bytes memory);
    ~ByteStream();
    ByteStream(const ByteStream&) = delete;
    ByteStream& operator=(const ByteStream&) = delete;

    // The next `n` bytes (n <= max_window), or fewer when the input ends
    // first or a read fails (see error()). Nothing is consumed.
    Bytes peek(std::size_t n);
    void advance(std::size_t n);
    // Bytes consumed so far.
    [[nodiscard]] std::uint64_t offset() const { return consumed_; }
    // Why the last read failed, or empty.
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    void fill(std::size_t n);

    int fd_ = -1;
    std::vector<std::uint8_t> buffer_;
    Bytes window_;  // the unconsumed bytes held (the whole block for memory)
    std::uint64_t consumed_ = 0;
    bool at_end_ = false;
    std::string error_;
};

}  // namespace mqscan
