#pragma once
// A TCP segment as the simulated hosts exchange it: header fields, options
// and payload, before it is put in a frame (frame_builder.hpp).

#include <cstdint>
#include <optional>
#include <vector>

#include "decode/decoded_packet.hpp"  // tcp_flags

namespace mqscan::lab::net {

// RFC 7323 §3.
struct TcpTimestamps {
    std::uint32_t value = 0;
    std::uint32_t echo = 0;
};

// Received bytes [left, right) beyond a gap (RFC 2018 §3).
struct SackBlock {
    std::uint32_t left = 0;
    std::uint32_t right = 0;
};

struct TcpOptions {
    std::optional<std::uint16_t> mss;           // SYN only (RFC 9293 §3.7.1)
    bool sack_permitted = false;                // SYN only (RFC 2018 §2)
    std::optional<TcpTimestamps> timestamps;    // every segment once negotiated (RFC 7323 §3.2)
    std::optional<std::uint8_t> window_shift;   // SYN only (RFC 7323 §2.2)
    std::vector<SackBlock> sack_blocks;
};

struct Segment {
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0;  // tcp_flags
    std::uint16_t window = 0;
    TcpOptions options;
    std::vector<std::uint8_t> payload;

    [[nodiscard]] bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
};

inline constexpr std::size_t kTcpHeaderLength = 20;
inline constexpr std::size_t kMaxTcpOptionsLength = 40;

// The options as Linux lays them out: each one aligned on 4 bytes by NOPs, so
// that the header needs no padding. Options longer than 40 bytes are a bug of
// the caller (std::logic_error).
std::vector<std::uint8_t> encode_tcp_options(const TcpOptions& options);

// How many SACK blocks fit in `space` option bytes (with their NOPs and kind/length).
std::size_t sack_blocks_fitting(std::size_t space);

}  // namespace mqscan::lab::net
