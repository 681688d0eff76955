#include "x509/der_certificate.hpp"

#include <fmt/format.h>

#include "x509/certificate_summary.hpp"

namespace mqscan::x509 {

std::string openssl_reason() {
    const char* reason = ERR_reason_error_string(ERR_peek_error());
    return reason != nullptr ? reason : "no reason given";
}

Result<X509Ptr, std::string> parse_der_certificate(Bytes der) {
    if (der.empty()) return fail(std::string("the certificate is empty"));
    if (der.size() > kMaxCertificateDerBytes)
        return fail(fmt::format("the certificate is {} bytes long, over the limit of {} bytes",
                                der.size(), kMaxCertificateDerBytes));
    // d2i reads at most `length` bytes and moves `cursor` past what it used.
    const unsigned char* cursor = der.data();
    X509Ptr certificate(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    if (!certificate)
        return fail(
            fmt::format("the bytes are not a DER X.509 certificate ({})", openssl_reason()));
    const auto used = static_cast<std::size_t>(cursor - der.data());
    if (used != der.size())
        return fail(
            fmt::format("the certificate's DER ends after {} of the {} bytes", used, der.size()));
    return certificate;
}

}  // namespace mqscan::x509
