#pragma once
// One side's TLS settings, as mosquitto's listener options (cafile, certfile,
// keyfile, tls_version, require_certificate) or mosquitto_sub's --cafile,
// --cert, --key set them; a TlsContext makes the TlsEndpoint of each of that
// side's connections. OpenSSL stays behind this header.
//
// What goes on the wire depends on nothing of the host: the protocol versions,
// cipher suites (OpenSSL 3.0's defaults), groups and security level (2) are
// set here, session tickets are off (a ticket holds the time it was issued),
// and with a seeded CryptoLibrary every random byte comes from the seed.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lab/tls/crypto_library.hpp"

namespace mqscan::lab {

enum class TlsRole : std::uint8_t { Client, Server };

// mosquitto's tls_version is a minimum: "tlsv1.2" lets a peer negotiate 1.3.
enum class TlsVersions : std::uint8_t { Tls12Only, Tls13Only, Tls12AndLater };

// What a side asks of its peer's certificate.
enum class PeerCertificate : std::uint8_t {
    // A server asks for none (mosquitto's require_certificate false); a client accepts any server.
    Ignored,
    // A client verifies the server's chain; a server asks for a certificate and
    // verifies the one it gets, if any.
    Verified,
    // As Verified, and a server ends the handshake when the client sends none
    // (mosquitto's require_certificate true).
    Required,
};

// A certificate, the intermediates to send after it, and its key, as DER.
// The key is a secret.
struct TlsCredentials {
    std::vector<std::uint8_t> certificate;
    std::vector<std::vector<std::uint8_t>> chain;
    std::vector<std::uint8_t> private_key;  // PKCS#8, unencrypted
};

// What an endpoint holds for its driver; a call that would go past a limit
// takes fewer bytes and says how many it took (see TlsEndpoint).
struct TlsBufferLimits {
    std::size_t pending_plaintext = 1 << 20;    // written, waiting to be encrypted
    std::size_t pending_ciphertext = 1 << 20;   // encrypted, waiting for take_ciphertext
    std::size_t received_ciphertext = 1 << 20;  // received, waiting to be decrypted
    std::size_t received_plaintext = 1 << 20;   // decrypted, waiting for take_plaintext
};

struct TlsContextOptions {
    TlsRole role = TlsRole::Client;
    TlsVersions versions = TlsVersions::Tls12AndLater;
    // A server's certificate (needed), or a client's (optional: without one, a
    // client answers a CertificateRequest with an empty Certificate).
    std::optional<TlsCredentials> credentials;
    // DER CA certificates that verify the peer's chain (mosquitto's cafile).
    std::vector<std::vector<std::uint8_t>> trusted_certificates;
    PeerCertificate peer_certificate = PeerCertificate::Verified;
    // A client's: sent as SNI (RFC 6066 §3) when not empty, and matched with the
    // server's certificate when check_host_name (libmosquitto does both with the
    // host it connects to; --insecure skips the match).
    std::string server_name;
    bool check_host_name = true;
    // When chains are verified, in Unix seconds (the lab's virtual clock); unset: now.
    std::optional<std::int64_t> verification_time;
    TlsBufferLimits limits;
};

class TlsContext {
public:
    // Throws std::invalid_argument for options that cannot work (a server
    // without credentials, a certificate or key that does not read, a key that
    // is not the certificate's), std::runtime_error when OpenSSL fails.
    explicit TlsContext(const TlsContextOptions& options,
                        std::shared_ptr<const CryptoLibrary> library = CryptoLibrary::system());

    [[nodiscard]] TlsRole role() const;

private:
    struct State;  // shared with the endpoints, which may outlive the context
    std::shared_ptr<const State> state_;
    friend class TlsEndpoint;
};

}  // namespace mqscan::lab
