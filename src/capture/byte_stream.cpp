#include "capture/byte_stream.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace mqscan {
namespace {

// One read() call brings this much: fewer system calls matter more than the copy.
constexpr std::size_t kReadSize = 1024 * 1024;

}  // namespace

ByteStream::ByteStream(int fd, std::size_t max_window)
    : fd_(fd), buffer_(max_window + kReadSize) {
    window_ = Bytes(buffer_.data(), 0);
}

ByteStream::ByteStream(Bytes memory) : window_(memory), at_end_(true) {}

ByteStream::~ByteStream() {
    if (fd_ >= 0) ::close(fd_);
}

Bytes ByteStream::peek(std::size_t n) {
    if (window_.size() < n && !at_end_) fill(n);
    return window_.first(std::min(n, window_.size()));
}

void ByteStream::advance(std::size_t n) {
    window_ = window_.subspan(n);
    consumed_ += n;
}

void ByteStream::fill(std::size_t n) {
    // Move what is left to the front, then read until n bytes are held.
    const std::size_t kept = window_.size();
    std::memmove(buffer_.data(), window_.data(), kept);
    std::size_t held = kept;
    while (held < n) {
        const ssize_t got = ::read(fd_, buffer_.data() + held, buffer_.size() - held);
        if (got > 0) {
            held += static_cast<std::size_t>(got);
        } else if (got < 0 && errno == EINTR) {
            continue;
        } else {
            if (got < 0) error_ = std::strerror(errno);
            at_end_ = true;
            break;
        }
    }
    window_ = Bytes(buffer_.data(), held);
}

}  // namespace mqscan
