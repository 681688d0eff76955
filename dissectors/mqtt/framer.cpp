#include "mqtt/framer.hpp"

#include <algorithm>

#include "mqtt/varint.hpp"

namespace mqscan::mqtt {

MqttFramer::Header MqttFramer::read_header(Bytes bytes) {
    Header h;
    ByteReader reader(bytes);
    if (!reader.skip(1)) return h;
    const Varint v = peek_varint(reader);
    switch (v.status) {
        case VarintStatus::NeedMore: return h;
        case VarintStatus::TooLong: h.state = Header::State::Invalid; return h;
        case VarintStatus::Overlong: h.overlong = true; break;
        case VarintStatus::Ok: break;
    }
    h.state = Header::State::Ok;
    h.remaining = v.value;
    h.length = static_cast<std::uint8_t>(1 + v.length);
    return h;
}

void MqttFramer::feed(Bytes data, FrameHandler& handler) {
    std::vector<std::uint8_t> replay;
    Bytes input = data;
    while (true) {
        std::size_t pos = 0;
        while (pos < input.size() && in_sync_) pos += feed_in_sync(input.subspan(pos), handler);
        if (in_sync_) return;
        buffer_.insert(buffer_.end(), input.begin() + static_cast<std::ptrdiff_t>(pos), input.end());
        scan_for_boundary(handler, false);
        if (!in_sync_) return;
        // Sync found inside the searched bytes: decode them from the boundary on.
        replay = std::move(buffer_);
        buffer_.clear();
        input = replay;
    }
}

std::size_t MqttFramer::feed_in_sync(Bytes data, FrameHandler& handler) {
    if (skip_ > 0) {
        const std::size_t dropped = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, data.size()));
        skip_ -= dropped;
        return dropped;
    }
    return buffer_.empty() ? start_frame(data, handler) : continue_frame(data, handler);
}

// No partial packet waits: decode straight from `data` when it holds whole packets.
std::size_t MqttFramer::start_frame(Bytes data, FrameHandler& handler) {
    const Header h = read_header(data);
    if (h.state == Header::State::Invalid) {
        handler.on_invalid_length(data[0]);
        lose_sync();
        return 0;
    }
    if (h.state == Header::State::Ok && h.remaining > max_packet_) {
        handler.on_oversized(data[0], h.remaining);
        skip_ = h.total();
        return 0;
    }
    if (h.state == Header::State::Ok && data.size() >= h.total()) {
        handler.on_frame(data[0], data.subspan(h.length, h.remaining), h.overlong);
        return static_cast<std::size_t>(h.total());
    }
    // A packet cut by the chunk: its room at once, so that its later pieces
    // cause no regrowth copies; capped, as the header's claim costs nothing.
    if (h.state == Header::State::Ok) buffer_.reserve(std::min<std::size_t>(h.total(), kReservedAtMost));
    buffer_.assign(data.begin(), data.end());
    return data.size();
}

// A partial packet waits in buffer_: add to it, header byte by header byte first.
std::size_t MqttFramer::continue_frame(Bytes data, FrameHandler& handler) {
    std::size_t used = 0;
    Header h = read_header(buffer_);
    while (h.state == Header::State::NeedMore && used < data.size()) {
        buffer_.push_back(data[used++]);
        h = read_header(buffer_);
    }
    if (h.state == Header::State::NeedMore) return used;
    if (h.state == Header::State::Invalid) {
        handler.on_invalid_length(buffer_[0]);
        lose_sync();
        return used;
    }
    if (h.remaining > max_packet_) {
        handler.on_oversized(buffer_[0], h.remaining);
        skip_ = h.total() - buffer_.size();
        buffer_.clear();
        return used;
    }
    const std::size_t wanted = static_cast<std::size_t>(h.total()) - buffer_.size();
    const std::size_t taken = std::min(wanted, data.size() - used);
    if (taken < wanted) buffer_.reserve(std::min<std::size_t>(h.total(), kReservedAtMost));  // as in start_frame
    buffer_.insert(buffer_.end(), data.begin() + static_cast<std::ptrdiff_t>(used),
                   data.begin() + static_cast<std::ptrdiff_t>(used + taken));
    used += taken;
    if (buffer_.size() == h.total()) {
        handler.on_frame(buffer_[0], Bytes(buffer_).subspan(h.length), h.overlong);
        release_buffer();
    }
    return used;
}

