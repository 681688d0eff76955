#include "flow/tcp_reassembler.hpp"

#include <algorithm>

namespace mqscan {

TcpReassembler::TcpReassembler(const Limits& limits, std::size_t& pending_total)
    : limits_(limits), pending_total_(pending_total), history_(limits.overlap_check_bytes) {}

TcpReassembler::~TcpReassembler() { pending_total_ -= pending_bytes_; }

std::int64_t TcpReassembler::offset_of(std::uint32_t seq) const {
    // Sequence numbers wrap at 2^32: measure from the next expected byte.
    const std::uint32_t next_seq = base_seq_ + static_cast<std::uint32_t>(next_);
    return static_cast<std::int64_t>(next_) + static_cast<std::int32_t>(seq - next_seq);
}

void TcpReassembler::note_syn(std::uint32_t seq) {
    if (syn_seen_) return;
    const bool untouched = next_ == 0 && pending_.empty();
    if (untouched) {
        base_seq_ = seq + 1;  // the SYN takes one sequence number
        started_ = true;
    }
    if (untouched || owns_syn(seq)) {
        syn_seen_ = true;
        isn_ = seq;
    }
}

std::optional<SegmentInput> TcpReassembler::before_fin(const SegmentInput& in,
                                                       std::int64_t start) const {
    const auto fin = static_cast<std::int64_t>(fin_offset_);
    if (start >= fin) return std::nullopt;
    SegmentInput kept = in;
    const auto length = static_cast<std::size_t>(fin - start);
    kept.payload = in.payload.first(std::min(length, in.payload.size()));
    kept.missing = static_cast<std::uint32_t>(length - kept.payload.size());
    return kept;
}

SegmentOutcome TcpReassembler::accept(const SegmentInput& segment, ReassemblyOutput& out) {
    SegmentOutcome outcome;
    const std::uint32_t data_seq = segment.syn ? segment.seq + 1 : segment.seq;
    if (segment.syn) note_syn(segment.seq);
    if (!started_) {
        base_seq_ = data_seq;
        started_ = true;
    }
    const std::int64_t start = offset_of(data_seq);
    const std::int64_t segment_end =
        start + static_cast<std::int64_t>(segment.payload.size() + segment.missing);
    if (segment.fin && !fin_known_ && segment_end >= 0) {
        fin_known_ = true;
        fin_offset_ = static_cast<std::uint64_t>(segment_end);
    }
    // Nothing follows a FIN [RFC 9293 3.10.7.4]: bytes past it are not stream data.
    std::optional<SegmentInput> trimmed = segment;
    if (fin_known_ && segment_end > static_cast<std::int64_t>(fin_offset_)) {
        trimmed = before_fin(segment, start);
        if (!trimmed) {
            outcome.status = SegmentStatus::Ignored;
            return outcome;
        }
    }
    const SegmentInput& in = *trimmed;
    const std::uint64_t length = in.payload.size() + in.missing;
    const std::int64_t end = start + static_cast<std::int64_t>(length);
    const auto next = static_cast<std::int64_t>(next_);

    const bool plain = !in.syn && !in.fin;
    if (length == 0) {
        // A keep-alive carries no data at the sequence number just before the next.
        if (plain && start == next - 1) outcome.status = SegmentStatus::Ignored;
        return outcome;
    }
    if (plain && length == 1) {
        // Keep-alive probe: one garbage byte before the next expected one.
        // Zero-window probe: the next byte, sent while the receiver's window is closed;
        // it is sent again when the window opens.
        const bool keep_alive = start == next - 1;
        const bool zero_window = start == next && in.peer_window_zero && pending_.empty();
        if (keep_alive || zero_window) {
            outcome.status = SegmentStatus::Ignored;
            return outcome;
        }
    }
    if (start < next) {
        outcome.overlap_mismatch = differs_from_history(in, start);
        if (end <= next) {
            outcome.status = SegmentStatus::Retransmission;
            return outcome;
        }
    }
    const std::int64_t from = std::max(start, next);
    if (pending_.empty() && from == next) {
        deliver_direct(in, start, out);
        outcome.status = SegmentStatus::Delivered;
        return outcome;
    }
    if (!insert(in, start, from, outcome)) {
        outcome.status = SegmentStatus::Retransmission;
        return outcome;
    }
    if (pending_.begin()->first == next_) {
        release(out);
        outcome.status = SegmentStatus::Delivered;
        return outcome;
    }
    outcome.status = release_acknowledged(out) ? SegmentStatus::Delivered : SegmentStatus::Buffered;
    while (over_limits()) {
        declare_gap_to_first_chunk(out);
        outcome.status = SegmentStatus::GapForced;
        outcome.out_of_order_limit = true;
    }
    return outcome;
}

bool TcpReassembler::differs_from_history(const SegmentInput& in, std::int64_t start) const {
    const auto next = static_cast<std::int64_t>(next_);
    const std::int64_t oldest_kept = next - static_cast<std::int64_t>(history_.size());
    const std::int64_t captured_end = start + static_cast<std::int64_t>(in.payload.size());
    const std::int64_t from = std::max(start, oldest_kept);
    const std::int64_t to = std::min(captured_end, next);
    for (std::int64_t offset = from; offset < to; ++offset) {
        const auto distance = static_cast<std::size_t>(next - offset);
        if (in.payload[static_cast<std::size_t>(offset - start)] != history_.back(distance))
            return true;
    }
    return false;
}

void TcpReassembler::deliver_direct(const SegmentInput& in, std::int64_t start,
                                    ReassemblyOutput& out) {
    const auto skip = static_cast<std::size_t>(static_cast<std::int64_t>(next_) - start);
    if (skip < in.payload.size()) emit_data(in.payload.subspan(skip), out);
    const std::size_t hole_skip = skip > in.payload.size() ? skip - in.payload.size() : 0;
    if (in.missing > hole_skip) emit_gap(in.missing - hole_skip, out);
}

bool TcpReassembler::insert(const SegmentInput& in, std::int64_t start, std::int64_t from,
                            SegmentOutcome& outcome) {
    const std::size_t before = pending_.size();
    const std::uint64_t bytes_before = pending_bytes_;
    const std::int64_t captured_end = start + static_cast<std::int64_t>(in.payload.size());
    const std::int64_t end = captured_end + in.missing;
    if (from < captured_end) insert_piece(in, start, {from, captured_end, false}, outcome);
    const std::int64_t hole_from = std::max(from, captured_end);
    if (hole_from < end) insert_piece(in, start, {hole_from, end, true}, outcome);
    return pending_.size() != before || pending_bytes_ != bytes_before;
}

// Inserts the parts of `piece` that no waiting chunk covers yet (first data wins),
// comparing the parts that one does.
void TcpReassembler::insert_piece(const SegmentInput& in, std::int64_t start, Piece piece,
                                  SegmentOutcome& outcome) {
    std::vector<Piece> uncovered;
    std::int64_t cursor = piece.from;
    auto it = pending_.upper_bound(static_cast<std::uint64_t>(piece.from));
    if (it != pending_.begin()) --it;
    for (; it != pending_.end() && static_cast<std::int64_t>(it->first) < piece.to; ++it) {
        const auto chunk_start = static_cast<std::int64_t>(it->first);
        const std::int64_t chunk_end = chunk_start + static_cast<std::int64_t>(it->second.length());
        if (chunk_end <= cursor) continue;
        if (chunk_start > cursor) uncovered.push_back({cursor, chunk_start, piece.hole});
        const std::int64_t overlap_from = std::max(cursor, chunk_start);
        const std::int64_t overlap_to = std::min(piece.to, chunk_end);
        if (!piece.hole && !it->second.data.empty()) {
            for (std::int64_t offset = overlap_from; offset < overlap_to; ++offset) {
                if (in.payload[static_cast<std::size_t>(offset - start)] !=
                    it->second.data[static_cast<std::size_t>(offset - chunk_start)]) {
                    outcome.overlap_mismatch = true;
                    break;
                }
            }
        }
        cursor = std::max(cursor, chunk_end);
    }
    if (cursor < piece.to) uncovered.push_back({cursor, piece.to, piece.hole});

    for (const Piece& part : uncovered) {
        Chunk chunk;
        if (part.hole) {
            chunk.hole = static_cast<std::uint64_t>(part.to - part.from);
        } else {
            const auto first = in.payload.begin() + (part.from - start);
            chunk.data.assign(first, first + (part.to - part.from));
            pending_bytes_ += chunk.data.size();
            pending_total_ += chunk.data.size();
        }
        pending_.emplace(static_cast<std::uint64_t>(part.from), std::move(chunk));
    }
}

void TcpReassembler::release(ReassemblyOutput& out) {
    while (!pending_.empty() && pending_.begin()->first == next_) {
        auto it = pending_.begin();
        if (it->second.data.empty()) {
            emit_gap(it->second.hole, out);
        } else {
            emit_data(it->second.data, out);
        }
        erase_chunk(it);
    }
}

void TcpReassembler::acknowledged(std::uint32_t ack, ReassemblyOutput& out) {
    if (!started_) return;
    const std::int64_t offset = offset_of(ack);
    if (offset <= static_cast<std::int64_t>(acknowledged_)) return;
    acknowledged_ = static_cast<std::uint64_t>(offset);
    release_acknowledged(out);
}

bool TcpReassembler::release_acknowledged(ReassemblyOutput& out) {
    bool released = false;
    while (!pending_.empty() && pending_.begin()->first <= acknowledged_) {
        declare_gap_to_first_chunk(out);
        released = true;
    }
    return released;
}

void TcpReassembler::declare_gap_to_first_chunk(ReassemblyOutput& out) {
    emit_gap(pending_.begin()->first - next_, out);
    release(out);
}

bool TcpReassembler::over_limits() const {
    return !pending_.empty() && (pending_bytes_ > limits_.max_out_of_order_bytes ||
                                 pending_.size() > limits_.max_out_of_order_segments ||
                                 pending_total_ > limits_.max_out_of_order_bytes_total);
}

void TcpReassembler::flush(ReassemblyOutput& out) {
    while (!pending_.empty()) declare_gap_to_first_chunk(out);
    if (fin_known_ && fin_offset_ > next_) emit_gap(fin_offset_ - next_, out);
}

void TcpReassembler::release_memory() {
    while (!pending_.empty()) erase_chunk(pending_.begin());
    history_.release();
}

void TcpReassembler::emit_data(Bytes bytes, ReassemblyOutput& out) {
    next_ += bytes.size();
    history_.append(bytes);
    out.deliver(bytes);
}

void TcpReassembler::emit_gap(std::uint64_t bytes, ReassemblyOutput& out) {
    if (bytes == 0) return;
    next_ += bytes;
    history_.clear();
    out.gap(bytes);
}

void TcpReassembler::erase_chunk(std::map<std::uint64_t, Chunk>::iterator it) {
    pending_bytes_ -= it->second.data.size();
    pending_total_ -= it->second.data.size();
    pending_.erase(it);
}

}  // namespace mqscan
