#include "tls/tls_dissector.hpp"

#include <fmt/core.h>

#include "tls/names.hpp"

namespace mqscan::tls {
namespace {

constexpr auto kHandshake = static_cast<std::uint8_t>(ContentType::Handshake);

// RFC 8446 §5.1, RFC 5246 §6.2.1: a cleartext fragment holds at most 2^14
// bytes; RFC 8446 §5.2: a TLS 1.3 protected record at most 2^14 + 256.
constexpr std::uint16_t kMaxPlaintext = 1u << 14;
constexpr std::uint16_t kMaxTls13Ciphertext = (1u << 14) + 256;
constexpr std::uint16_t kEncryptedAlertLength = 2 + 1 + 16;

std::string describe_record(std::uint8_t type, std::uint16_t length, Direction dir) {
    return fmt::format("{} record of {} bytes from the {}", content_type_name(type), length,
                       sender_name(dir));
}

}  // namespace

// Connects one direction's framer and assembler to the dissector for the duration of one call.
class TlsDissector::DirectionHandler final : public RecordHandler, public MessageHandler {
public:
    DirectionHandler(TlsDissector& dissector, Direction dir, FrameRef at)
        : d_(dissector), dir_(dir), at_(at) {}

    void on_record(const RecordHeader& header, Bytes fragment) override {
        d_.on_record(dir_, header, fragment, at_);
    }
    void on_oversized(const RecordHeader& header) override {
        d_.flag(AnomalyId::TlsRecordTooLong, at_, describe_record(header.type, header.length, dir_));
        // Counted as what it is, but its content is unknown: the handshake
        // messages it carried, and so those after it, cannot be read.
        const RecordRole role = d_.phase_.classify(dir_, header.type, at_.number);
        d_.count(dir_, role, header.length);
        if (role == RecordRole::CleartextHandshake) d_.lose_messages(dir_);
    }
    void on_invalid_header(const RecordHeader& header) override {
        const bool type_valid = valid_content_type(header.type);
        d_.flag(type_valid ? AnomalyId::TlsRecordVersionInvalid : AnomalyId::TlsRecordContentTypeInvalid, at_,
                fmt::format("type {}, version 0x{:04x}, from the {}", header.type, header.version,
                            sender_name(dir_)));
        d_.lose_stream(dir_);
    }
    void on_incomplete(const std::optional<RecordHeader>& header, std::size_t received) override {
        d_.flag(AnomalyId::TlsRecordIncomplete, at_,
                header ? fmt::format("{}, {} received", describe_record(header->type, header->length, dir_),
                                     received - header->header_size())
                       : fmt::format("{} of 5 header bytes from the {}", received, sender_name(dir_)));
    }
    void on_message(std::uint8_t type, Bytes body) override {
        d_.recorder_.on_message(dir_, type, body, at_);
    }
    void on_oversized_message(std::uint8_t type, std::uint32_t length) override {
        d_.recorder_.on_oversized_message(dir_, type, length, at_);
    }

private:
    TlsDissector& d_;
    Direction dir_;
    FrameRef at_;
};

TlsDissector::TlsDissector(const TlsSettings& settings, const ConnectionSummary& connection,
                           const x509::TrustStore* trust, AnomalyReporter report, EventSink* events)
    : settings_(settings),
      anomaly_(std::move(report)),
      sides_{Side{RecordFramer(true), HandshakeAssembler(settings.max_handshake_message)},
             Side{RecordFramer(false), HandshakeAssembler(settings.max_handshake_message)}},
      recorder_(settings_, trust, report_, phase_, anomaly_, connection, events) {
    report_.connection = connection.id;
}

void TlsDissector::feed(Direction dir, Bytes bytes, FrameRef at) {
    DirectionHandler handler(*this, dir, at);
    side(dir).framer.feed(bytes, handler);
    counts(dir).unread_bytes = side(dir).framer.unread_bytes();
}

// The records after a gap cannot be found without guessing (RFC 8446 §5.1
// records carry no marker): the direction is lost.
void TlsDissector::gap(Direction dir, std::uint64_t bytes, FrameRef at) {
    ++counts(dir).gaps;
    if (side(dir).framer.lost()) return;
    const std::size_t dropped = side(dir).framer.lose();
    lose_stream(dir);
    counts(dir).unread_bytes = side(dir).framer.unread_bytes();
    flag(AnomalyId::TlsStreamGap, at,
         fmt::format("{} bytes missing from the {}{}", bytes, sender_name(dir),
                     dropped > 0 ? fmt::format(", {} bytes of a partial record dropped", dropped) : ""));
}

void TlsDissector::end(FrameRef at) {
    for (const Direction dir : {Direction::ToServer, Direction::ToClient}) {
        DirectionHandler handler(*this, dir, at);
        side(dir).framer.end(handler);
        abandon_message(dir, at, "the stream ended");
    }
}

void TlsDissector::lose_stream(Direction dir) {
    counts(dir).stream_lost = true;
    phase_.stream_lost(dir);
    lose_messages(dir);
}

void TlsDissector::lose_messages(Direction dir) {
    side(dir).messages_lost = true;
    side(dir).assembler.abandon();
}

void TlsDissector::abandon_message(Direction dir, FrameRef at, std::string_view why) {
    const auto partial = side(dir).assembler.abandon();
    if (!partial) return;
    const std::string what =
        partial->length
            ? fmt::format("{} of {} bytes from the {}, {} received", handshake_type_name(*partial->type),
                          *partial->length, sender_name(dir), partial->received - kHandshakeHeaderSize)
            : fmt::format("{} of 4 header bytes from the {}", partial->received, sender_name(dir));
    flag(AnomalyId::TlsHandshakeIncomplete, at, fmt::format("{}; {}", what, why));
}

void TlsDissector::count(Direction dir, RecordRole role, std::uint16_t length) {
    TlsRecordCounts& c = counts(dir);
    switch (role) {
        case RecordRole::CleartextHandshake: ++c.handshake; break;
        case RecordRole::EncryptedHandshake: ++c.encrypted_handshake; break;
        case RecordRole::ApplicationData:
            ++c.application_data;
            c.application_data_bytes += length;
            break;
        case RecordRole::Alert:
        case RecordRole::EncryptedAlert: ++c.alert; break;
        case RecordRole::ChangeCipherSpec: ++c.change_cipher_spec; break;
        case RecordRole::Heartbeat: ++c.heartbeat; break;
    }
}

void TlsDissector::check_length(Direction dir, const RecordHeader& header, RecordRole role, FrameRef at) {
    const bool encrypted = role == RecordRole::EncryptedHandshake || role == RecordRole::ApplicationData ||
                           role == RecordRole::EncryptedAlert ||
                           (role == RecordRole::Heartbeat && phase_.encrypted(dir));
    const std::uint16_t limit = !encrypted       ? kMaxPlaintext
                                : phase_.tls13() ? kMaxTls13Ciphertext
                                                 : kMaxRecordLength;
    if (header.length > limit)
        flag(AnomalyId::TlsRecordOverflow, at,
             fmt::format("{}, limit {}", describe_record(header.type, header.length, dir), limit));
}

void TlsDissector::on_record(Direction dir, const RecordHeader& header, Bytes fragment, FrameRef at) {
    if (header.sslv2) {
        ++counts(dir).handshake;
        return recorder_.on_sslv2_hello(fragment, at);
    }
    if (header.type != kHandshake && side(dir).assembler.in_message())
        flag(AnomalyId::TlsHandshakeInterleaved, at, describe_record(header.type, header.length, dir));
    const RecordRole role = phase_.classify(dir, header.type, at.number);
    count(dir, role, header.length);
    check_length(dir, header, role, at);
    switch (role) {
        case RecordRole::CleartextHandshake:
            if (!side(dir).messages_lost) {
                DirectionHandler handler(*this, dir, at);
                side(dir).assembler.feed(fragment, handler);
            }
            break;
        case RecordRole::EncryptedHandshake:
            // RFC 8446 §5.1: a handshake message never spans a change of keys.
            abandon_message(dir, at, "the keys changed");
            recorder_.add_step(dir, "encrypted_handshake", header.length, at);
            break;
        case RecordRole::Alert:
        case RecordRole::EncryptedAlert:
            recorder_.on_alert_record(dir, fragment, role == RecordRole::EncryptedAlert, at);
            break;
        case RecordRole::ChangeCipherSpec:
            if (phase_.encrypted(dir)) abandon_message(dir, at, "the keys changed");
            recorder_.on_change_cipher_spec(dir, header.length, at);
            break;
        case RecordRole::ApplicationData:
            // An encrypted alert is 2 bytes, its inner type and a 16-byte AEAD tag (RFC 8446 §5.2).
            if (dir == Direction::ToClient && phase_.tls13() && header.length == kEncryptedAlertLength &&
                phase_.server_records_after_client_flight() == 1) {
                refused_ = true;
                recorder_.on_probable_refusal(at);
            }
            break;
        case RecordRole::Heartbeat: break;
    }
    report_.established = phase_.established() && !refused_;
}

}  // namespace mqscan::tls
