#pragma once
// What a report says about one X.509 certificate seen in a TLS handshake,
// and the verdict of verifying a chain against the user's CA certificates.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mqscan {

// One attribute of a distinguished name, in certificate order: the short
// name OpenSSL prints ("CN", "O", "OU", "C", "emailAddress", or the dotted
// OID when it has none) and the value as UTF-8, exact.
struct NameAttribute {
    std::string key;
    std::string value;
    bool operator==(const NameAttribute&) const = default;
};
using DistinguishedName = std::vector<NameAttribute>;

struct CertificateSummary {
    DistinguishedName subject;
    DistinguishedName issuer;
    std::string serial;                // upper-case hex, no separators
    std::int64_t not_before = 0;       // seconds since the Unix epoch, UTC
    std::int64_t not_after = 0;
    std::string signature_algorithm;   // OpenSSL's long name, e.g. "sha256WithRSAEncryption"
    std::string key;                   // "RSA 2048", "EC P-256", "Ed25519", ...
    std::vector<std::string> san;      // "DNS:localhost", "IP:127.0.0.1", "email:...", "URI:..."
                                       // (the first x509::kMaxSanListed of them)
    std::size_t san_total = 0;         // subject alternative names in the certificate
    bool is_ca = false;                // basicConstraints CA:TRUE
    bool self_signed = false;          // issuer == subject and the signature checks with its own key
    std::string sha256;                // lower-case hex of the DER
    bool operator==(const CertificateSummary&) const = default;
};

// One certificate entry of a Certificate message: its summary, or why it could not be read.
struct CertificateEntry {
    std::uint32_t der_length = 0;
    std::optional<CertificateSummary> summary;
    std::string error;  // set when summary is empty
};

// The verdict on one observed chain against the CA certificates given with --ca.
struct ChainVerification {
    bool ok = false;
    std::string result;   // short stable word: "ok", "unknown_issuer", "expired", "not_yet_valid",
                          // "bad_signature", "self_signed", "invalid", "no_certificate", ...
    std::string reason;   // OpenSSL's sentence (X509_verify_cert_error_string), or why a
                          // certificate of the chain could not be read
    // The certificate the verdict is about, 0 = the leaf, counted in the chain OpenSSL built
    // (the CA certificate from --ca comes last; an unreadable one: its place as sent);
    // empty for "ok" and "no_certificate".
    std::optional<std::uint32_t> depth;
    bool operator==(const ChainVerification&) const = default;
};

}  // namespace mqscan
