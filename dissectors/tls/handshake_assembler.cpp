#include "tls/handshake_assembler.hpp"

#include <algorithm>

#include "tls/wire.hpp"

namespace mqscan::tls {
namespace {

struct MessageHeader {
    std::uint8_t type;
    std::uint32_t length;
};

// RFC 8446 §4: msg_type, then a 24-bit length.
std::optional<MessageHeader> read_message_header(Bytes bytes) {
    ByteReader reader(bytes);
    const auto type = reader.u8();
    const auto length = read_u24(reader);
    if (!type || !length) return std::nullopt;
    return MessageHeader{*type, *length};
}

}  // namespace

void HandshakeAssembler::feed(Bytes fragment, MessageHandler& handler) {
    std::size_t pos = 0;
    while (pos < fragment.size()) pos += next(fragment.subspan(pos), handler);
}

std::size_t HandshakeAssembler::next(Bytes data, MessageHandler& handler) {
    if (skip_ > 0) {
        const auto dropped = std::min<std::size_t>(skip_, data.size());
        skip_ -= static_cast<std::uint32_t>(dropped);
        return dropped;
    }
    std::size_t used = 0;
    if (buffer_.size() < kHandshakeHeaderSize) {
        used = std::min(kHandshakeHeaderSize - buffer_.size(), data.size());
        buffer_.insert(buffer_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(used));
        const auto header = read_message_header(buffer_);
        if (!header) return used;
        if (header->length > max_message_) {
            handler.on_oversized_message(header->type, header->length);
            skip_ = header->length;
            release_buffer();
            return used;
        }
    }
    const MessageHeader header = *read_message_header(buffer_);
    const std::size_t total = kHandshakeHeaderSize + header.length;
    const Bytes rest = data.subspan(used);
    // The common case, a whole message in this fragment, is read in place.
    if (buffer_.size() == kHandshakeHeaderSize && rest.size() >= header.length) {
        release_buffer();
        handler.on_message(header.type, rest.first(header.length));
        return used + header.length;
    }
    const std::size_t taken = std::min(total - buffer_.size(), rest.size());
    buffer_.insert(buffer_.end(), rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(taken));
    if (buffer_.size() == total) {
        handler.on_message(header.type, Bytes(buffer_).subspan(kHandshakeHeaderSize));
        release_buffer();
    }
    return used + taken;
}

void HandshakeAssembler::release_buffer() {
    buffer_.clear();
    // A large message's room is given back: idle connections must stay small.
    if (buffer_.capacity() > kKeptCapacity) std::vector<std::uint8_t>().swap(buffer_);
}

std::optional<PartialMessage> HandshakeAssembler::abandon() {
    skip_ = 0;  // an oversized message was reported when it started
    if (buffer_.empty()) return std::nullopt;
    PartialMessage partial;
    ByteReader reader(buffer_);
    partial.type = reader.u8();
    partial.length = read_u24(reader);
    partial.received = buffer_.size();
    release_buffer();
    return partial;
}

}  // namespace mqscan::tls
