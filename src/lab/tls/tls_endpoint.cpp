#include "lab/tls/tls_endpoint.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <stdexcept>
#include <utility>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "lab/tls/tls_context_state.hpp"
#include "tls/names.hpp"
#include "x509/der_certificate.hpp"
#include "x509/distinguished_name.hpp"

namespace mqscan::lab {

namespace {

constexpr std::size_t kMaxRecordPlaintext = 16384;  // RFC 8446 §5.1: 2^14 bytes per record

// What OpenSSL's callbacks note, reached through the SSL's app data.
struct CallbackRecord {
    KeyLog key_log;
    std::vector<TlsEndpointAlert> alerts;
    bool close_notify_sent = false;
    bool close_notify_received = false;
};

CallbackRecord& record_of(const SSL* ssl) {
    return *static_cast<CallbackRecord*>(SSL_get_app_data(ssl));
}

// SSL_CB_ALERT: `value` holds the level, then the description.
void record_alert(const SSL* ssl, int where, int value) {
    if ((where & SSL_CB_ALERT) == 0) return;
    CallbackRecord& record = record_of(ssl);
    const TlsEndpointAlert alert{(where & SSL_CB_WRITE) != 0,
                                 static_cast<std::uint8_t>((value >> 8) & 0xff),
                                 static_cast<std::uint8_t>(value & 0xff)};
    if (alert.description == SSL_AD_CLOSE_NOTIFY)
        (alert.sent ? record.close_notify_sent : record.close_notify_received) = true;
    if (record.alerts.size() < TlsEndpoint::kMaxAlerts) record.alerts.push_back(alert);
}

void require(bool done, const std::string& what) {
    if (!done) throw std::runtime_error(what + " (" + x509::openssl_reason() + ")");
}

x509::BioPtr new_memory_bio() {
    x509::BioPtr bio(BIO_new(BIO_s_mem()));
    require(bio != nullptr, "cannot make a memory BIO");
    // An empty buffer means "no bytes yet", not the end of the stream.
    BIO_set_mem_eof_return(bio.get(), -1);
    return bio;
}

bool is_ip_address(const std::string& name) {
    ASN1_OCTET_STRING* address = a2i_IPADDRESS(name.c_str());
    ASN1_OCTET_STRING_free(address);
    return address != nullptr;
}

// A client checks the server's certificate for `name`: its DNS names, or its IP addresses.
void set_server_name(SSL* ssl, const std::string& name, bool check) {
    const bool ip = is_ip_address(name);
    // RFC 6066 §3: a HostName is never a literal address.
    if (!ip) require(SSL_set_tlsext_host_name(ssl, name.c_str()) == 1, "cannot set the SNI");
    if (!check) return;
    X509_VERIFY_PARAM* parameters = SSL_get0_param(ssl);
    require(ip ? X509_VERIFY_PARAM_set1_ip_asc(parameters, name.c_str()) == 1
               : X509_VERIFY_PARAM_set1_host(parameters, name.c_str(), name.size()) == 1,
            "cannot set the name to check");
}

}  // namespace

void record_key_log_line(const SSL* ssl, const char* line) { record_of(ssl).key_log.add(line); }

std::string TlsEndpointAlert::description_name() const {
    return tls::alert_description_name(description);
}

struct TlsEndpoint::Impl {
    std::shared_ptr<const TlsContext::State> context;
    SslPtr ssl;
    BIO* incoming = nullptr;  // owned by ssl
    BIO* outgoing = nullptr;  // owned by ssl
    CallbackRecord record;
    std::vector<std::uint8_t> pending_plaintext;
    std::vector<std::uint8_t> received_plaintext;
    std::optional<TlsFailure> failure;
    bool closed = false;

    [[nodiscard]] const TlsBufferLimits& limits() const { return context->limits; }
    [[nodiscard]] bool established() const { return SSL_is_init_finished(ssl.get()) == 1; }

    // No more reading: failed, or closed before the handshake ended.
    [[nodiscard]] bool done() const { return failure || (closed && !established()); }

    // Takes the handshake, then the data, as far as the bytes at hand allow.
    void advance() {
        if (done()) return;
        if (!established()) {
            const int result = SSL_do_handshake(ssl.get());
            if (result != 1) {
                settle(result);
                return;
            }
        }
        encrypt_pending(limits().pending_ciphertext);
        decrypt_received();
    }

    // After a call that did not succeed: waiting for bytes, a close_notify
    // (noted by the alert callback), or a failure.
    void settle(int result) {
        switch (SSL_get_error(ssl.get(), result)) {
            case SSL_ERROR_WANT_READ:
            case SSL_ERROR_WANT_WRITE:
            case SSL_ERROR_ZERO_RETURN: return;
            default: fail();
        }
    }

