#pragma once
// One side's outgoing stream: the bytes written and not yet acknowledged
// (from SND.UNA on), and the segments in flight, kept with the boundaries
// they were sent with so that a retransmission repeats one exactly.
// Sequence numbers are 64-bit here (never wrapping); the wire keeps the low 32 bits.

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "mqscan/byte_reader.hpp"

namespace mqscan::lab::net {

struct SentSegment {
    std::uint64_t seq = 0;
    std::uint32_t length = 0;  // payload bytes
    bool push = false;         // it emptied the queue when first sent
    bool fin = false;

    // The FIN takes one sequence number (RFC 9293 §3.4).
    [[nodiscard]] std::uint64_t end() const { return seq + length + (fin ? 1 : 0); }
};

class TcpSendBuffer {
public:
    explicit TcpSendBuffer(std::size_t limit) : limit_(limit) {}

    // `first` is the sequence number of the first data byte: ISS + 1.
    void start(std::uint64_t first);
    // Throws std::length_error when the unacknowledged and unsent bytes would pass the limit.
    void append(Bytes bytes);
    void queue_fin() { fin_queued_ = true; }

    // The next segment of new data, now counted as sent: at most `max_payload`
    // bytes and none at or past `window_end`; it carries the FIN when it ends the
    // stream and a FIN is queued (the FIN needs no window), PSH when it empties
    // the queue. None when nothing new can go.
    std::optional<SentSegment> send_next(std::size_t max_payload, std::uint64_t window_end);
    // The earliest segment in flight, or null.
    [[nodiscard]] const SentSegment* oldest_in_flight() const;
    [[nodiscard]] std::vector<std::uint8_t> payload(const SentSegment& segment) const;
    // Forgets what `ack` acknowledges (ack <= next()).
    void acknowledge(std::uint64_t ack);

    [[nodiscard]] std::uint64_t una() const { return una_; }
    [[nodiscard]] std::uint64_t next() const { return next_; }
    // The sequence number after the last byte written.
    [[nodiscard]] std::uint64_t data_end() const { return data_end_; }
    [[nodiscard]] bool fin_queued() const { return fin_queued_; }
    [[nodiscard]] bool fin_sent() const { return fin_queued_ && next_ > data_end(); }
    [[nodiscard]] bool fin_acked() const { return fin_sent() && una_ == next_; }
    [[nodiscard]] bool all_acked() const { return una_ == next_; }

private:
    std::size_t limit_;
    std::uint64_t una_ = 0;
    std::uint64_t next_ = 0;
    std::uint64_t data_end_ = 0;
    std::deque<std::uint8_t> bytes_;  // from una_ to data_end_ (empty once the FIN is acknowledged)
    std::deque<SentSegment> in_flight_;
    bool fin_queued_ = false;
};

}  // namespace mqscan::lab::net
