#include "capture/byte_stream.hpp"

#include <algorithm>

namespace mqscan {

ByteStream::ByteStream(int fd) : blocks_(std::make_unique<ReadAhead>(fd)) {}

ByteStream::ByteStream(Bytes memory) : window_(memory), at_end_(true) {}

Bytes ByteStream::peek(std::size_t n) {
    if (window_.size() < n && !at_end_) splice(n);
    return window_.first(std::min(n, window_.size()));
}

void ByteStream::advance(std::size_t n) {
    consumed_ += n;
    window_ = window_.subspan(n);
    if (!in_splice_) {
        block_pos_ += n;
        return;
    }
    splice_pos_ += n;
    if (splice_pos_ == splice_.size()) {
        // The splice is used up: back to the block, after the bytes it took.
        in_splice_ = false;
        window_in_block();
    }
}

void ByteStream::window_in_block() {
    window_ = block_ ? Bytes(block_->bytes.data(), block_->size).subspan(block_pos_) : Bytes();
}

void ByteStream::drop_block() {
    if (block_) blocks_->recycle(std::move(*block_));
    block_.reset();
    block_pos_ = 0;
}

void ByteStream::splice(std::size_t n) {
    if (in_splice_) {
        splice_.erase(splice_.begin(), splice_.begin() + static_cast<std::ptrdiff_t>(splice_pos_));
    } else {
        splice_.assign(window_.begin(), window_.end());
        drop_block();
        in_splice_ = true;
    }
    splice_pos_ = 0;
    while (splice_.size() < n) {
        if (!block_ || block_pos_ == block_->size) {
            drop_block();
            block_ = blocks_->next();
            if (!block_) {
                at_end_ = true;
                error_ = blocks_->error();
                break;
            }
        }
        const std::size_t taken = std::min(n - splice_.size(), block_->size - block_pos_);
        const auto from = block_->bytes.begin() + static_cast<std::ptrdiff_t>(block_pos_);
        splice_.insert(splice_.end(), from, from + static_cast<std::ptrdiff_t>(taken));
        block_pos_ += taken;
    }
    window_ = Bytes(splice_);
    if (splice_.empty()) {
        in_splice_ = false;
        window_in_block();
    }
}

}  // namespace mqscan