    void fail() {
        TlsFailure failed;
        const auto fatal =
            std::find_if(record.alerts.rbegin(), record.alerts.rend(),
                         [](const TlsEndpointAlert& alert) { return alert.level == 2; });
        if (fatal != record.alerts.rend()) failed.alert = *fatal;
        failed.reason = failure_reason();
        failed.openssl_error = openssl_error_text();
        failure = std::move(failed);
        pending_plaintext.clear();
        received_plaintext.clear();
    }

    // The first error of the call is the one that started the failure.
    [[nodiscard]] std::string failure_reason() const {
        const unsigned long error = ERR_peek_error();
        if (error == 0) return "the connection failed without a reason from OpenSSL";
        const char* reason = ERR_reason_error_string(error);
        std::string text = reason != nullptr ? reason : "no reason given";
        if (ERR_GET_LIB(error) == ERR_LIB_SSL &&
            ERR_GET_REASON(error) == SSL_R_CERTIFICATE_VERIFY_FAILED)
            text.append(": ").append(
                X509_verify_cert_error_string(SSL_get_verify_result(ssl.get())));
        return text;
    }

    // "error:0A0000C7:SSL routines::peer did not return a certificate", as ERR_error_string words it.
    [[nodiscard]] static std::string openssl_error_text() {
        const unsigned long error = ERR_peek_error();
        if (error == 0) return {};
        std::array<char, 256> text{};
        ERR_error_string_n(error, text.data(), text.size());
        return text.data();
    }

    void encrypt_pending(std::size_t ciphertext_limit) {
        if (failure || closed || !established()) return;
        std::size_t written = 0;
        while (written < pending_plaintext.size() &&
               BIO_ctrl_pending(outgoing) < ciphertext_limit) {
            const std::size_t chunk =
                std::min(pending_plaintext.size() - written, kMaxRecordPlaintext);
            const int result =
                SSL_write(ssl.get(), pending_plaintext.data() + written, static_cast<int>(chunk));
            if (result <= 0) {
                settle(result);
                break;
            }
            written += static_cast<std::size_t>(result);
        }
        if (!failure)
            pending_plaintext.erase(
                pending_plaintext.begin(),
                pending_plaintext.begin() + static_cast<std::ptrdiff_t>(written));
    }

    void decrypt_received() {
        while (!failure && established() && !record.close_notify_received &&
               received_plaintext.size() < limits().received_plaintext) {
            const std::size_t held = received_plaintext.size();
            const std::size_t room =
                std::min(limits().received_plaintext - held, kMaxRecordPlaintext);
            received_plaintext.resize(held + room);
            const int result =
                SSL_read(ssl.get(), received_plaintext.data() + held, static_cast<int>(room));
            received_plaintext.resize(held + static_cast<std::size_t>(std::max(result, 0)));
            if (result <= 0) {
                settle(result);
                return;
            }
        }
    }

