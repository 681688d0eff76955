#include "lab/certificate_factory.hpp"

#include <array>
#include <ctime>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <openssl/pem.h>

#include "lab/tls/openssl_library.hpp"
#include "x509/der_certificate.hpp"
#include "x509/openssl_handles.hpp"

namespace mqscan::lab {

using x509::ErrorQueueCleaner;

struct PrivateKey::Key {
    std::shared_ptr<const CryptoLibrary> library;  // first: it outlives the key made in it
    x509::EvpPkeyPtr pkey;
};

struct PrivateKeyAccess {
    static EVP_PKEY* of(const PrivateKey& key) { return key.key_->pkey.get(); }
    static OSSL_LIB_CTX* library_of(const PrivateKey& key) {
        return key.key_->library ? CryptoLibraryAccess::context(*key.key_->library) : nullptr;
    }
};

namespace {

void require(bool done, const std::string& what) {
    if (!done) throw std::runtime_error(what + " (" + x509::openssl_reason() + ")");
}

// What was written to a memory BIO, as bytes or as text.
template <typename Container>
Container contents_of(BIO* memory) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(memory, &data);
    if (length <= 0 || data == nullptr) return {};
    return Container(data, data + length);
}

x509::BioPtr new_memory_bio() {
    x509::BioPtr memory(BIO_new(BIO_s_mem()));
    require(memory != nullptr, "cannot make a memory BIO");
    return memory;
}

void add_subject(X509* certificate, const DistinguishedName& subject) {
    X509_NAME* name = X509_get_subject_name(certificate);
    for (const auto& [key, value] : subject)
        if (X509_NAME_add_entry_by_txt(name, key.c_str(), MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(value.data()),
                                       static_cast<int>(value.size()), -1, 0) != 1)
            throw std::invalid_argument("cannot put " + key + "=" + value + " in a name (" +
                                        x509::openssl_reason() + ")");
}

// The GENERAL_NAME type and value of "DNS:localhost", "IP:127.0.0.1", ...
std::pair<int, std::string> split_general_name(const std::string& entry) {
    constexpr std::array<std::pair<std::string_view, int>, 4> kPrefixes{{
        {"DNS:", GEN_DNS},
        {"IP:", GEN_IPADD},
        {"email:", GEN_EMAIL},
        {"URI:", GEN_URI},
    }};
    for (const auto& [prefix, type] : kPrefixes)
        if (entry.starts_with(prefix)) return {type, entry.substr(prefix.size())};
    throw std::invalid_argument(
        "a subject alternative name starts with DNS:, IP:, email: or URI:, not '" + entry + "'");
}

void add_subject_alt_names(X509* certificate, const std::vector<std::string>& san) {
    if (san.empty()) return;
    x509::GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    require(names != nullptr, "cannot make a list of names");
    for (const std::string& entry : san) {
        const auto [type, value] = split_general_name(entry);
        x509::GeneralNamePtr name(
            a2i_GENERAL_NAME(nullptr, nullptr, nullptr, type, value.c_str(), 0));
        if (!name)
            throw std::invalid_argument("cannot make the subject alternative name '" + entry +
                                        "' (" + x509::openssl_reason() + ")");
        require(sk_GENERAL_NAME_push(names.get(), name.get()) > 0, "cannot list a name");
        name.release();  // the list owns it now
    }
    require(X509_add1_ext_i2d(certificate, NID_subject_alt_name, names.get(), 0,
                              X509V3_ADD_DEFAULT) == 1,
            "cannot add the subjectAltName extension");
}

// `value` in the syntax of openssl's x509v3_config.
void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
    X509V3_CTX context{};
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    x509::X509ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, &context, nid, value));
    require(extension && X509_add_ext(certificate, extension.get(), -1) == 1,
            std::string("cannot add the extension ") + OBJ_nid2sn(nid));
}

// X509_sign draws from the certificate's library.
x509::X509Ptr new_certificate(const CertificateSpec& spec, EVP_PKEY* subject_key,
                              OSSL_LIB_CTX* library) {
    x509::X509Ptr certificate(X509_new_ex(library, nullptr));
    require(certificate != nullptr, "cannot make a certificate");
    X509* c = certificate.get();
    require(X509_set_version(c, X509_VERSION_3) == 1 &&
                ASN1_INTEGER_set_uint64(X509_get_serialNumber(c), spec.serial) == 1 &&
                ASN1_TIME_set(X509_getm_notBefore(c), static_cast<std::time_t>(spec.not_before)) &&
                ASN1_TIME_set(X509_getm_notAfter(c), static_cast<std::time_t>(spec.not_after)) &&
                X509_set_pubkey(c, subject_key) == 1,
            "cannot fill in the certificate");
    add_subject(c, spec.subject);
    return certificate;
}

