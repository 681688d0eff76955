#pragma once
// Keys and X.509 certificates made in-process, as the lab's teacher (the CA)
// and students (openssl req, then x509 -req) make them: for the tests now, for
// the embedded lab broker later. OpenSSL stays behind this header.
//
// Requests come from code, not from captures: a bad one (an unknown attribute
// key, a SAN without one of the four prefixes, an issuer key that does not
// match the issuer) throws std::invalid_argument; OpenSSL failing throws
// std::runtime_error.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mqscan/certificate.hpp"

namespace mqscan::lab {

class CryptoLibrary;  // lab/tls/crypto_library.hpp

enum class KeyAlgorithm { Rsa2048, EcP256 };

// A freshly generated key pair. Its exports are secrets. A moved-from key is empty: do not use it.
// Its random bytes, and those of the signatures it makes below, come from
// `library` (the system's when null): a seeded one makes both repeatable.
class PrivateKey {
public:
    explicit PrivateKey(KeyAlgorithm algorithm,
                        std::shared_ptr<const CryptoLibrary> library = nullptr);
    PrivateKey(PrivateKey&&) noexcept;
    PrivateKey& operator=(PrivateKey&&) noexcept;
    ~PrivateKey();

    [[nodiscard]] std::vector<std::uint8_t> der() const;  // PKCS#8, unencrypted
    [[nodiscard]] std::string pem() const;                // "-----BEGIN PRIVATE KEY-----"

private:
    struct Key;
    std::unique_ptr<Key> key_;
    friend struct PrivateKeyAccess;  // how the functions below reach the OpenSSL key
};

struct CertificateSpec {
    // In order; keys as OpenSSL names them: "C", "O", "OU", "CN", "emailAddress", or a dotted OID.
    DistinguishedName subject;
    // "DNS:..", "IP:..", "email:..", "URI:..", as CertificateSummary spells them.
    std::vector<std::string> san;
    std::int64_t not_before = 0;  // Unix seconds, UTC
    std::int64_t not_after = 0;
    std::uint64_t serial = 1;
    // basicConstraints CA:TRUE and keyUsage keyCertSign, cRLSign (both critical);
    // else basicConstraints CA:FALSE.
    bool is_ca = false;
};

// The DER of a certificate for `spec`, signed with its own key (SHA-256).
std::vector<std::uint8_t> make_self_signed(const CertificateSpec& spec, const PrivateKey& key);

// The DER of a certificate for `spec` and `subject_key`, issued by the CA whose
// certificate is `issuer_der` and key `issuer_key` (SHA-256).
std::vector<std::uint8_t> make_signed(const CertificateSpec& spec, const PrivateKey& subject_key,
                                      std::span<const std::uint8_t> issuer_der,
                                      const PrivateKey& issuer_key);

// "-----BEGIN CERTIFICATE-----" text of a DER certificate.
std::string certificate_pem(std::span<const std::uint8_t> der);

}  // namespace mqscan::lab