void MqttFramer::release_buffer() {
    buffer_.clear();
    // A large packet's room is given back: idle connections must stay small.
    if (buffer_.capacity() > kKeptCapacity) std::vector<std::uint8_t>().swap(buffer_);
}

void MqttFramer::lose_sync() {
    in_sync_ = false;
    parse_budget_ = kResyncParseBudget;
}

void MqttFramer::scan_for_boundary(FrameHandler& handler, bool final) {
    std::size_t at = 0;
    for (; at < buffer_.size(); ++at) {
        bool need_more = false;
        if (candidate_at(at, handler, final, need_more)) {
            buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(at));
            handler.on_skipped(resync_skipped_ + at, true);
            resync_skipped_ = 0;
            in_sync_ = true;
            return;
        }
        if (need_more) break;
    }
    // Bytes before `at` cannot start a packet; what is left is shorter than a candidate.
    resync_skipped_ += at;
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(at));
}

// A plausible packet starts at `at`: a type, a minimal length of at most
// kMaxResyncPacket, and a body the handler accepts. Once the parse budget is
// spent, a plausible type right after it stands in for the body check. A
// candidate is judged once, when its bytes are all there, and only on bytes
// that do not depend on where the stream was cut into chunks.
bool MqttFramer::candidate_at(std::size_t at, FrameHandler& handler, bool final, bool& need_more) {
    ByteReader rest(Bytes(buffer_).subspan(at));
    const std::uint8_t first = *rest.peek_u8();
    if ((first >> 4) == 0) return false;
    const Header h = read_header(rest.rest());
    if (h.state == Header::State::NeedMore) {
        need_more = !final;
        return false;
    }
    if (h.state == Header::State::Invalid || h.overlong || h.remaining > kMaxResyncPacket) return false;
    const auto total = static_cast<std::size_t>(h.total());
    const bool checks_body = parse_budget_ >= h.remaining;
    const std::size_t needed = checks_body ? total : total + 1;
    if (rest.remaining() < needed) {
        need_more = !final;
        return final && !checks_body && rest.remaining() == total;
    }
    if (!checks_body) return (*rest.peek_u8(total) >> 4) != 0;
    parse_budget_ -= h.remaining;
    return handler.plausible(first, rest.rest().subspan(h.length, h.remaining));
}

void MqttFramer::gap(std::uint64_t bytes, FrameHandler& handler) {
    if (!in_sync_) {
        // A candidate cannot span the hole: what waited is lost too.
        resync_skipped_ += buffer_.size();
        buffer_.clear();
        return;
    }
    if (skip_ > 0) {
        if (bytes <= skip_) {
            skip_ -= bytes;
            return;
        }
        skip_ = 0;
        return lose_sync();
    }
    if (buffer_.empty()) return lose_sync();
    const Header h = read_header(buffer_);
    handler.on_incomplete(buffer_[0], h.remaining);
    const std::uint64_t missing = h.state == Header::State::Ok ? h.total() - buffer_.size() : 0;
    buffer_.clear();
    if (h.state != Header::State::Ok || bytes > missing) return lose_sync();
    skip_ = missing - bytes;  // the rest of the lost packet, then a boundary
}

void MqttFramer::end(FrameHandler& handler) {
    // Searching bytes may hold packets behind a false candidate that waited for more.
    while (!in_sync_ && !buffer_.empty()) {
        scan_for_boundary(handler, true);
        if (!in_sync_) break;
        std::vector<std::uint8_t> rest = std::move(buffer_);
        buffer_.clear();
        feed(rest, handler);
    }
    if (!in_sync_) {
        const std::uint64_t skipped = resync_skipped_ + buffer_.size();
        if (skipped > 0) handler.on_skipped(skipped, false);
    } else if (!buffer_.empty()) {
        handler.on_incomplete(buffer_[0], read_header(buffer_).remaining);
    }
    buffer_.clear();
    resync_skipped_ = 0;
}

}  // namespace mqscan::mqtt
