#include "x509/public_key.hpp"

#include <array>

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>

#include "x509/distinguished_name.hpp"

namespace mqscan::x509 {

namespace {

std::string curve_of(const EVP_PKEY* key) {
    std::array<char, 80> group{};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                       &length) != 1) {
        ERR_clear_error();  // handled here
        return fmt::format("{}-bit curve given by explicit parameters", EVP_PKEY_get_bits(key));
    }
    const char* nist = EC_curve_nid2nist(OBJ_sn2nid(group.data()));
    return nist != nullptr ? nist : group.data();
}

// Key types with a size that says how strong they are, by OpenSSL's name.
constexpr std::array kSizedKeyTypes{"RSA", "RSA-PSS", "DSA", "DH", "DHX"};
// Key types of one fixed size: OpenSSL's name, then ours.
constexpr std::array<std::array<const char*, 2>, 4> kFixedKeyTypes{{
    {"ED25519", "Ed25519"},
    {"ED448", "Ed448"},
    {"X25519", "X25519"},
    {"X448", "X448"},
}};

}  // namespace

std::string describe_public_key(const X509* certificate) {
    const EVP_PKEY* key = X509_get0_pubkey(certificate);
    if (key == nullptr) {
        ERR_clear_error();  // handled here
        ASN1_OBJECT* algorithm = nullptr;
        X509_PUBKEY_get0_param(&algorithm, nullptr, nullptr, nullptr,
                               X509_get_X509_PUBKEY(certificate));
        const std::string name =
            algorithm != nullptr ? object_name(algorithm, ObjectName::Long) : "unknown algorithm";
        return fmt::format("{} (unreadable key)", name);
    }
    if (EVP_PKEY_is_a(key, "EC")) return "EC " + curve_of(key);
    for (const auto& [openssl_name, our_name] : kFixedKeyTypes)
        if (EVP_PKEY_is_a(key, openssl_name)) return our_name;
    for (const char* name : kSizedKeyTypes)
        if (EVP_PKEY_is_a(key, name)) return fmt::format("{} {}", name, EVP_PKEY_get_bits(key));
    const char* type = EVP_PKEY_get0_type_name(key);
    return fmt::format("{} {}", type != nullptr ? type : "unknown", EVP_PKEY_get_bits(key));
}

}  // namespace mqscan::x509
