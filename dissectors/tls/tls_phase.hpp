#pragma once
// Which records of a connection are encrypted, from what its cleartext
// handshake shows (no keys are ever known):
// - TLS 1.0-1.2 (RFC 5246 §7.1): each direction encrypts after its own
//   ChangeCipherSpec; its next handshake record is its Finished.
// - TLS 1.3 (RFC 8446 §2, §5): both directions encrypt after the
//   ServerHello, and every encrypted record carries the outer type
//   application_data; a ChangeCipherSpec only soothes middleboxes (§D.4).
//   Which encrypted records are still handshake is inferred: the client's
//   records of its first encrypted frame (its Finished flight), and the server's records
//   before it, when the ClientHello was seen and the client's stream is
//   still read (without them a server record could be either: it counts as
//   the application data it looks like). Early data, sent before the
//   ServerHello, is application data.

#include <array>
#include <cstdint>
#include <optional>

#include "mqscan/connection.hpp"

namespace mqscan::tls {

enum class RecordRole {
    CleartextHandshake,
    EncryptedHandshake,
    ApplicationData,
    Alert,
    EncryptedAlert,
    ChangeCipherSpec,
    Heartbeat,
};

class TlsPhase {
public:
    // A ClientHello; `offers_tls13`: its supported_versions has TLS 1.3.
    void client_hello(bool offers_tls13) {
        client_hello_seen_ = true;
        offered_tls13_ = offered_tls13_ || offers_tls13;
    }
    // A direction's records are lost: the client's Finished may pass unseen.
    void stream_lost(Direction dir) {
        if (dir == Direction::ToServer) server_flight_over_ = true;
    }
    // A HelloRetryRequest: TLS 1.3, still in cleartext.
    void retry_requested() { retry_requested_ = true; }
    // The negotiated version, from the ServerHello.
    void server_hello(std::uint16_t version);

    // What a record of `content_type` (a valid one), delivered by `frame`, is,
    // and the state it leads to.
    RecordRole classify(Direction dir, std::uint8_t content_type, std::uint64_t frame);

    [[nodiscard]] bool encrypted(Direction dir) const { return keys_changed_[index(dir)]; }
    [[nodiscard]] bool tls13() const { return negotiated_tls13_.value_or(false); }
    // TLS 1.3: how many records the server sent after the client's flight.
    [[nodiscard]] std::uint32_t server_records_after_client_flight() const {
        return server_records_after_client_flight_;
    }
    // Both directions sent their Finished, or what stands for it when encrypted.
    [[nodiscard]] bool established() const { return finished_[0] && finished_[1]; }

private:
    static std::size_t index(Direction dir) { return static_cast<std::size_t>(dir); }
    [[nodiscard]] bool middlebox_change_cipher_spec() const;
    RecordRole encrypted_handshake(Direction dir);

    bool client_hello_seen_ = false;
    bool offered_tls13_ = false;
    bool retry_requested_ = false;
    std::optional<bool> negotiated_tls13_;
    std::array<bool, 2> keys_changed_{};
    std::array<bool, 2> finished_{};
    std::optional<std::uint64_t> client_flight_frame_;  // TLS 1.3: the client's first encrypted frame
    bool server_flight_over_ = false;  // TLS 1.3: the server's encrypted records are data from now on
    std::uint32_t server_records_after_client_flight_ = 0;
};

}  // namespace mqscan::tls
