#pragma once
// X.509 certificates as a report shows them, read with OpenSSL. Every call
// leaves OpenSSL's error queue empty, so one certificate's errors never
// reach the next.

#include <cstddef>
#include <string>

#include "mqscan/byte_reader.hpp"
#include "mqscan/certificate.hpp"
#include "mqscan/result.hpp"

namespace mqscan::x509 {

// Larger certificates are refused unread. Above the TLS dissector's default
// handshake message limit (256 KiB), so that limit is the one that bites, and
// large enough for the zeek trace's certificate with 10,000 names (332 KiB).
inline constexpr std::size_t kMaxCertificateDerBytes = 512 * 1024;
// Subject alternative names kept per certificate; san_total counts them all.
inline constexpr std::size_t kMaxSanListed = 100;
// A subject or issuer with more attributes is refused (real ones have a handful).
inline constexpr std::size_t kMaxNameAttributes = 64;

// The summary of one DER certificate (exactly these bytes, nothing after
// them), or one sentence saying why it cannot be read. Values that are not
// text (an attribute OpenSSL cannot convert to UTF-8, an IP address of odd
// length) are shown as '#' and the lower-case hex of their bytes.
Result<CertificateSummary, std::string> summarize_certificate(Bytes der);

// A Certificate message's entry: the summary or the error, with the DER length.
CertificateEntry certificate_entry(Bytes der);

}  // namespace mqscan::x509
