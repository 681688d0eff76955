#include "capture/read_ahead.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace mqscan {

ReadAhead::ReadAhead(int fd) : fd_(fd) {
    for (std::size_t i = 0; i < kBlocks; ++i) free_.push_back(Block{std::vector<std::uint8_t>(kBlockSize), 0});
    reader_ = std::thread([this] { read_blocks(); });
}

ReadAhead::~ReadAhead() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    reader_.join();
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
        if (last) return;
    }
}

std::optional<ReadAhead::Block> ReadAhead::next() {
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