// `issuer` null: the certificate issues itself.
std::vector<std::uint8_t> issue(const CertificateSpec& spec, EVP_PKEY* subject_key, X509* issuer,
                                EVP_PKEY* signing_key, OSSL_LIB_CTX* library) {
    x509::X509Ptr certificate = new_certificate(spec, subject_key, library);
    X509* c = certificate.get();
    X509* signer = issuer != nullptr ? issuer : c;
    require(X509_set_issuer_name(c, X509_get_subject_name(signer)) == 1, "cannot set the issuer");
    add_extension(c, signer, NID_basic_constraints, spec.is_ca ? "critical,CA:TRUE" : "CA:FALSE");
    if (spec.is_ca) add_extension(c, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(c, signer, NID_subject_key_identifier, "hash");
    // Helps chain building; omitted when the issuer has no key identifier.
    if (issuer != nullptr) add_extension(c, signer, NID_authority_key_identifier, "keyid");
    add_subject_alt_names(c, spec.san);
    require(X509_sign(c, signing_key, EVP_sha256()) > 0, "cannot sign the certificate");

    const int length = i2d_X509(c, nullptr);
    require(length > 0, "cannot encode the certificate");
    std::vector<std::uint8_t> der(static_cast<std::size_t>(length));
    unsigned char* cursor = der.data();
    require(i2d_X509(c, &cursor) == length, "cannot encode the certificate");
    return der;
}

x509::X509Ptr read_own_certificate(std::span<const std::uint8_t> der) {
    auto parsed = x509::parse_der_certificate(der);
    if (!parsed) throw std::invalid_argument("the certificate cannot be read: " + parsed.error());
    return std::move(*parsed);
}

}  // namespace

PrivateKey::PrivateKey(KeyAlgorithm algorithm, std::shared_ptr<const CryptoLibrary> library)
    : key_(std::make_unique<Key>()) {
    const ErrorQueueCleaner clear_errors_on_return;
    key_->library = std::move(library);
    OSSL_LIB_CTX* context = PrivateKeyAccess::library_of(*this);
    key_->pkey.reset(algorithm == KeyAlgorithm::Rsa2048
                         ? EVP_PKEY_Q_keygen(context, nullptr, "RSA", std::size_t{2048})
                         : EVP_PKEY_Q_keygen(context, nullptr, "EC", "P-256"));
    require(key_->pkey != nullptr, "cannot generate a key");
}

PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::~PrivateKey() = default;

std::vector<std::uint8_t> PrivateKey::der() const {
    const ErrorQueueCleaner clear_errors_on_return;
    const x509::BioPtr memory = new_memory_bio();
    require(i2d_PKCS8PrivateKey_bio(memory.get(), key_->pkey.get(), nullptr, nullptr, 0, nullptr,
                                    nullptr) == 1,
            "cannot encode the key");
    return contents_of<std::vector<std::uint8_t>>(memory.get());
}

std::string PrivateKey::pem() const {
    const ErrorQueueCleaner clear_errors_on_return;
    const x509::BioPtr memory = new_memory_bio();
    require(PEM_write_bio_PrivateKey(memory.get(), key_->pkey.get(), nullptr, nullptr, 0, nullptr,
                                     nullptr) == 1,
            "cannot encode the key");
    return contents_of<std::string>(memory.get());
}

std::vector<std::uint8_t> make_self_signed(const CertificateSpec& spec, const PrivateKey& key) {
    const ErrorQueueCleaner clear_errors_on_return;
    return issue(spec, PrivateKeyAccess::of(key), nullptr, PrivateKeyAccess::of(key),
                 PrivateKeyAccess::library_of(key));
}

std::vector<std::uint8_t> make_signed(const CertificateSpec& spec, const PrivateKey& subject_key,
                                      std::span<const std::uint8_t> issuer_der,
                                      const PrivateKey& issuer_key) {
    const ErrorQueueCleaner clear_errors_on_return;
    const x509::X509Ptr issuer = read_own_certificate(issuer_der);
    if (X509_check_private_key(issuer.get(), PrivateKeyAccess::of(issuer_key)) != 1)
        throw std::invalid_argument("the issuer key does not match the issuer certificate");
    return issue(spec, PrivateKeyAccess::of(subject_key), issuer.get(),
                 PrivateKeyAccess::of(issuer_key), PrivateKeyAccess::library_of(issuer_key));
}

std::string certificate_pem(std::span<const std::uint8_t> der) {
    const ErrorQueueCleaner clear_errors_on_return;
    const x509::X509Ptr certificate = read_own_certificate(der);
    const x509::BioPtr memory = new_memory_bio();
    require(PEM_write_bio_X509(memory.get(), certificate.get()) == 1,
            "cannot encode the certificate");
    return contents_of<std::string>(memory.get());
}

}  // namespace mqscan::lab
