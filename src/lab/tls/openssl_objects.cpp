#include "lab/tls/openssl_objects.hpp"

#include <stdexcept>
#include <string>

#include "x509/der_certificate.hpp"

namespace mqscan::lab {

namespace {

[[noreturn]] void refuse(const char* what, const std::string& why) {
    throw std::invalid_argument(std::string(what) + " cannot be read (" + why + ")");
}

}  // namespace

x509::X509Ptr read_certificate(Bytes der, OSSL_LIB_CTX* context, const char* what) {
    x509::X509Ptr certificate(X509_new_ex(context, nullptr));
    if (!certificate) throw std::runtime_error("cannot make a certificate");
    X509* target = certificate.get();
    const unsigned char* cursor = der.data();
    // On failure d2i_X509 frees the object it was given.
    if (d2i_X509(&target, &cursor, static_cast<long>(der.size())) == nullptr) {
        (void)certificate.release();
        refuse(what, x509::openssl_reason());
    }
    if (cursor != der.data() + der.size()) refuse(what, "bytes follow its DER");
    return certificate;
}

x509::EvpPkeyPtr read_private_key(Bytes der, OSSL_LIB_CTX* context, const char* what) {
    const unsigned char* cursor = der.data();
    x509::EvpPkeyPtr key(
        d2i_AutoPrivateKey_ex(nullptr, &cursor, static_cast<long>(der.size()), context, nullptr));
    if (!key) refuse(what, x509::openssl_reason());
    if (cursor != der.data() + der.size()) refuse(what, "bytes follow its DER");
    return key;
}

}  // namespace mqscan::lab
