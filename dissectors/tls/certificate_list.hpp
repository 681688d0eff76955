#pragma once
// The certificate_list of a TLS 1.0-1.2 Certificate message (RFC 5246
// §7.4.2): a 24-bit list length, then entries of a 24-bit length and a DER
// certificate. A pure function over one complete message body. (TLS 1.3's
// Certificate, RFC 8446 §4.4.2, is always encrypted.)

#include <cstdint>
#include <string>
#include <vector>

#include "mqscan/byte_reader.hpp"
#include "mqscan/result.hpp"

namespace mqscan::tls {

struct CertificateList {
    std::vector<Bytes> kept;      // the first `keep` entries' DER bytes, in order
    std::uint32_t count = 0;      // entries read, kept or not
    bool entry_overruns = false;  // an entry is longer than the rest of the list: the rest is unread
};

// Failure: the list length contradicts the message.
[[nodiscard]] Result<CertificateList, std::string> parse_certificate_list(Bytes body, std::size_t keep);

}  // namespace mqscan::tls
