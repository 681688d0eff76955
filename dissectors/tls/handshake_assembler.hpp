#pragma once
// Reassembles one direction's handshake messages from the fragments of its
// handshake records (RFC 8446 §5.1, RFC 5246 §6.2.1: a message may span
// records, and a record may hold several messages). A message is a 4-byte
// header (type, 24-bit length) and its body; a partial message waits in a
// buffer of at most the message limit; a longer message is reported and its
// bytes dropped as they come, never buffered.

#include <cstdint>
#include <optional>
#include <vector>

#include "mqscan/byte_reader.hpp"

namespace mqscan::tls {

inline constexpr std::size_t kHandshakeHeaderSize = 4;

class MessageHandler {
public:
    virtual ~MessageHandler() = default;
    virtual void on_message(std::uint8_t type, Bytes body) = 0;
    // A message over the limit: its type and length; its body is skipped.
    virtual void on_oversized_message(std::uint8_t type, std::uint32_t length) = 0;
};

// The message that was being read when reading stopped.
struct PartialMessage {
    std::optional<std::uint8_t> type;     // once its first byte came
    std::optional<std::uint32_t> length;  // once its header came
    std::size_t received = 0;             // header bytes included
};

class HandshakeAssembler {
public:
    explicit HandshakeAssembler(std::uint32_t max_message) : max_message_(max_message) {}

    // The fragment of one handshake record.
    void feed(Bytes fragment, MessageHandler& handler);
    // Drops the message in progress (cut by a gap, the end or a change of
    // keys) and says what it was; nothing when none was buffered.
    std::optional<PartialMessage> abandon();
    // A message is partly read: its next fragment must come next (RFC 8446 §5.1).
    [[nodiscard]] bool in_message() const { return !buffer_.empty() || skip_ > 0; }

private:
    std::size_t next(Bytes data, MessageHandler& handler);
    void release_buffer();

    static constexpr std::size_t kKeptCapacity = 4096;

    std::uint32_t max_message_;
    std::vector<std::uint8_t> buffer_;  // a partial message, header included
    std::uint32_t skip_ = 0;            // body bytes of an oversized message still to drop
};

}  // namespace mqscan::tls
