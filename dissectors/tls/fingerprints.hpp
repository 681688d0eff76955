#pragma once
// Client and server fingerprints from the hellos: JA3 and JA3S
// (github.com/salesforce/ja3: decimal fields joined by "-", MD5 of the
// string) and JA4 (FoxIO, technical_details/JA4.md: a readable prefix and
// two truncated SHA-256 hashes of sorted lists). GREASE values (RFC 8701)
// are left out of all three.

#include <string>

#include "mqscan/tls.hpp"

namespace mqscan::tls {

struct Fingerprint {
    std::string text;  // JA3/JA3S: the full string; JA4: the raw form (JA4_r)
    std::string hash;  // JA3/JA3S: its MD5; JA4: the fingerprint
};

// SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
[[nodiscard]] Fingerprint ja3(const TlsHelloSummary& client_hello);
// SSLVersion,Cipher,Extensions
[[nodiscard]] Fingerprint ja3s(const TlsHelloSummary& server_hello);
// t, version, d/i (SNI), cipher count, extension count, ALPN first+last _ cipher hash _ extension hash
[[nodiscard]] Fingerprint ja4(const TlsHelloSummary& client_hello);

}  // namespace mqscan::tls
