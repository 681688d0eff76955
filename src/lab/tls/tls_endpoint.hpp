#pragma once
// One side of one TLS connection, sans I/O: between an engine's plaintext
// (MQTT bytes) and the network's ciphertext (TLS records), over OpenSSL memory
// BIOs. The driver calls it as bytes arrive; no sockets, no threads, no clock
// (certificates are checked at the context's verification time).
//
//   engine --write_plaintext--> [endpoint] --take_ciphertext--> network
//   engine <--take_plaintext--- [endpoint] <-receive_ciphertext- network
//
// After any call, take_ciphertext() may have bytes for the peer: records,
// alerts, close_notify. Plaintext written before the handshake ends waits
// for it. Each buffer is bounded by the context's TlsBufferLimits: a call
// takes what fits and returns how much; what did not fit is the caller's to
// offer again once take_ciphertext or take_plaintext has made room.
//
// OpenSSL may hold one record more than a limit: the one it is working on.
//
// The connection fails as OpenSSL fails it, with the alert OpenSSL sends or
// receives (e.g. a server requiring a certificate sends handshake_failure
// under TLS 1.2, certificate_required under 1.3; a client that does not trust
// the server's issuer sends unknown_ca). After a failure, or a close before the
// handshake ended, received bytes are dropped; after a close, nothing more is
// written, but the peer's records are still read (its close_notify among them).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lab/tls/key_log.hpp"
#include "lab/tls/tls_context.hpp"
#include "mqscan/byte_reader.hpp"
#include "mqscan/certificate.hpp"

namespace mqscan::lab {

// An alert this side sent or received (RFC 8446 §6, RFC 5246 §7.2).
struct TlsEndpointAlert {
    bool sent = false;             // else received
    std::uint8_t level = 0;        // 1 warning, 2 fatal
    std::uint8_t description = 0;  // 0 close_notify, 40 handshake_failure, 48 unknown_ca, ...
    [[nodiscard]] std::string description_name() const;  // "unknown_ca"
    bool operator==(const TlsEndpointAlert&) const = default;
};

struct TlsFailure {
    // The fatal alert that ended the connection, sent or received; none when
    // OpenSSL failed without one.
    std::optional<TlsEndpointAlert> alert;
    // OpenSSL's reason, with the verification error when a chain failed:
    // "certificate verify failed: unable to get local issuer certificate",
    // "peer did not return a certificate", "tlsv1 alert unknown ca".
    std::string reason;
    // The same error as mosquitto logs it after "OpenSSL Error[0]: " (empty without one).
    std::string openssl_error;
};

class TlsEndpoint {
public:
    // The context's role: a client sends its ClientHello on start(), a server waits for it.
    explicit TlsEndpoint(const TlsContext& context);
    TlsEndpoint(TlsEndpoint&&) noexcept;
    TlsEndpoint& operator=(TlsEndpoint&&) noexcept;
    ~TlsEndpoint();

    // Begins the handshake: a client's ClientHello is then in take_ciphertext().
    void start();
    // Bytes from the peer; returns how many were taken (all of them when they are dropped).
    [[nodiscard]] std::size_t receive_ciphertext(Bytes bytes);
    // Bytes for the peer, in order; empties the outgoing buffer.
    [[nodiscard]] std::vector<std::uint8_t> take_ciphertext();
    // Application bytes to encrypt; returns how many were taken (0 after a failure or a close).
    [[nodiscard]] std::size_t write_plaintext(Bytes bytes);
    // Application bytes decrypted so far; empties the buffer.
    [[nodiscard]] std::vector<std::uint8_t> take_plaintext();
    // Encrypts what waits, then sends close_notify (after the handshake; before
    // it, the connection is just abandoned). Nothing is written afterwards.
    void close();

    [[nodiscard]] TlsRole role() const;
    [[nodiscard]] bool handshake_complete() const;
    [[nodiscard]] bool failed() const;
    [[nodiscard]] const std::optional<TlsFailure>& failure() const;
    [[nodiscard]] bool close_notify_sent() const;
    [[nodiscard]] bool close_notify_received() const;
    // Every alert sent or received, in order (close_notify included), at most kMaxAlerts.
    static constexpr std::size_t kMaxAlerts = 16;
    [[nodiscard]] const std::vector<TlsEndpointAlert>& alerts() const;

    // Negotiated: 0x0303 (TLS 1.2), 0x0304 (TLS 1.3); 0 before the ServerHello.
    [[nodiscard]] std::uint16_t version() const;
    // IANA code and name ("TLS_AES_256_GCM_SHA384"); 0 and empty before the ServerHello.
    [[nodiscard]] std::uint16_t cipher_suite() const;
    [[nodiscard]] std::string cipher_suite_name() const;
    // The subject of the certificate the peer sent, if any (a server's view of
    // its client is what use_identity_as_username needs).
    [[nodiscard]] std::optional<DistinguishedName> peer_subject() const;
    // Its first CN, as mosquitto takes it for the user name.
    [[nodiscard]] std::optional<std::string> peer_common_name() const;

    // This connection's secrets (see KeyLog).
    [[nodiscard]] const KeyLog& key_log() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mqscan::lab
