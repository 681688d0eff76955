#pragma once
// Internal: the OpenSSL library context behind a CryptoLibrary, for code that
// talks to OpenSSL.

#include <openssl/types.h>

#include "lab/tls/crypto_library.hpp"

namespace mqscan::lab {

struct CryptoLibraryAccess {
    // Null for the system's library: OpenSSL's default context.
    static OSSL_LIB_CTX* context(const CryptoLibrary& library);
};

}  // namespace mqscan::lab
