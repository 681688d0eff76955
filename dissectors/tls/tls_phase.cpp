#include "tls/tls_phase.hpp"

#include "mqscan/tls.hpp"
#include "tls/names.hpp"

namespace mqscan::tls {
namespace {

constexpr auto kChangeCipherSpec = static_cast<std::uint8_t>(ContentType::ChangeCipherSpec);
constexpr auto kAlert = static_cast<std::uint8_t>(ContentType::Alert);
constexpr auto kHandshake = static_cast<std::uint8_t>(ContentType::Handshake);
constexpr auto kApplicationData = static_cast<std::uint8_t>(ContentType::ApplicationData);

}  // namespace

void TlsPhase::server_hello(std::uint16_t version) {
    negotiated_tls13_ = is_tls13(version);
    if (*negotiated_tls13_) keys_changed_ = {true, true};
}

// A TLS 1.3 peer may send a ChangeCipherSpec before or after the ServerHello
// (RFC 8446 §D.4); before it, the client's offer says which protocol it is.
bool TlsPhase::middlebox_change_cipher_spec() const {
    return negotiated_tls13_ ? *negotiated_tls13_ : offered_tls13_ || retry_requested_;
}

RecordRole TlsPhase::encrypted_handshake(Direction dir) {
    finished_[index(dir)] = true;
    return RecordRole::EncryptedHandshake;
}

RecordRole TlsPhase::classify(Direction dir, std::uint8_t content_type, std::uint64_t frame) {
    const bool keys_changed = keys_changed_[index(dir)];
    switch (content_type) {
        case kChangeCipherSpec:
            if (!middlebox_change_cipher_spec()) keys_changed_[index(dir)] = true;
            return RecordRole::ChangeCipherSpec;
        // TLS 1.3 encrypts every record under the outer type application_data
        // (RFC 8446 §5.2): an alert record is cleartext, e.g. a client that
        // rejects the server's certificate before it has keys of its own.
        case kAlert: return keys_changed && !tls13() ? RecordRole::EncryptedAlert : RecordRole::Alert;
        case kHandshake: return keys_changed ? encrypted_handshake(dir) : RecordRole::CleartextHandshake;
        case kApplicationData:
            if (!tls13() || !keys_changed) return RecordRole::ApplicationData;
            // The client writes its flight (Certificate, CertificateVerify,
            // Finished) at once: the records of its first encrypted frame.
            if (dir == Direction::ToServer && (!client_flight_frame_ || *client_flight_frame_ == frame)) {
                client_flight_frame_ = frame;
                server_flight_over_ = true;
                return encrypted_handshake(dir);
            }
            if (dir == Direction::ToClient && client_hello_seen_ && !server_flight_over_)
                return encrypted_handshake(dir);
            if (dir == Direction::ToClient && client_flight_frame_) ++server_records_after_client_flight_;
            return RecordRole::ApplicationData;
        default: return RecordRole::Heartbeat;
    }
}

}  // namespace mqscan::tls
