#include "lab/tls/crypto_library.hpp"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/provider.h>

#include "lab/tls/openssl_library.hpp"
#include "lab/tls/seeded_random_provider.hpp"

namespace mqscan::lab {

// Providers are unloaded before their context is freed: the handles hold references.
struct CryptoLibrary::Context {
    OSSL_LIB_CTX* context = nullptr;  // null: OpenSSL's default context, not ours to free
    OSSL_PROVIDER* algorithms = nullptr;
    OSSL_PROVIDER* randomness = nullptr;

    Context() = default;
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    ~Context() {
        if (randomness != nullptr) OSSL_PROVIDER_unload(randomness);
        if (algorithms != nullptr) OSSL_PROVIDER_unload(algorithms);
        if (context != nullptr) OSSL_LIB_CTX_free(context);
    }
};

OSSL_LIB_CTX* CryptoLibraryAccess::context(const CryptoLibrary& library) {
    return library.context_->context;
}

CryptoLibrary::CryptoLibrary(std::unique_ptr<Context> context) : context_(std::move(context)) {}
CryptoLibrary::~CryptoLibrary() = default;

bool CryptoLibrary::is_seeded() const { return context_->randomness != nullptr; }

std::shared_ptr<const CryptoLibrary> CryptoLibrary::system() {
    static const std::shared_ptr<const CryptoLibrary> kSystem(
        new CryptoLibrary(std::make_unique<Context>()));
    return kSystem;
}

std::shared_ptr<const CryptoLibrary> CryptoLibrary::seeded(std::uint64_t seed) {
    auto context = std::make_unique<Context>();
    context->context = OSSL_LIB_CTX_new();
    if (context->context == nullptr) throw std::runtime_error("cannot make a library context");
    // Loaded by hand: a context with a provider loaded explicitly loads no other by itself.
    context->algorithms = OSSL_PROVIDER_load(context->context, "default");
    if (context->algorithms == nullptr)
        throw std::runtime_error("cannot load OpenSSL's default provider");
    context->randomness = install_seeded_random(context->context, seed);
    return std::shared_ptr<const CryptoLibrary>(new CryptoLibrary(std::move(context)));
}

}  // namespace mqscan::lab
