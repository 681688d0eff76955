#pragma once
// Internal: certificates and keys read into a given library context, so that
// what uses them (signing, verifying) draws on that context.

#include <openssl/types.h>

#include "mqscan/byte_reader.hpp"
#include "x509/openssl_handles.hpp"

namespace mqscan::lab {

// The certificate encoded by exactly `der`; std::invalid_argument naming `what` if none.
x509::X509Ptr read_certificate(Bytes der, OSSL_LIB_CTX* context, const char* what);

// The key encoded by exactly `der` (PKCS#8, or the RSA and EC forms OpenSSL
// also reads); std::invalid_argument naming `what` if none.
x509::EvpPkeyPtr read_private_key(Bytes der, OSSL_LIB_CTX* context, const char* what);

}  // namespace mqscan::lab
