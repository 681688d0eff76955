#pragma once
// Cuts one direction of a stream into TLS records (RFC 8446 §5.1, RFC 5246
// §6.2.1): a 5-byte header, then the fragment. Any chunking of the same bytes
// gives the same records; a partial record waits in a buffer of at most one
// record; a record longer than kMaxRecordLength is reported and skipped
// unbuffered. Bytes that cannot start a record, or a gap, lose the record
// boundaries for good: the rest of the direction is counted, not read.
// The client's stream may also start with an SSL 2.0-compatible ClientHello
// (RFC 5246 Appendix E.2): a 2-byte header with the top bit set.

#include <cstdint>
#include <optional>
#include <vector>

#include "mqscan/byte_reader.hpp"

namespace mqscan::tls {

// RFC 5246 §6.2.3: no TLSCiphertext is longer than 2^14 + 2048 bytes.
inline constexpr std::uint16_t kMaxRecordLength = (1u << 14) + 2048;
inline constexpr std::size_t kRecordHeaderSize = 5;

struct RecordHeader {
    std::uint8_t type = 0;      // ContentType; Handshake for an SSL 2.0 hello
    std::uint16_t version = 0;  // the record's; for an SSL 2.0 hello, the hello's
    std::uint16_t length = 0;   // fragment bytes
    bool sslv2 = false;         // then the fragment is the whole SSL 2.0 message

    [[nodiscard]] std::size_t header_size() const { return sslv2 ? 2 : kRecordHeaderSize; }
    [[nodiscard]] std::size_t total() const { return header_size() + length; }
};

// ContentType 20 to 24 (RFC 8446 §5.1, RFC 6520), major version 3, minor 0 to 4.
[[nodiscard]] constexpr bool valid_content_type(std::uint8_t type) { return type >= 20 && type <= 24; }
[[nodiscard]] constexpr bool valid_record_version(std::uint16_t version) {
    return (version >> 8) == 3 && (version & 0xff) <= 4;
}

class RecordHandler {
public:
    virtual ~RecordHandler() = default;
    virtual void on_record(const RecordHeader& header, Bytes fragment) = 0;
    // A record over kMaxRecordLength, skipped as its bytes come.
    virtual void on_oversized(const RecordHeader& header) = 0;
    // A header with an invalid content type or version: the stream is lost here.
    virtual void on_invalid_header(const RecordHeader& header) = 0;
    // A record cut by the end of the stream: its header when all 5 bytes came.
    virtual void on_incomplete(const std::optional<RecordHeader>& header, std::size_t received) = 0;
};

class RecordFramer {
public:
    // `sslv2_hello_allowed`: this is the client's stream, whose first record may be an SSL 2.0 hello.
    explicit RecordFramer(bool sslv2_hello_allowed) : sslv2_allowed_(sslv2_hello_allowed) {}

    void feed(Bytes data, RecordHandler& handler);
    void end(RecordHandler& handler);
    // The record boundaries are lost (a gap): nothing more is read. Returns the
    // bytes of a partial record that were dropped.
    std::size_t lose();

    [[nodiscard]] bool lost() const { return lost_; }
    // Bytes received but not read because the stream was lost.
    [[nodiscard]] std::uint64_t unread_bytes() const { return unread_; }

    // The header at the start of `bytes`, once 5 bytes are there.
    static std::optional<RecordHeader> read_header(Bytes bytes, bool sslv2_allowed);

private:
    std::size_t next(Bytes data, RecordHandler& handler);
    std::size_t start_record(Bytes data, RecordHandler& handler);
    std::size_t continue_record(Bytes data, RecordHandler& handler);
    // Judges a complete header; false when the record is not to be read from here.
    bool accept(const RecordHeader& header, std::size_t received, RecordHandler& handler);
    void release_buffer();

    static constexpr std::size_t kKeptCapacity = 4096;

    bool sslv2_allowed_;
    bool first_ = true;                    // no header read yet
    std::vector<std::uint8_t> buffer_;     // a partial record, header included
    std::optional<RecordHeader> pending_;  // its header, once accepted
    std::uint32_t skip_ = 0;               // bytes of an oversized record still to drop
    bool lost_ = false;
    std::uint64_t unread_ = 0;
};

}  // namespace mqscan::tls
