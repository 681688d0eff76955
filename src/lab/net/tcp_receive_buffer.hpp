#pragma once
// One side's incoming stream: the next sequence number expected (RCV.NXT),
// and what arrived beyond a gap, kept until the gap is filled, so that the
// application reads exactly the bytes sent, in order, each once.
// Sequence numbers are 64-bit here (never wrapping); the wire keeps the low 32 bits.

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "mqscan/byte_reader.hpp"

namespace mqscan::lab::net {

// Received sequence numbers [left, right).
struct SequenceRange {
    std::uint64_t left = 0;
    std::uint64_t right = 0;
};

struct ReceiveOutcome {
    std::vector<std::uint8_t> delivered;  // bytes now in order, for the application
    bool fin = false;                     // the peer's FIN came in order: the stream ended
    bool duplicate = false;               // nothing new: all of it had come before
    bool out_of_order = false;            // kept beyond a gap
    bool filled_gap = false;              // came in order while something waited beyond a gap
};

class TcpReceiveBuffer {
public:
    // `first` is the peer's ISS + 1.
    void start(std::uint64_t first) { next_ = first; }
    // The 64-bit sequence number nearest RCV.NXT whose low 32 bits are `wire`.
    [[nodiscard]] std::uint64_t unwrap(std::uint32_t wire) const;
    // `seq` starts `payload`; `fin` when the segment carries the FIN after it.
    ReceiveOutcome receive(std::uint64_t seq, Bytes payload, bool fin);

    [[nodiscard]] std::uint64_t next() const { return next_; }
    [[nodiscard]] bool fin_received() const { return fin_received_; }
    // The ranges kept beyond gaps, at most `max`: the one holding `latest`
    // first, then the others from the highest (RFC 2018 §4).
    [[nodiscard]] std::vector<SequenceRange> sack_ranges(std::uint64_t latest,
                                                         std::size_t max) const;

private:
    [[nodiscard]] bool waiting_beyond_gap() const;
    void deliver_in_order(std::uint64_t seq, Bytes payload, std::vector<std::uint8_t>& out);

    std::uint64_t next_ = 0;
    std::map<std::uint64_t, std::vector<std::uint8_t>> beyond_gap_;  // by first sequence number
    std::optional<std::uint64_t> fin_seq_;
    bool fin_received_ = false;
};

}  // namespace mqscan::lab::net
