#pragma once
// Every packet read lands in exactly one "packets.*" counter; every TCP
// segment lands in exactly one "segments.*" counter. Declared once here.

#include <array>
#include <cstdint>
#include <string_view>

namespace mqscan {

// X(enumerator, "name in reports")
#define MQSCAN_PACKET_COUNTERS(X)             \
    X(Tcp, "tcp")                             \
    X(NonIp, "non_ip")                        \
    X(IpOther, "ip_not_tcp")                  \
    X(IpFragment, "ip_fragment")              \
    X(Malformed, "malformed")                 \
    X(Truncated, "truncated")

#define MQSCAN_SEGMENT_COUNTERS(X)            \
    X(Delivered, "delivered")                 \
    X(Buffered, "buffered")                   \
    X(Retransmission, "retransmission")       \
    X(GapForced, "gap_forced")                \
    X(Ignored, "ignored")                     \
    X(NoPayload, "no_payload")

enum class PacketClass : std::uint8_t {
#define X(name, text) name,
    MQSCAN_PACKET_COUNTERS(X)
#undef X
        Count
};

// What the reassembler did with one segment, for counters and exact unit tests.
enum class SegmentStatus : std::uint8_t {
#define X(name, text) name,
    MQSCAN_SEGMENT_COUNTERS(X)
#undef X
        Count
};

[[nodiscard]] std::string_view to_string(PacketClass value);
[[nodiscard]] std::string_view to_string(SegmentStatus value);

struct Counters {
    std::uint64_t packets_read = 0;
    std::array<std::uint64_t, static_cast<std::size_t>(PacketClass::Count)> packets{};
    std::array<std::uint64_t, static_cast<std::size_t>(SegmentStatus::Count)> segments{};
    std::uint64_t connections = 0;
    std::uint64_t connections_unlisted = 0;

    void count(PacketClass value) { ++packets[static_cast<std::size_t>(value)]; }
    void count(SegmentStatus value) { ++segments[static_cast<std::size_t>(value)]; }
    [[nodiscard]] std::uint64_t of(PacketClass value) const {
        return packets[static_cast<std::size_t>(value)];
    }
    [[nodiscard]] std::uint64_t of(SegmentStatus value) const {
        return segments[static_cast<std::size_t>(value)];
    }
};

}  // namespace mqscan
