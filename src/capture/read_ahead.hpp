#pragma once
// Reads a file in large blocks on a thread of its own, a few blocks ahead of
// the analysis, so that the kernel's copying overlaps the decoding. Memory:
// kBlocks blocks of kBlockSize bytes. When the system gives no thread, each
// block is read when asked for instead.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mqscan {

class ReadAhead {
public:
    static constexpr std::size_t kBlockSize = 512 * 1024;
    static constexpr std::size_t kBlocks = 3;

    struct Block {
        std::vector<std::uint8_t> bytes;  // kBlockSize long
        std::size_t size = 0;             // the bytes read into it
    };

    // Takes ownership of `fd` and starts reading.
    explicit ReadAhead(int fd);
    ~ReadAhead();
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    // The next block in file order, waiting for it; nullopt at the end of the
    // file or after a read error (see error()). The caller holds fewer than
    // kBlocks blocks at once (recycling each before it asks for more), or the
    // reader thread would wait for a free block forever.
    std::optional<Block> next();
    // Gives a block's memory back for reading.
    void recycle(Block block);
    // Why reading stopped early, or empty (valid once next() returned nullopt).
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    void read_blocks();  // the reader thread
    void read_here();    // without it: one block, unless one is ready
    // Reads the block full (or to the end of the file) and makes it ready;
    // true when it was the last.
    bool fill_and_hand_over(Block block);

    int fd_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Block> ready_;
    std::vector<Block> free_;
    bool finished_ = false;  // no more blocks will come
    bool stopping_ = false;  // the reader must stop (destruction)
    std::string error_;
    std::thread reader_;  // last: it uses the members above
};

}  // namespace mqscan