    void drain_into(std::vector<std::uint8_t>& out) const {
        const std::size_t waiting = BIO_ctrl_pending(outgoing);
        if (waiting == 0) return;
        const std::size_t held = out.size();
        out.resize(held + waiting);
        const int read = BIO_read(outgoing, out.data() + held, static_cast<int>(waiting));
        out.resize(held + static_cast<std::size_t>(std::max(read, 0)));
    }
};

TlsEndpoint::TlsEndpoint(const TlsContext& context) : impl_(std::make_unique<Impl>()) {
    const x509::ErrorQueueCleaner clear_errors_on_return;
    Impl& impl = *impl_;
    impl.context = context.state_;
    impl.ssl.reset(SSL_new(impl.context->context.get()));
    require(impl.ssl != nullptr, "cannot make a TLS connection");
    SSL* ssl = impl.ssl.get();
    x509::BioPtr incoming = new_memory_bio();
    x509::BioPtr outgoing = new_memory_bio();
    impl.incoming = incoming.get();
    impl.outgoing = outgoing.get();
    SSL_set_bio(ssl, incoming.release(), outgoing.release());
    SSL_set_app_data(ssl, &impl.record);
    SSL_set_info_callback(ssl, &record_alert);
    if (impl.context->role == TlsRole::Server) {
        SSL_set_accept_state(ssl);
        return;
    }
    SSL_set_connect_state(ssl);
    if (!impl.context->server_name.empty())
        set_server_name(ssl, impl.context->server_name, impl.context->check_host_name);
}

TlsEndpoint::TlsEndpoint(TlsEndpoint&&) noexcept = default;
TlsEndpoint& TlsEndpoint::operator=(TlsEndpoint&&) noexcept = default;
TlsEndpoint::~TlsEndpoint() = default;

void TlsEndpoint::start() {
    const x509::ErrorQueueCleaner clear_errors_on_return;
    impl_->advance();
}

std::size_t TlsEndpoint::receive_ciphertext(Bytes bytes) {
    const x509::ErrorQueueCleaner clear_errors_on_return;
    Impl& impl = *impl_;
    if (impl.done()) return bytes.size();
    const std::size_t held = BIO_ctrl_pending(impl.incoming);
    const std::size_t limit = std::min<std::size_t>(impl.limits().received_ciphertext, INT_MAX);
    const std::size_t taken = std::min(bytes.size(), limit > held ? limit - held : 0);
    if (taken > 0)
        require(BIO_write(impl.incoming, bytes.data(), static_cast<int>(taken)) ==
                    static_cast<int>(taken),
                "cannot buffer received bytes");
    impl.advance();
    return taken;
}

std::vector<std::uint8_t> TlsEndpoint::take_ciphertext() {
    const x509::ErrorQueueCleaner clear_errors_on_return;
    Impl& impl = *impl_;
    std::vector<std::uint8_t> out;
    impl.drain_into(out);
    // Room was made: what waited for it follows.
    while (!impl.pending_plaintext.empty()) {
        impl.encrypt_pending(impl.limits().pending_ciphertext);
        if (BIO_ctrl_pending(impl.outgoing) == 0) break;
        impl.drain_into(out);
    }
    return out;
}

std::size_t TlsEndpoint::write_plaintext(Bytes bytes) {
    const x509::ErrorQueueCleaner clear_errors_on_return;
    Impl& impl = *impl_;
    if (impl.failure || impl.closed) return 0;
    const std::size_t held = impl.pending_plaintext.size();
    const std::size_t limit = impl.limits().pending_plaintext;
    const std::size_t taken = std::min(bytes.size(), limit > held ? limit - held : 0);
    impl.pending_plaintext.insert(impl.pending_plaintext.end(), bytes.begin(),
                                  bytes.begin() + static_cast<std::ptrdiff_t>(taken));
    impl.encrypt_pending(impl.limits().pending_ciphertext);
    return taken;
}

std::vector<std::uint8_t> TlsEndpoint::take_plaintext() {
    const x509::ErrorQueueCleaner clear_errors_on_return;
    Impl& impl = *impl_;
    std::vector<std::uint8_t> out = std::exchange(impl.received_plaintext, {});
    // Room was made: records that waited for it are decrypted now.
    for (;;) {
        impl.decrypt_received();
        if (impl.received_plaintext.empty()) break;
        out.insert(out.end(), impl.received_plaintext.begin(), impl.received_plaintext.end());
        impl.received_plaintext.clear();
    }
    return out;
}

void TlsEndpoint::close() {
    const x509::ErrorQueueCleaner clear_errors_on_return;
    Impl& impl = *impl_;
    if (impl.failure || impl.closed) return;
    if (impl.established()) {
        // What the engine wrote goes out before the close_notify, whatever the limit.
        impl.encrypt_pending(SIZE_MAX);
        const int result = SSL_shutdown(impl.ssl.get());
        if (result < 0) impl.settle(result);
    }
    impl.closed = true;
    impl.pending_plaintext.clear();
}

TlsRole TlsEndpoint::role() const { return impl_->context->role; }
bool TlsEndpoint::handshake_complete() const { return impl_->established(); }
bool TlsEndpoint::failed() const { return impl_->failure.has_value(); }
const std::optional<TlsFailure>& TlsEndpoint::failure() const { return impl_->failure; }
bool TlsEndpoint::close_notify_sent() const { return impl_->record.close_notify_sent; }
bool TlsEndpoint::close_notify_received() const { return impl_->record.close_notify_received; }
const std::vector<TlsEndpointAlert>& TlsEndpoint::alerts() const { return impl_->record.alerts; }
const KeyLog& TlsEndpoint::key_log() const { return impl_->record.key_log; }

std::uint16_t TlsEndpoint::version() const {
    if (SSL_get_current_cipher(impl_->ssl.get()) == nullptr) return 0;
    return static_cast<std::uint16_t>(SSL_version(impl_->ssl.get()));
}

std::uint16_t TlsEndpoint::cipher_suite() const {
    const SSL_CIPHER* cipher = SSL_get_current_cipher(impl_->ssl.get());
    return cipher != nullptr ? SSL_CIPHER_get_protocol_id(cipher) : 0;
}

std::string TlsEndpoint::cipher_suite_name() const {
    const SSL_CIPHER* cipher = SSL_get_current_cipher(impl_->ssl.get());
    return cipher != nullptr ? SSL_CIPHER_standard_name(cipher) : "";
}

std::optional<DistinguishedName> TlsEndpoint::peer_subject() const {
    const X509* certificate = SSL_get0_peer_certificate(impl_->ssl.get());
    if (certificate == nullptr) return std::nullopt;
    auto subject = x509::read_name(X509_get_subject_name(certificate), "subject");
    if (!subject) return std::nullopt;
    return std::move(*subject);
}

std::optional<std::string> TlsEndpoint::peer_common_name() const {
    const std::optional<DistinguishedName> subject = peer_subject();
    if (!subject) return std::nullopt;
    for (const NameAttribute& attribute : *subject)
        if (attribute.key == "CN") return attribute.value;
    return std::nullopt;
}

}  // namespace mqscan::lab
