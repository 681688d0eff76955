#include "tls/record_framer.hpp"

#include <algorithm>

namespace mqscan::tls {
namespace {

constexpr std::uint8_t kSslv2ClientHello = 1;
constexpr std::uint16_t kSslv2Version = 0x0002;
// msg_type, version and the three lengths (RFC 5246 Appendix E.2).
constexpr std::uint16_t kSslv2HelloMinimum = 9;

// RFC 5246 Appendix E.2: a 2-byte length with the top bit set, then
// CLIENT-HELLO (1) and the highest version the client supports.
std::optional<RecordHeader> sslv2_hello_header(std::uint8_t first, ByteReader rest) {
    const auto second = rest.u8();
    const auto message_type = rest.u8();
    const auto version = rest.u16be();
    if (!second || !message_type || !version) return std::nullopt;
    const auto length = static_cast<std::uint16_t>((first & 0x7f) << 8 | *second);
    const bool hello = *message_type == kSslv2ClientHello && length >= kSslv2HelloMinimum &&
                       (*version == kSslv2Version || valid_record_version(*version));
    if (!hello) return std::nullopt;
    return RecordHeader{22, *version, length, true};
}

}  // namespace

std::optional<RecordHeader> RecordFramer::read_header(Bytes bytes, bool sslv2_allowed) {
    ByteReader reader(bytes);
    if (reader.remaining() < kRecordHeaderSize) return std::nullopt;
    const std::uint8_t type = *reader.u8();
    if (sslv2_allowed && (type & 0x80) != 0) {
        if (auto v2 = sslv2_hello_header(type, reader)) return v2;
    }
    const std::uint16_t version = *reader.u16be();
    const std::uint16_t length = *reader.u16be();
    return RecordHeader{type, version, length, false};
}

void RecordFramer::feed(Bytes data, RecordHandler& handler) {
    std::size_t pos = 0;
    while (pos < data.size() && !lost_) pos += next(data.subspan(pos), handler);
    if (lost_) unread_ += data.size() - pos;
}

std::size_t RecordFramer::next(Bytes data, RecordHandler& handler) {
    if (skip_ > 0) {
        const auto dropped = std::min<std::size_t>(skip_, data.size());
        skip_ -= static_cast<std::uint32_t>(dropped);
        return dropped;
    }
    return buffer_.empty() ? start_record(data, handler) : continue_record(data, handler);
}

bool RecordFramer::accept(const RecordHeader& header, std::size_t received, RecordHandler& handler) {
    first_ = false;
    if (!header.sslv2 && (!valid_content_type(header.type) || !valid_record_version(header.version))) {
        handler.on_invalid_header(header);
        lost_ = true;
        return false;
    }
    if (header.length > kMaxRecordLength) {
        handler.on_oversized(header);
        skip_ = static_cast<std::uint32_t>(header.total() - received);
        return false;
    }
    return true;
}

// No partial record waits: read straight from `data` when it holds whole records.
std::size_t RecordFramer::start_record(Bytes data, RecordHandler& handler) {
    const auto header = read_header(data, sslv2_allowed_ && first_);
    if (!header) {
        buffer_.assign(data.begin(), data.end());
        return data.size();
    }
    if (!accept(*header, 0, handler)) return 0;
    if (data.size() >= header->total()) {
        handler.on_record(*header, data.subspan(header->header_size(), header->length));
        return header->total();
    }
    pending_ = header;
    buffer_.assign(data.begin(), data.end());
    return data.size();
}

// A partial record waits in buffer_: complete its header, then its fragment.
std::size_t RecordFramer::continue_record(Bytes data, RecordHandler& handler) {
    std::size_t used = 0;
    if (!pending_) {
        used = std::min(kRecordHeaderSize - buffer_.size(), data.size());
        buffer_.insert(buffer_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(used));
        const auto header = read_header(buffer_, sslv2_allowed_ && first_);
        if (!header) return used;
        if (!accept(*header, buffer_.size(), handler)) {
            if (lost_) unread_ += buffer_.size();
            release_buffer();
            return used;
        }
        pending_ = header;
    }
    const RecordHeader header = *pending_;
    const std::size_t wanted = header.total() - buffer_.size();
    const std::size_t taken = std::min(wanted, data.size() - used);
    const auto from = data.begin() + static_cast<std::ptrdiff_t>(used);
    buffer_.insert(buffer_.end(), from, from + static_cast<std::ptrdiff_t>(taken));
    used += taken;
    if (buffer_.size() == header.total()) {
        handler.on_record(header, Bytes(buffer_).subspan(header.header_size(), header.length));
        release_buffer();
    }
    return used;
}

void RecordFramer::release_buffer() {
    pending_.reset();
    buffer_.clear();
    // A large record's room is given back: idle connections must stay small.
    if (buffer_.capacity() > kKeptCapacity) std::vector<std::uint8_t>().swap(buffer_);
}

void RecordFramer::end(RecordHandler& handler) {
    if (!buffer_.empty()) {
        handler.on_incomplete(pending_, buffer_.size());
        release_buffer();
    }
    skip_ = 0;
}

std::size_t RecordFramer::lose() {
    const std::size_t dropped = buffer_.size();
    unread_ += dropped;
    release_buffer();
    skip_ = 0;
    lost_ = true;
    return dropped;
}

}  // namespace mqscan::tls
