#pragma once
// Cuts one direction of a stream into MQTT control packets. Any chunking of
// the same bytes gives the same packets; a partial packet waits in a buffer
// capped at the packet limit; a larger packet is reported and skipped unbuffered;
// after a gap, decoding resumes at the next plausible packet: a small one
// (kMaxResyncPacket) followed by a plausible header, so the search is linear.

#include <cstdint>
#include <vector>

#include "mqscan/byte_reader.hpp"

namespace mqscan::mqtt {

class FrameHandler {
public:
    virtual ~FrameHandler() = default;
    // `overlong_length`: the remaining length was not minimally encoded.
    virtual void on_frame(std::uint8_t first_byte, Bytes body, bool overlong_length) = 0;
    // A packet over the limit, skipped: its type and length.
    virtual void on_oversized(std::uint8_t first_byte, std::uint32_t length) = 0;
    // A packet lost to a gap or to the end of the stream.
    virtual void on_incomplete(std::uint8_t first_byte, std::uint32_t length) = 0;
    // A remaining length of more than 4 bytes: sync is lost here.
    virtual void on_invalid_length(std::uint8_t first_byte) = 0;
    // `bytes` that were not plausible packets were skipped; `resumed` is false
    // when the stream ended before a packet boundary was found again.
    virtual void on_skipped(std::uint64_t bytes, bool resumed) = 0;
    // Would this complete packet be accepted? Used to find a packet boundary after a gap.
    [[nodiscard]] virtual bool plausible(std::uint8_t first_byte, Bytes body) = 0;
};

class MqttFramer {
public:
    // Packets whose remaining length exceeds `max_packet` are skipped.
    explicit MqttFramer(std::uint32_t max_packet) : max_packet_(max_packet) {}

    // A boundary found after a gap starts a packet of at most this many bytes.
    static constexpr std::uint32_t kMaxResyncPacket = 4096;
    // Bytes of candidate packets fully parsed per search; past it, headers decide.
    static constexpr std::size_t kResyncParseBudget = 256 * 1024;

    void feed(Bytes data, FrameHandler& handler);
    void gap(std::uint64_t bytes, FrameHandler& handler);
    void end(FrameHandler& handler);

private:
    struct Header {
        enum class State { NeedMore, Invalid, Ok } state = State::NeedMore;
        std::uint32_t remaining = 0;
        std::uint8_t length = 0;  // fixed header bytes
        bool overlong = false;
        [[nodiscard]] std::uint64_t total() const { return length + std::uint64_t{remaining}; }
    };
    static Header read_header(Bytes bytes);

    std::size_t feed_in_sync(Bytes data, FrameHandler& handler);
    std::size_t start_frame(Bytes data, FrameHandler& handler);
    std::size_t continue_frame(Bytes data, FrameHandler& handler);
    // `final`: no more bytes will come, so a packet that needs more is no candidate.
    void scan_for_boundary(FrameHandler& handler, bool final);
    bool candidate_at(std::size_t at, FrameHandler& handler, bool final, bool& need_more);
    void lose_sync();
    void release_buffer();

    static constexpr std::size_t kKeptCapacity = 4096;
    // Room reserved for a packet from its header alone, before its bytes arrive.
    static constexpr std::size_t kReservedAtMost = 64 * 1024;

    std::uint32_t max_packet_;
    std::vector<std::uint8_t> buffer_;  // a partial packet, or bytes being searched
    std::uint64_t skip_ = 0;            // bytes of an oversized or lost packet still to drop
    bool in_sync_ = true;
    std::uint64_t resync_skipped_ = 0;  // unknown bytes since sync was lost
    std::size_t parse_budget_ = 0;      // left for this search
};

}  // namespace mqscan::mqtt
