#include "x509/trust_store.hpp"

#include <cerrno>
#include <ctime>
#include <fstream>

#include <fmt/format.h>
#include <openssl/pem.h>

#include "x509/der_certificate.hpp"
#include "x509/openssl_handles.hpp"

namespace mqscan::x509 {

struct TrustStore::Store {
    X509StorePtr store{X509_STORE_new()};
    std::size_t certificates = 0;
};

namespace {

namespace fs = std::filesystem;

Result<std::string, std::string> read_file(const fs::path& path) {
    std::error_code error;
    const std::uintmax_t size = fs::file_size(path, error);
    if (error)
        return fail(fmt::format("cannot read CA file '{}': {}", path.string(), error.message()));
    if (size > TrustStore::kMaxCaFileBytes)
        return fail(fmt::format("CA file '{}' is {} bytes long, over the limit of {} bytes",
                                path.string(), size, TrustStore::kMaxCaFileBytes));
    std::string content(static_cast<std::size_t>(size), '\0');
    std::ifstream file(path, std::ios::binary);
    if (!file.read(content.data(), static_cast<std::streamsize>(content.size())))
        return fail(fmt::format("cannot read CA file '{}': {}", path.string(),
                                std::generic_category().message(errno)));
    return content;
}

// A certificate block never needs a password; asking on the terminal would hang a batch run.
int no_password(char*, int, int, void*) {
    return 0;
}

// Adds every certificate of the PEM text to the store; how many, or why not.
Result<std::size_t, std::string> add_certificates(X509_STORE* store, const std::string& pem,
                                                  const fs::path& path) {
    // Each file's end (PEM_R_NO_START_LINE) is an error of its own.
    const ErrorQueueCleaner clear_errors_on_return;
    BioPtr input(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!input)
        return fail(fmt::format("cannot read CA file '{}' ({})", path.string(), openssl_reason()));
    std::size_t added = 0;
    // The _AUX reader also accepts "TRUSTED CERTIFICATE" blocks, as `openssl verify` does.
    while (X509Ptr certificate{PEM_read_bio_X509_AUX(input.get(), nullptr, no_password, nullptr)}) {
        if (X509_STORE_add_cert(store, certificate.get()) != 1)
            return fail(fmt::format("cannot trust certificate {} of CA file '{}' ({})", added + 1,
                                    path.string(), openssl_reason()));
        ++added;
    }
    const unsigned long error = ERR_peek_last_error();
    const bool end_of_text =
        ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
    if (!end_of_text)
        return fail(fmt::format("certificate {} of CA file '{}' cannot be read ({})", added + 1,
                                path.string(), openssl_reason()));
    if (added == 0)
        return fail(fmt::format(
            "CA file '{}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path.string()));
    return added;
}

std::string verdict_word(int error) {
    switch (error) {
        case X509_V_OK: return "ok";
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: return "unknown_issuer";
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "self_signed";
        case X509_V_ERR_CERT_HAS_EXPIRED: return "expired";
        case X509_V_ERR_CERT_NOT_YET_VALID: return "not_yet_valid";
        case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE: return "bad_signature";
        default: return "invalid";
    }
}

}  // namespace

TrustStore::TrustStore(std::unique_ptr<Store> store) : store_(std::move(store)) {}
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;
TrustStore::~TrustStore() = default;

Result<TrustStore, std::string> TrustStore::load(const std::vector<fs::path>& pem_files) {
    const ErrorQueueCleaner clear_errors_on_return;
    auto loaded = std::make_unique<Store>();
    if (!loaded->store)
        return fail(fmt::format("cannot make a certificate store ({})", openssl_reason()));
    for (const fs::path& path : pem_files) {
        auto text = read_file(path);
        if (!text) return fail(text.error());
        auto added = add_certificates(loaded->store.get(), *text, path);
        if (!added) return fail(added.error());
        loaded->certificates += *added;
    }
    return TrustStore(std::move(loaded));
}

std::size_t TrustStore::certificate_count() const {
    return store_->certificates;
}

ChainVerification TrustStore::verify(const std::vector<Bytes>& chain_der,
                                     std::int64_t at_unix_seconds) const {
    const ErrorQueueCleaner clear_errors_on_return;
    if (chain_der.empty())
        return {.ok = false,
                .result = "no_certificate",
                .reason = "no certificate was sent",
                .depth = {}};

    std::vector<X509Ptr> chain;
    for (std::size_t i = 0; i < chain_der.size(); ++i) {
        auto parsed = parse_der_certificate(chain_der[i]);
        if (!parsed)
            return {.ok = false,
                    .result = "invalid",
                    .reason = fmt::format("certificate {} of the chain cannot be read: {}", i,
                                          parsed.error()),
                    .depth = static_cast<std::uint32_t>(i)};
        chain.push_back(std::move(*parsed));
    }
    // The leaf is verified; the other certificates sent may serve as intermediates.
    X509StackView untrusted(sk_X509_new_null());
    X509StoreCtxPtr context(X509_STORE_CTX_new());
    bool ready = untrusted && context;
    for (std::size_t i = 1; ready && i < chain.size(); ++i)
        ready = sk_X509_push(untrusted.get(), chain[i].get()) > 0;
    if (!ready || X509_STORE_CTX_init(context.get(), store_->store.get(), chain.front().get(),
                                      untrusted.get()) != 1)
        return {.ok = false,
                .result = "invalid",
                .reason = fmt::format("verification could not start ({})", openssl_reason()),
                .depth = {}};
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(context.get()),
                               static_cast<std::time_t>(at_unix_seconds));

    const bool verified = X509_verify_cert(context.get()) == 1;
    int error = X509_STORE_CTX_get_error(context.get());
    // A failure without an error code is OpenSSL failing, not the chain.
    if (!verified && error == X509_V_OK) error = X509_V_ERR_UNSPECIFIED;
    const int depth = X509_STORE_CTX_get_error_depth(context.get());
    return {.ok = verified,
            .result = verdict_word(error),
            .reason = X509_verify_cert_error_string(error),
            .depth = verified || depth < 0
                         ? std::nullopt
                         : std::optional<std::uint32_t>(static_cast<std::uint32_t>(depth))};
}

}  // namespace mqscan::x509
