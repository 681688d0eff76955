#pragma once
// Reading back the simulated network's frames for the tests: mqscan's own
// decoders, plus the fields they skip (IP identification and flags, TCP
// options), and checksums recomputed here apart from the network's code.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "decode/packet_decoder.hpp"
#include "lab/net/network.hpp"

namespace mqscan::test {

using lab::net::CapturedFrame;
using lab::net::Network;
using lab::net::NetworkEvent;
using lab::net::NetworkEventKind;
using lab::net::Side;

inline std::uint16_t word_at(const std::vector<std::uint8_t>& bytes, std::size_t at) {
    return static_cast<std::uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

inline std::uint32_t long_at(const std::vector<std::uint8_t>& bytes, std::size_t at) {
    return std::uint32_t{word_at(bytes, at)} << 16 | word_at(bytes, at + 2);
}

struct TcpOptionsSeen {
    std::optional<std::uint16_t> mss;
    std::optional<std::uint8_t> window_shift;
    bool sack_permitted = false;
    std::optional<std::uint32_t> ts_value;
    std::optional<std::uint32_t> ts_echo;
    std::size_t sack_blocks = 0;
    std::size_t length = 0;
};

// One frame, as mqscan decodes it and as the tests look into it.
struct FrameView {
    DecodedPacket decoded;
    bool ipv6 = false;
    std::size_t ip_start = 14;
    std::size_t tcp_start = 0;
    std::uint16_t ip_id = 0;
    std::uint16_t ip_flags = 0;
    std::uint8_t hop_limit = 0;
    TcpOptionsSeen options;

    [[nodiscard]] const TcpSegment& tcp() const { return decoded.segment; }
    [[nodiscard]] std::size_t payload() const { return decoded.segment.payload.size(); }
    [[nodiscard]] bool only(std::uint8_t flags) const { return decoded.segment.flags == flags; }
};

inline TcpOptionsSeen parse_options(const std::vector<std::uint8_t>& frame, std::size_t from,
                                    std::size_t to) {
    TcpOptionsSeen seen;
    seen.length = to - from;
    std::size_t at = from;
    while (at < to) {
        const std::uint8_t kind = frame[at];
        if (kind == 0) break;
        if (kind == 1) {
            ++at;
            continue;
        }
        const std::uint8_t length = frame[at + 1];
        switch (kind) {
            case 2: seen.mss = word_at(frame, at + 2); break;
            case 3: seen.window_shift = frame[at + 2]; break;
            case 4: seen.sack_permitted = true; break;
            case 5: seen.sack_blocks = (length - 2u) / 8u; break;
            case 8:
                seen.ts_value = long_at(frame, at + 2);
                seen.ts_echo = long_at(frame, at + 6);
                break;
            default: break;
        }
        at += length;
    }
    return seen;
}

inline FrameView view(const CapturedFrame& frame) {
    FrameView v;
    const RawFrame raw{0, frame.time, frame.data, frame.original_length};
    decode_packet(LinkType::Ethernet, raw, v.decoded);
    const auto& bytes = frame.data;
    v.ipv6 = word_at(bytes, 12) == 0x86dd;
    v.tcp_start = v.ip_start + (v.ipv6 ? 40 : 20);
    if (!v.ipv6) {
        v.ip_id = word_at(bytes, v.ip_start + 4);
        v.ip_flags = word_at(bytes, v.ip_start + 6);
        v.hop_limit = bytes[v.ip_start + 8];
    } else {
        v.hop_limit = bytes[v.ip_start + 7];
    }
    if (bytes.size() >= v.tcp_start + 20) {
        const std::size_t header = (bytes[v.tcp_start + 12] >> 4) * 4u;
        v.options = parse_options(bytes, v.tcp_start + 20,
                                  std::min(bytes.size(), v.tcp_start + header));
    }
    return v;
}

inline std::vector<FrameView> views(const std::vector<CapturedFrame>& frames) {
    std::vector<FrameView> out;
    for (const CapturedFrame& frame : frames) out.push_back(view(frame));
    return out;
}

// The Internet checksum over the pseudo-header and the TCP segment, the plain
// way (RFC 1071 §4.1): a right checksum makes the sum 0xffff.
inline bool tcp_checksum_verifies(const CapturedFrame& frame) {
    const auto& bytes = frame.data;
    const bool ipv6 = word_at(bytes, 12) == 0x86dd;
    const std::size_t ip = 14;
    const std::size_t tcp = ip + (ipv6 ? 40 : 20);
    const std::size_t tcp_length = bytes.size() - tcp;
    std::vector<std::uint8_t> summed;
    const std::size_t addresses = ip + (ipv6 ? 8 : 12);
    const std::size_t address_bytes = ipv6 ? 32 : 8;
    summed.insert(summed.end(), bytes.begin() + static_cast<std::ptrdiff_t>(addresses),
                  bytes.begin() + static_cast<std::ptrdiff_t>(addresses + address_bytes));
    // The same words for IPv4 and IPv6 (RFC 8200 §8.1's layout): their sum is what counts.
    const std::uint8_t length_and_protocol[] = {0,
                                                0,
                                                static_cast<std::uint8_t>(tcp_length >> 8),
                                                static_cast<std::uint8_t>(tcp_length),
                                                0,
                                                0,
                                                0,
                                                6};
    summed.insert(summed.end(), std::begin(length_and_protocol), std::end(length_and_protocol));
    summed.insert(summed.end(), bytes.begin() + static_cast<std::ptrdiff_t>(tcp), bytes.end());
    if (summed.size() % 2 != 0) summed.push_back(0);
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < summed.size(); i += 2) sum += word_at(summed, i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

// Runs the network until nothing is left to happen; the applications' events on the way.
inline std::vector<NetworkEvent> run_to_end(Network& network) {
    std::vector<NetworkEvent> events;
    while (const auto next = network.next_event()) {
        network.run_until(*next);
        for (NetworkEvent& event : network.take_events()) events.push_back(std::move(event));
    }
    return events;
}

inline std::vector<std::uint8_t> bytes_read(const std::vector<NetworkEvent>& events, Side side) {
    std::vector<std::uint8_t> out;
    for (const NetworkEvent& event : events)
        if (event.side == side && event.kind == NetworkEventKind::Data)
            out.insert(out.end(), event.data.begin(), event.data.end());
    return out;
}

inline std::size_t count_events(const std::vector<NetworkEvent>& events, Side side,
                                NetworkEventKind kind) {
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(),
                      [&](const NetworkEvent& e) { return e.side == side && e.kind == kind; }));
}

inline std::vector<std::uint8_t> pattern(std::size_t size, std::uint8_t salt = 0) {
    std::vector<std::uint8_t> out(size);
    for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(i * 7 + salt);
    return out;
}

}  // namespace mqscan::test
