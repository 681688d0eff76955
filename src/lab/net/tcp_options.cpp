// TCP options on the wire, laid out like Linux's tcp_options_write().
#include <stdexcept>

#include "lab/net/tcp_segment.hpp"
#include "lab/net/wire_bytes.hpp"

namespace mqscan::lab::net {
namespace {

constexpr std::uint8_t kNop = 1;
constexpr std::uint8_t kMss = 2;
constexpr std::uint8_t kWindowScale = 3;
constexpr std::uint8_t kSackPermitted = 4;
constexpr std::uint8_t kSack = 5;
constexpr std::uint8_t kTimestamps = 8;
constexpr std::size_t kSackBlockLength = 8;
constexpr std::size_t kSackOverhead = 4;  // two NOPs, kind, length

}  // namespace

std::vector<std::uint8_t> encode_tcp_options(const TcpOptions& options) {
    std::vector<std::uint8_t> out;
    if (options.mss) {
        append_u8(out, kMss);
        append_u8(out, 4);
        append_u16(out, *options.mss);
    }
    if (options.timestamps) {
        // SACK-permitted takes the place of the two NOPs before the timestamps.
        if (options.sack_permitted) {
            append_u8(out, kSackPermitted);
            append_u8(out, 2);
        } else {
            append_u8(out, kNop);
            append_u8(out, kNop);
        }
        append_u8(out, kTimestamps);
        append_u8(out, 10);
        append_u32(out, options.timestamps->value);
        append_u32(out, options.timestamps->echo);
    } else if (options.sack_permitted) {
        append_u8(out, kNop);
        append_u8(out, kNop);
        append_u8(out, kSackPermitted);
        append_u8(out, 2);
    }
    if (options.window_shift) {
        append_u8(out, kNop);
        append_u8(out, kWindowScale);
        append_u8(out, 3);
        append_u8(out, *options.window_shift);
    }
    if (!options.sack_blocks.empty()) {
        append_u8(out, kNop);
        append_u8(out, kNop);
        append_u8(out, kSack);
        const std::size_t length = 2 + kSackBlockLength * options.sack_blocks.size();
        append_u8(out, static_cast<std::uint8_t>(length));
        for (const SackBlock& block : options.sack_blocks) {
            append_u32(out, block.left);
            append_u32(out, block.right);
        }
    }
    if (out.size() > kMaxTcpOptionsLength)
        throw std::logic_error("TCP options longer than 40 bytes");
    return out;
}

std::size_t sack_blocks_fitting(std::size_t space) {
    return space < kSackOverhead ? 0 : (space - kSackOverhead) / kSackBlockLength;
}

}  // namespace mqscan::lab::net
