#pragma once
// Owning handles for OpenSSL objects, and the guard that empties OpenSSL's
// (per-thread) error queue when a call starts and when it returns, so that one
// certificate's errors never reach the next. Internal: only code that talks to
// OpenSSL includes this.

#include <memory>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace mqscan::x509 {

template <auto Free>
struct FreeWith {
    template <typename T>
    void operator()(T* object) const {
        Free(object);
    }
};

// OPENSSL_free is a macro, so it needs a function of its own.
struct OpenSslFree {
    void operator()(void* memory) const { OPENSSL_free(memory); }
};

using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, FreeWith<X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, FreeWith<X509_EXTENSION_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, FreeWith<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, FreeWith<X509_STORE_CTX_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, FreeWith<GENERAL_NAME_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, FreeWith<GENERAL_NAMES_free>>;
using BasicConstraintsPtr = std::unique_ptr<BASIC_CONSTRAINTS, FreeWith<BASIC_CONSTRAINTS_free>>;
using OpenSslBytes = std::unique_ptr<unsigned char, OpenSslFree>;

// Does not own the certificates it lists.
struct X509StackFree {
    void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};
using X509StackView = std::unique_ptr<STACK_OF(X509), X509StackFree>;

// Inside, the oldest error in the queue is the one a failing call raised,
// provided that code which handles a failure clears its errors on the spot.
class ErrorQueueCleaner {
public:
    ErrorQueueCleaner() { ERR_clear_error(); }
    ErrorQueueCleaner(const ErrorQueueCleaner&) = delete;
    ErrorQueueCleaner& operator=(const ErrorQueueCleaner&) = delete;
    ~ErrorQueueCleaner() { ERR_clear_error(); }
};

}  // namespace mqscan::x509
