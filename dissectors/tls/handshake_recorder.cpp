#include "tls/handshake_recorder.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "tls/alert_explanations.hpp"
#include "tls/certificate_list.hpp"
#include "tls/fingerprints.hpp"
#include "tls/hello_parser.hpp"
#include "tls/names.hpp"
#include "x509/certificate_summary.hpp"

namespace mqscan::tls {
namespace {

// HandshakeType values read here (RFC 8446 §4, RFC 5246 §7.4).
constexpr std::uint8_t kClientHello = 1;
constexpr std::uint8_t kServerHello = 2;
constexpr std::uint8_t kCertificate = 11;
constexpr std::uint8_t kCertificateRequest = 13;

constexpr std::uint8_t kFatal = 2;  // RFC 5246 §7.2 AlertLevel

}  // namespace

void HandshakeRecorder::add_step(Direction dir, std::string type, std::size_t length, FrameRef at) {
    record_step(dir, std::move(type), length, at);
    announce_step();
}

void HandshakeRecorder::record_step(Direction dir, std::string type, std::size_t length, FrameRef at) {
    last_step_ = type;
    TlsHandshakeStep step{at.number, dir, std::move(type), static_cast<std::uint32_t>(length)};
    if (events_ != nullptr) unannounced_ = Unannounced{step, at};
    if (report_.handshake.size() >= settings_.max_records_listed) {
        ++report_.handshake_unlisted;
        return;
    }
    report_.handshake.push_back(std::move(step));
}

void HandshakeRecorder::announce_step() {
    if (!unannounced_) return;
    events_->on_tls_step(TlsStepEvent{connection_, unannounced_->at, unannounced_->step, report_});
    unannounced_.reset();
}

void HandshakeRecorder::report_issues(const std::vector<ParseIssue>& issues, std::string_view message,
                                      FrameRef at) {
    for (const ParseIssue& issue : issues) flag(issue.id, at, fmt::format("{}: {}", message, issue.detail));
}

// The step is announced once the message is read, with what it showed.
void HandshakeRecorder::on_message(Direction dir, std::uint8_t type, Bytes body, FrameRef at) {
    switch (type) {
        case kClientHello: on_client_hello(dir, body, at); break;
        case kServerHello: on_server_hello(dir, body, at); break;
        case kCertificate: on_certificate(dir, body, at); break;
        case kCertificateRequest:
            report_.client_cert_requested = true;
            record_step(dir, handshake_type_name(type), body.size(), at);
            break;
        default:
            if (!is_known_handshake_type(type))
                flag(AnomalyId::TlsHandshakeTypeUnknown, at,
                     fmt::format("type {} from the {}", type, sender_name(dir)));
            record_step(dir, handshake_type_name(type), body.size(), at);
            break;
    }
    announce_step();
}

void HandshakeRecorder::on_oversized_message(Direction dir, std::uint8_t type, std::uint32_t length,
                                             FrameRef at) {
    flag(AnomalyId::TlsHandshakeTooLong, at,
         fmt::format("{} of {} bytes from the {}, limit {}", handshake_type_name(type), length,
                     sender_name(dir), settings_.max_handshake_message));
    add_step(dir, handshake_type_name(type), length, at);
}

void HandshakeRecorder::on_client_hello(Direction dir, Bytes body, FrameRef at) {
    record_step(dir, "client_hello", body.size(), at);
    HelloResult parsed = parse_client_hello(body);
    if (!parsed) return flag(AnomalyId::TlsHandshakeMalformed, at, parsed.error());
    report_issues(parsed->issues, "client_hello", at);
    record_client_hello(std::move(parsed->hello));
}

void HandshakeRecorder::on_sslv2_hello(Bytes message, FrameRef at) {
    flag(AnomalyId::TlsSslv2Hello, at, {});
    record_step(Direction::ToServer, "client_hello", message.size(), at);
    HelloResult parsed = parse_sslv2_client_hello(message);
    if (!parsed) {
        flag(AnomalyId::TlsHandshakeMalformed, at, parsed.error());
    } else {
        record_client_hello(std::move(parsed->hello));
    }
    announce_step();
}

// The first ClientHello is the connection's; a second one answers a HelloRetryRequest.
void HandshakeRecorder::record_client_hello(TlsHelloSummary hello) {
    report_.handshake_visible = true;
    phase_.client_hello(
        std::any_of(hello.supported_versions.begin(), hello.supported_versions.end(), is_tls13));
    if (report_.client_hello) return;
    // The fingerprints are defined on the TLS ClientHello only.
    if (!hello.sslv2_format) {
        const Fingerprint ja3_print = ja3(hello);
        const Fingerprint ja4_print = ja4(hello);
        report_.ja3_full = ja3_print.text;
        report_.ja3 = ja3_print.hash;
        report_.ja4_r = ja4_print.text;
        report_.ja4 = ja4_print.hash;
    }
    report_.sni = hello.sni;
    report_.client_hello = std::move(hello);
}

void HandshakeRecorder::on_server_hello(Direction dir, Bytes body, FrameRef at) {
    HelloResult parsed = parse_server_hello(body);
    const bool retry = parsed && parsed->retry_request;
    record_step(dir, retry ? "hello_retry_request" : "server_hello", body.size(), at);
    if (!parsed) return flag(AnomalyId::TlsHandshakeMalformed, at, parsed.error());
    report_issues(parsed->issues, retry ? "hello_retry_request" : "server_hello", at);
    report_.handshake_visible = true;
    if (retry) {
        report_.hello_retry_request = true;
        phase_.retry_requested();
        return;
    }
    record_server_hello(std::move(parsed->hello));
}

// RFC 8446 §4.2.1: under TLS 1.3 the version is in supported_versions, and
// legacy_version says TLS 1.2.
void HandshakeRecorder::record_server_hello(TlsHelloSummary hello) {
    const std::uint16_t version =
        hello.supported_versions.empty() ? hello.legacy_version : hello.supported_versions.front();
    phase_.server_hello(version);
    report_.version = version_name(version);
    report_.version_code = version;
    report_.cipher_code = hello.cipher_suites.front();
    report_.cipher = cipher_suite_name(report_.cipher_code);
    report_.alpn = hello.alpn.empty() ? std::string() : hello.alpn.front();
    // RFC 8446 §4.4.2: TLS 1.3 sends the certificates encrypted.
    if (is_tls13(version)) report_.certificates_visible = false;
    const Fingerprint ja3s_print = ja3s(hello);
    report_.ja3s_full = ja3s_print.text;
    report_.ja3s = ja3s_print.hash;
    report_.server_hello = std::move(hello);
}

void HandshakeRecorder::on_certificate(Direction dir, Bytes body, FrameRef at) {
    record_step(dir, "certificate", body.size(), at);
    const auto list = parse_certificate_list(body, settings_.max_certificates);
    if (!list) return flag(AnomalyId::TlsHandshakeMalformed, at, list.error());
    if (list->entry_overruns)
        flag(AnomalyId::TlsCertificateLengthMismatch, at,
             fmt::format("from the {}, after {} certificates", sender_name(dir), list->count));
    const bool from_server = dir == Direction::ToClient;
    auto& kept = from_server ? report_.server_certificates : report_.client_certificates;
    auto& count = from_server ? report_.server_certificate_count : report_.client_certificate_count;
    for (const Bytes der : list->kept) {
        if (kept.size() >= settings_.max_certificates) break;
        kept.push_back(x509::certificate_entry(der));
    }
    count += list->count;
    if (trust_ != nullptr) {
        // At the capture's time, as `openssl verify -attime` would judge it then.
        auto& verdict = from_server ? report_.server_verification : report_.client_verification;
        verdict = trust_->verify(list->kept, at.time.ns / 1'000'000'000);
    }
    if (!from_server) {
        // RFC 5246 §7.4.6: a client without a certificate sends an empty list.
        report_.client_cert_sent = list->count > 0;
        empty_client_certificate_ = list->count == 0;
    }
}

void HandshakeRecorder::on_change_cipher_spec(Direction dir, std::uint16_t length, FrameRef at) {
    add_step(dir, "change_cipher_spec", length, at);
    // RFC 5246 §7.4.6: the client's Certificate comes before its
    // ChangeCipherSpec, so without one by now it sent none.
    if (dir == Direction::ToServer && phase_.encrypted(dir) && !phase_.tls13() && !report_.client_cert_sent)
        report_.client_cert_sent = false;
}

void HandshakeRecorder::on_probable_refusal(FrameRef at) {
    TlsAlert alert{at.number, Direction::ToClient, true, true, 0, 0, {}, {}, {}};
    alert.explanation =
        "probably the server refusing the client: right after the client's Finished it sent one "
        "encrypted record of 19 bytes, the size of an alert (TLS 1.3 encrypts alerts); a broker "
        "does this when the client sent no certificate, or one it does not trust";
    if (report_.failed_at.empty()) report_.failed_at = last_step_.empty() ? "none" : last_step_;
    add_alert(alert, at);
}

void HandshakeRecorder::add_alert(const TlsAlert& alert, FrameRef at) {
    if (events_ != nullptr) events_->on_tls_alert(TlsAlertEvent{connection_, at, alert});
    if (alert.level == kFatal) {
        flag(AnomalyId::TlsAlertFatal, at,
             fmt::format("{} from the {}{}{}", alert.description_name, sender_name(alert.dir),
                         alert.explanation.empty() ? "" : ": ", alert.explanation));
        if (!phase_.established() && report_.failed_at.empty())
            report_.failed_at = last_step_.empty() ? "none" : last_step_;
    }
    if (report_.alerts.size() >= settings_.max_records_listed) {
        ++report_.alerts_unlisted;
        return;
    }
    report_.alerts.push_back(alert);
}

// RFC 8446 §6: an alert is a level and a description; RFC 8446 §5.1 forbids
// fragmenting or coalescing them, older versions only the former.
void HandshakeRecorder::on_alert_record(Direction dir, Bytes fragment, bool encrypted, FrameRef at) {
    if (encrypted) return add_alert(TlsAlert{at.number, dir, true, false, 0, 0, {}, {}, {}}, at);
    if (fragment.empty() || fragment.size() % 2 != 0)
        flag(AnomalyId::TlsAlertMalformed, at,
             fmt::format("{} bytes from the {}", fragment.size(), sender_name(dir)));
    ByteReader in(fragment);
    while (in.remaining() >= 2) {
        TlsAlert alert{at.number, dir, false, false, *in.u8(), *in.u8(), {}, {}, {}};
        alert.level_name = alert_level_name(alert.level);
        alert.description_name = alert_description_name(alert.description);
        alert.explanation = explain_alert(alert.description, dir, empty_client_certificate_);
        add_alert(alert, at);
    }
}

}  // namespace mqscan::tls
