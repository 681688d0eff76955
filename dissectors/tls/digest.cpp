#include "tls/digest.hpp"

#include <openssl/evp.h>

#include <array>

#include "tls/wire.hpp"
#include "x509/openssl_handles.hpp"

namespace mqscan::tls {
namespace {

// EVP_Digest only fails when OpenSSL cannot allocate or lacks the algorithm;
// then the fingerprint reads empty rather than wrong.
std::string digest_hex(std::string_view text, const EVP_MD* algorithm) {
    const x509::ErrorQueueCleaner clean_errors;  // no failure's trace reaches the next call
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (algorithm == nullptr ||
        EVP_Digest(text.data(), text.size(), digest.data(), &size, algorithm, nullptr) != 1)
        return {};
    return to_hex(Bytes(digest.data(), size));
}

}  // namespace

std::string md5_hex(std::string_view text) { return digest_hex(text, EVP_md5()); }
std::string sha256_hex(std::string_view text) { return digest_hex(text, EVP_sha256()); }

}  // namespace mqscan::tls
