#include "capture/read_ahead.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>
#include <unistd.h>

namespace mqscan {

ReadAhead::ReadAhead(int fd) : fd_(fd) {
    for (std::size_t i = 0; i < kBlocks; ++i) free_.push_back(Block{std::vector<std::uint8_t>(kBlockSize), 0});
    try {
        reader_ = std::thread([this] { read_blocks(); });
    } catch (const std::system_error&) {
        // No thread to spare (a process or thread limit): next() reads each block
        // itself, into a block made when none is free (one, as the caller recycles).
        free_.clear();
    }
}

ReadAhead::~ReadAhead() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (reader_.joinable()) reader_.join();
    ::close(fd_);
}

void ReadAhead::read_blocks() {
    while (true) {
        Block block;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return stopping_ || !free_.empty(); });
            if (stopping_) return;
            block = std::move(free_.back());
            free_.pop_back();
        }
        if (fill_and_hand_over(std::move(block))) return;
    }
}

void ReadAhead::read_here() {
    Block block;
    {
        std::lock_guard lock(mutex_);
        if (finished_ || !ready_.empty()) return;
        if (free_.empty()) {
            block.bytes.resize(kBlockSize);
        } else {
            block = std::move(free_.back());
            free_.pop_back();
        }
    }
    fill_and_hand_over(std::move(block));
}

bool ReadAhead::fill_and_hand_over(Block block) {
    block.size = 0;
    std::string failure;
    while (block.size < block.bytes.size()) {
        const ssize_t got = ::read(fd_, block.bytes.data() + block.size, block.bytes.size() - block.size);
        if (got > 0) {
            block.size += static_cast<std::size_t>(got);
        } else if (got < 0 && errno == EINTR) {
            continue;
        } else {
            if (got < 0) failure = std::strerror(errno);
            break;
        }
    }
    const bool last = block.size < block.bytes.size();
    {
        std::lock_guard lock(mutex_);
        if (block.size > 0) ready_.push_back(std::move(block));
        if (last) {
            finished_ = true;
            error_ = failure;
        }
    }
    changed_.notify_all();
    return last;
}

std::optional<ReadAhead::Block> ReadAhead::next() {
    if (!reader_.joinable()) read_here();
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return finished_ || !ready_.empty(); });
    if (ready_.empty()) return std::nullopt;
    Block block = std::move(ready_.front());
    ready_.pop_front();
    return block;
}

void ReadAhead::recycle(Block block) {
    {
        std::lock_guard lock(mutex_);
        free_.push_back(std::move(block));
    }
    changed_.notify_all();
}

}  // namespace mqscan
