#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "flow/recent_bytes.hpp"
#include "mqscan/byte_reader.hpp"
#include "mqscan/counters.hpp"
#include "mqscan/limits.hpp"

namespace mqscan {

// Where one direction's in-order bytes go.
class ReassemblyOutput {
public:
    virtual ~ReassemblyOutput() = default;
    virtual void deliver(Bytes bytes) = 0;
    virtual void gap(std::uint64_t bytes) = 0;
};

struct SegmentInput {
    std::uint32_t seq = 0;
    bool syn = false;
    bool fin = false;
    Bytes payload;
    std::uint32_t missing = 0;      // payload bytes not captured (snaplen)
    bool peer_window_zero = false;  // the receiver last advertised a zero window
};

struct SegmentOutcome {
    SegmentStatus status = SegmentStatus::NoPayload;
    bool overlap_mismatch = false;    // a copy of already-seen bytes differs
    bool out_of_order_limit = false;  // waiting bytes overflowed: a gap was declared
};

// Reassembles one direction of a TCP connection: bytes come out in order,
// each once; first data wins; missing bytes come out as gaps of known size.
class TcpReassembler {
public:
    // `pending_total` counts waiting bytes over all reassemblers sharing it.
    TcpReassembler(const Limits& limits, std::size_t& pending_total);
    ~TcpReassembler();
    TcpReassembler(const TcpReassembler&) = delete;
    TcpReassembler& operator=(const TcpReassembler&) = delete;

    SegmentOutcome accept(const SegmentInput& in, ReassemblyOutput& out);
    // The peer acknowledged this direction up to `ack`: a hole the peer has
    // acknowledged past was received but not captured, so it becomes a gap now.
    void acknowledged(std::uint32_t ack, ReassemblyOutput& out);
    // Stop waiting for missing bytes: what is buffered comes out, holes as gaps.
    void flush(ReassemblyOutput& out);
    // Frees the buffers of a stream that will see no more data.
    void release_memory();
    // Frees the retransmission history of a stream that should see little more data.
    void release_history() { history_.release(); }

    [[nodiscard]] bool started() const { return started_; }
    [[nodiscard]] bool syn_seen() const { return syn_seen_; }
    [[nodiscard]] std::uint32_t initial_seq() const { return isn_; }
    // Is a SYN with this sequence number this stream's own (a retransmission, or
    // a SYN captured after the data that follows it)? Otherwise the ports were reused.
    [[nodiscard]] bool owns_syn(std::uint32_t seq) const {
        return syn_seen_ ? isn_ == seq : started_ && base_seq_ == seq + 1;
    }
    [[nodiscard]] bool fin_reached() const { return fin_known_ && next_ == fin_offset_; }
    [[nodiscard]] std::uint64_t next_offset() const { return next_; }
    [[nodiscard]] std::size_t pending_bytes() const { return pending_bytes_; }
    [[nodiscard]] std::size_t pending_segments() const { return pending_.size(); }

private:
    // A waiting stretch of the stream: captured bytes, or a hole of known size.
    struct Chunk {
        std::vector<std::uint8_t> data;
        std::uint64_t hole = 0;
        [[nodiscard]] std::uint64_t length() const { return data.empty() ? hole : data.size(); }
    };
    // One stretch of the arriving segment: payload[from - start, ...) or a hole.
    struct Piece {
        std::int64_t from;
        std::int64_t to;
        bool hole;
    };

    [[nodiscard]] std::int64_t offset_of(std::uint32_t seq) const;
    void note_syn(std::uint32_t seq);
    // The part of a segment before the FIN; nullopt if none of it is.
    [[nodiscard]] std::optional<SegmentInput> before_fin(const SegmentInput& in, std::int64_t start) const;
    bool differs_from_history(const SegmentInput& in, std::int64_t start) const;
    void deliver_direct(const SegmentInput& in, std::int64_t start, ReassemblyOutput& out);
    bool insert(const SegmentInput& in, std::int64_t start, std::int64_t from,
                SegmentOutcome& outcome);
    void insert_piece(const SegmentInput& in, std::int64_t start, Piece piece,
                      SegmentOutcome& outcome);
    void release(ReassemblyOutput& out);
    void declare_gap_to_first_chunk(ReassemblyOutput& out);
    // Declares the holes before waiting data that the peer acknowledged; true if any.
    bool release_acknowledged(ReassemblyOutput& out);
    [[nodiscard]] bool over_limits() const;
    void emit_data(Bytes bytes, ReassemblyOutput& out);
    void emit_gap(std::uint64_t bytes, ReassemblyOutput& out);
    void erase_chunk(std::map<std::uint64_t, Chunk>::iterator it);

    const Limits& limits_;
    std::size_t& pending_total_;
    bool started_ = false;
    bool syn_seen_ = false;
    std::uint32_t isn_ = 0;
    std::uint32_t base_seq_ = 0;  // the sequence number of stream offset 0
    std::uint64_t next_ = 0;      // stream offset of the next byte to deliver
    std::uint64_t acknowledged_ = 0;  // stream offset the peer acknowledged
    bool fin_known_ = false;
    std::uint64_t fin_offset_ = 0;
    std::map<std::uint64_t, Chunk> pending_;
    std::size_t pending_bytes_ = 0;
    RecentBytes history_;
};

}  // namespace mqscan
