#include "lab/tls/tls_context.hpp"

#include <ctime>
#include <stdexcept>
#include <string>

#include "lab/tls/openssl_library.hpp"
#include "lab/tls/openssl_objects.hpp"
#include "lab/tls/tls_context_state.hpp"
#include "x509/der_certificate.hpp"

namespace mqscan::lab {

namespace {

// OpenSSL 3.0's default groups (ssl/t1_lib.c), in its order.
constexpr const char* kGroups =
    "x25519:secp256r1:x448:secp521r1:secp384r1:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192";
// Debian 12's level: RSA and DH keys of 2048 bits at least, no SHA-1 signatures.
constexpr int kSecurityLevel = 2;
// A server's session cache (TLS 1.2 session ids): kept small, as clients never resume.
constexpr long kSessionCacheSize = 64;

void require(bool done, const std::string& what) {
    if (!done) throw std::runtime_error(what + " (" + x509::openssl_reason() + ")");
}

void set_versions(SSL_CTX* context, TlsVersions versions) {
    const int lowest = versions == TlsVersions::Tls13Only ? TLS1_3_VERSION : TLS1_2_VERSION;
    const int highest = versions == TlsVersions::Tls12Only ? TLS1_2_VERSION : TLS1_3_VERSION;
    require(SSL_CTX_set_min_proto_version(context, lowest) == 1 &&
                SSL_CTX_set_max_proto_version(context, highest) == 1,
            "cannot set the TLS versions");
}

// Everything a ClientHello or ServerHello offers, pinned: the host's
// openssl.cnf could change OpenSSL's defaults otherwise.
void set_preferences(SSL_CTX* context) {
    SSL_CTX_set_security_level(context, kSecurityLevel);
    require(SSL_CTX_set_cipher_list(context, OSSL_default_cipher_list()) == 1 &&
                SSL_CTX_set_ciphersuites(context, OSSL_default_ciphersuites()) == 1 &&
                SSL_CTX_set1_groups_list(context, kGroups) == 1,
            "cannot set the cipher suites and groups");
    // A ticket holds the time it was made: no tickets, in TLS 1.2 or 1.3.
    SSL_CTX_set_options(context, SSL_OP_NO_TICKET);
    require(SSL_CTX_set_num_tickets(context, 0) == 1, "cannot turn session tickets off");
    SSL_CTX_sess_set_cache_size(context, kSessionCacheSize);
}

int verify_mode(TlsRole role, PeerCertificate peer) {
    switch (peer) {
        case PeerCertificate::Ignored: return SSL_VERIFY_NONE;
        case PeerCertificate::Verified: return SSL_VERIFY_PEER;
        case PeerCertificate::Required:
            return role == TlsRole::Server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                                           : SSL_VERIFY_PEER;
    }
    return SSL_VERIFY_PEER;
}

void set_verification(SSL_CTX* context, const TlsContextOptions& options, OSSL_LIB_CTX* library) {
    SSL_CTX_set_verify(context, verify_mode(options.role, options.peer_certificate), nullptr);
    X509_STORE* store = SSL_CTX_get_cert_store(context);
    for (const auto& der : options.trusted_certificates) {
        const x509::X509Ptr certificate =
            read_certificate(der, library, "a trusted CA certificate");
        require(X509_STORE_add_cert(store, certificate.get()) == 1,
                "cannot trust a CA certificate");
    }
    if (options.verification_time)
        X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(context),
                                   static_cast<std::time_t>(*options.verification_time));
}

void use_credentials(SSL_CTX* context, const TlsCredentials& credentials, OSSL_LIB_CTX* library) {
    const x509::X509Ptr certificate =
        read_certificate(credentials.certificate, library, "the certificate");
    require(SSL_CTX_use_certificate(context, certificate.get()) == 1, "cannot use the certificate");
    for (const auto& der : credentials.chain) {
        const x509::X509Ptr link = read_certificate(der, library, "a chain certificate");
        require(SSL_CTX_add1_chain_cert(context, link.get()) == 1,
                "cannot add a chain certificate");
    }
    const x509::EvpPkeyPtr key = read_private_key(credentials.private_key, library, "the key");
    if (SSL_CTX_use_PrivateKey(context, key.get()) != 1 || SSL_CTX_check_private_key(context) != 1)
        throw std::invalid_argument("the key is not the certificate's (" + x509::openssl_reason() +
                                    ")");
}

}  // namespace

TlsContext::TlsContext(const TlsContextOptions& options,
                       std::shared_ptr<const CryptoLibrary> library) {
    const x509::ErrorQueueCleaner clear_errors_on_return;
    if (!library) throw std::invalid_argument("a TLS context needs a crypto library");
    if (options.role == TlsRole::Server && !options.credentials)
        throw std::invalid_argument("a TLS server needs a certificate and its key");
    auto state = std::make_shared<State>();
    OSSL_LIB_CTX* context = CryptoLibraryAccess::context(*library);
    state->library = std::move(library);
    state->context.reset(SSL_CTX_new_ex(
        context, nullptr,
        options.role == TlsRole::Client ? TLS_client_method() : TLS_server_method()));
    require(state->context != nullptr, "cannot make a TLS context");
    SSL_CTX* ssl_context = state->context.get();
    set_versions(ssl_context, options.versions);
    set_preferences(ssl_context);
    set_verification(ssl_context, options, context);
    if (options.credentials) use_credentials(ssl_context, *options.credentials, context);
    SSL_CTX_set_keylog_callback(ssl_context, &record_key_log_line);
    state->role = options.role;
    state->server_name = options.server_name;
    state->check_host_name = options.check_host_name;
    state->limits = options.limits;
    state_ = std::move(state);
}

TlsRole TlsContext::role() const { return state_->role; }

}  // namespace mqscan::lab
