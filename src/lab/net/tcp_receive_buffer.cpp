#include "lab/net/tcp_receive_buffer.hpp"

#include <algorithm>

namespace mqscan::lab::net {

std::uint64_t TcpReceiveBuffer::unwrap(std::uint32_t wire) const {
    const auto distance = static_cast<std::int32_t>(wire - static_cast<std::uint32_t>(next_));
    return next_ + static_cast<std::uint64_t>(static_cast<std::int64_t>(distance));
}

bool TcpReceiveBuffer::waiting_beyond_gap() const {
    return !beyond_gap_.empty() || (fin_seq_ && !fin_received_ && *fin_seq_ > next_);
}

void TcpReceiveBuffer::deliver_in_order(std::uint64_t seq, Bytes payload,
                                        std::vector<std::uint8_t>& out) {
    const std::uint64_t end = seq + payload.size();
    if (end <= next_) return;
    const Bytes fresh = payload.subspan(static_cast<std::size_t>(next_ - seq));
    out.insert(out.end(), fresh.begin(), fresh.end());
    next_ = end;
}

ReceiveOutcome TcpReceiveBuffer::receive(std::uint64_t seq, Bytes payload, bool fin) {
    ReceiveOutcome outcome;
    const std::uint64_t end = seq + payload.size();
    if (fin && !fin_seq_) fin_seq_ = end;
    const bool had_gap = waiting_beyond_gap();

    if (seq > next_) {
        outcome.out_of_order = true;
        auto& kept = beyond_gap_[seq];
        if (payload.size() > kept.size()) kept.assign(payload.begin(), payload.end());
        if (kept.empty()) beyond_gap_.erase(seq);  // a lone FIN: fin_seq_ remembers it
    } else if (end > next_) {
        deliver_in_order(seq, payload, outcome.delivered);
        while (!beyond_gap_.empty() && beyond_gap_.begin()->first <= next_) {
            auto node = beyond_gap_.extract(beyond_gap_.begin());
            deliver_in_order(node.key(), node.mapped(), outcome.delivered);
        }
    }
    if (fin_seq_ && !fin_received_ && next_ == *fin_seq_) {
        next_ += 1;  // the FIN's sequence number (RFC 9293 §3.4)
        fin_received_ = true;
        outcome.fin = true;
    }
    outcome.filled_gap = had_gap && (!outcome.delivered.empty() || outcome.fin);
    outcome.duplicate = !outcome.out_of_order && outcome.delivered.empty() && !outcome.fin;
    return outcome;
}

std::vector<SequenceRange> TcpReceiveBuffer::sack_ranges(std::uint64_t latest,
                                                         std::size_t max) const {
    std::vector<SequenceRange> ranges;
    for (const auto& [seq, bytes] : beyond_gap_) {
        const std::uint64_t end = seq + bytes.size();
        if (!ranges.empty() && seq <= ranges.back().right)
            ranges.back().right = std::max(ranges.back().right, end);
        else
            ranges.push_back({seq, end});
    }
    std::reverse(ranges.begin(), ranges.end());
    const auto holding_latest =
        std::find_if(ranges.begin(), ranges.end(),
                     [&](const SequenceRange& r) { return r.left <= latest && latest < r.right; });
    if (holding_latest != ranges.end())
        std::rotate(ranges.begin(), holding_latest, holding_latest + 1);
    if (ranges.size() > max) ranges.resize(max);
    return ranges;
}

}  // namespace mqscan::lab::net
