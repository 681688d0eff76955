#include "analysis/security_verdict.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "analysis/connack_codes.hpp"
#include "analysis/session_text.hpp"

namespace mqscan {
namespace {

constexpr std::size_t kVerdictTopics = 64;

bool listed(const std::vector<std::uint16_t>& ports, std::uint16_t port) {
    return std::find(ports.begin(), ports.end(), port) != ports.end();
}

bool accepted(const SessionReport& s) { return s.connack_code && *s.connack_code == 0; }

std::string credentials_text(const SessionReport& s) {
    if (s.username && s.password) return fmt::format("username '{}' and its password", *s.username);
    if (s.username) return fmt::format("username '{}'", *s.username);
    return "a password";
}

class SecurityJudge {
public:
    SecurityJudge(const AnalysisSettings& settings, ReportBuilder& report)
        : settings_(settings), report_(report), draft_(report.draft()), verdict_(draft_.verdict) {}

    void judge() {
        for (const SessionReport& s : draft_.sessions) {
            if (s.transport == Transport::Cleartext) cleartext(s);
            if (const TlsConnectionReport* tls = find_tls(draft_, s.connection)) protected_by(s, *tls);
        }
        verdict_.tls_versions.assign(versions_.begin(), versions_.end());
        verdict_.cleartext_topics.assign(topics_.begin(), topics_.end());
        verdict_.certificates_verified = chains_checked_ > 0 && chains_failed_ == 0;
        // One finding for the capture: in a lab every client of the cleartext part is anonymous.
        if (anonymous_.count() > 0)
            report_.finding(FindingId::AnonymousAccess, std::nullopt, first_anonymous_frame_,
                            [&] { return fmt::format("the broker accepted {} ({}) without username, password or "
                                        "certificate: anyone who reaches it can publish and subscribe",
                                        anonymous_.counted(), anonymous_.text()); });
        verdict_.summary = summary();
    }

private:
    void cleartext(const SessionReport& s) {
        verdict_.cleartext_mqtt = true;
        ++cleartext_sessions_;
        if (s.payload_bytes > 0) verdict_.cleartext_payloads = true;
        for (const std::string& topic : s.topics)
            if (topics_.size() < kVerdictTopics) topics_.insert(topic);
        const std::uint64_t frame = s.connect_seen ? s.connect_frame : 0;
        report_.finding(FindingId::CleartextMqtt, s.connection, optional_frame(frame), [&] { return exposed(s); });
        const std::uint16_t port = s.broker.port;
        if (listed(settings_.tls.ports, port) && !listed(settings_.mqtt.ports, port))
            report_.finding(FindingId::CleartextOnTlsPort, s.connection, optional_frame(frame),
                            [&] { return fmt::format("{}: MQTT was sent in clear to port {}, a TLS port: the client is "
                                        "not configured for TLS (e.g. mosquitto_pub without --cafile), "
                                        "so nothing it sent was protected",
                                        session_name(s), port); });
        if (!s.connect_seen) return;
        if (s.username || s.password) {
            verdict_.cleartext_credentials = true;
            report_.finding(FindingId::CredentialsInClear, s.connection, s.connect_frame,
                            [&] { return fmt::format("{}: the CONNECT at frame {} carries {} in clear; anyone on the "
                                        "path can reuse them. Use TLS (port 8883) to encrypt them",
                                        session_name(s), s.connect_frame, credentials_text(s)); });
        } else if (accepted(s)) {
            verdict_.anonymous_access = true;
            anonymous_.add(s.connection);
            if (first_anonymous_frame_ == 0) first_anonymous_frame_ = s.connack_frame;
        }
        if (s.connack_code && *s.connack_code != 0) refused(s);
    }

    void refused(const SessionReport& s) {
        const std::string_view meaning = connack_meaning(s.version, *s.connack_code);
        report_.finding(FindingId::ConnectionRefused, s.connection, s.connack_frame,
                        [&] { return fmt::format("{}: the broker refused the connection at frame {} with code {}{}",
                                    session_name(s), s.connack_frame, *s.connack_code,
                                    meaning.empty() ? "" : fmt::format(" ({})", meaning)); });
    }

    static std::optional<std::uint64_t> optional_frame(std::uint64_t frame) {
        return frame == 0 ? std::nullopt : std::optional<std::uint64_t>(frame);
    }

    static std::string exposed(const SessionReport& s) {
        std::string what = fmt::format("{}: MQTT {} in clear", session_name(s), mqtt::to_string(s.version));
        const std::uint64_t publishes = s.publishes_to_broker + s.publishes_to_client;
        if (publishes > 0)
            what += fmt::format("; {} PUBLISH on {}{} ({} payload bytes) readable by anyone on the path",
                                publishes, quoted_list(s.topics),
                                s.topics.size() == SessionReport::kTopicsListed ? " and more" : "",
                                s.payload_bytes);
        return what;
    }

    void protected_by(const SessionReport& s, const TlsConnectionReport& tls) {
        verdict_.tls = true;
        const std::uint16_t port = s.broker.port;
        if (listed(settings_.mqtt.ports, port) && !listed(settings_.tls.ports, port))
            report_.finding(FindingId::TlsOnMqttPort, s.connection, std::nullopt,
                            [&] { return fmt::format("{}: TLS was sent to port {}, the cleartext MQTT port: the "
                                        "broker's TLS listener is usually on 8883",
                                        session_name(s), port); });
        if (!tls.version.empty()) versions_.insert(tls.version);
        if (tls.certificates_visible && tls.server_certificate_count > 0) verdict_.certificates_visible = true;
        check_chains(s, tls);
        if (!tls.established) return failed(s, tls);
        verdict_.tls_established = true;
        const bool mutual = tls.client_cert_sent.value_or(false);
        if (mutual) verdict_.mutual_tls = true;
        if (!tls.certificates_visible) hidden_ = true;
        report_.finding(FindingId::TlsProtected, s.connection, std::nullopt, [&] { return protection(s, tls, mutual); });
        if (!tls.certificates_visible)
            report_.finding(FindingId::TlsCertificatesHidden, s.connection, std::nullopt,
                            [&] { return fmt::format("{}: {} encrypts the certificates, so they are not visible in "
                                        "the capture: whose they are and who signed them cannot be "
                                        "told (never guessed)",
                                        session_name(s), tls.version); });
        if (tls.version_code != 0 && tls.version_code < 0x0303)
            report_.finding(FindingId::TlsOldVersion, s.connection, std::nullopt,
                            [&] { return fmt::format("{}: {} was negotiated; versions before TLS 1.2 are "
                                        "deprecated (RFC 8996)",
                                        session_name(s), tls.version); });
    }

    static std::string protection(const SessionReport& s, const TlsConnectionReport& tls, bool mutual) {
        std::string text = fmt::format("{}: {}{} established", session_name(s), tls.version,
                                       tls.cipher.empty() ? "" : fmt::format(" ({})", tls.cipher));
        if (!tls.certificates_visible) return text + "; the certificates are encrypted";
        if (mutual) return text + ", mutual: the client sent a certificate";
        return text + ", server certificate only: the client did not authenticate with a certificate";
    }

    void check_chains(const SessionReport& s, const TlsConnectionReport& tls) {
        const auto check = [&](const std::optional<ChainVerification>& v, std::string_view whose) {
            if (!v) return;
            ++chains_checked_;
            if (v->ok) return;
            ++chains_failed_;
            report_.finding(FindingId::CertificateNotTrusted, s.connection, std::nullopt,
                            [&] { return fmt::format("{}: the {} certificate chain does not verify against the given "
                                        "CA: {}",
                                        session_name(s), whose, v->reason); });
        };
        check(tls.server_verification, "broker's");
        check(tls.client_verification, "client's");
    }

    void failed(const SessionReport& s, const TlsConnectionReport& tls) {
        const auto fatal = std::find_if(tls.alerts.begin(), tls.alerts.end(),
                                        [](const TlsAlert& a) { return a.level == 2 || a.inferred; });
        if (fatal == tls.alerts.end()) return;
        verdict_.failed_handshakes = true;
        ++failed_handshakes_;
        const std::string sender = fatal->dir == Direction::ToServer ? "the client" : "the broker";
        std::string alert = fatal->inferred ? std::string("a probable refusal")
                                            : fmt::format("alert {}", fatal->description_name);
        report_.finding(FindingId::TlsHandshakeFailed, s.connection, fatal->frame,
                        [&] { return fmt::format("{}: the TLS handshake failed: {} ended it with {} at frame {}{}{}",
                                    session_name(s), sender, alert, fatal->frame,
                                    fatal->explanation.empty() ? "" : ". ", fatal->explanation); });
    }

    // " (topics 'ciel', 'maison/salon/temperature')": the first few, for the summary.
    std::string topics_text() const {
        if (topics_.empty()) return "";
        constexpr std::size_t kNamed = 3;
        std::vector<std::string> named(topics_.begin(), std::next(topics_.begin(), static_cast<std::ptrdiff_t>(
                                                                         std::min(kNamed, topics_.size()))));
        return fmt::format(" (topic{} {}{})", topics_.size() == 1 ? "" : "s", quoted_list(named),
                           topics_.size() > kNamed ? ", ..." : "");
    }

    std::string summary() const {
        if (draft_.sessions.empty())
            return "No MQTT session was found: no MQTT in clear, and no TLS to an MQTT or TLS port.";
        std::string text;
        if (verdict_.cleartext_mqtt && !verdict_.tls_established) {
            text = fmt::format("NOT PROTECTED: MQTT crossed in clear on {} connection{}{}", cleartext_sessions_,
                               cleartext_sessions_ == 1 ? "" : "s", topics_text());
        } else if (verdict_.cleartext_mqtt) {
            text = fmt::format("PARTLY PROTECTED: MQTT crossed in clear on {} connection{}{}, and TLS "
                               "protected others",
                               cleartext_sessions_, cleartext_sessions_ == 1 ? "" : "s", topics_text());
        } else if (verdict_.tls_established) {
            text = fmt::format("PROTECTED: the MQTT connections used TLS ({})", fmt::join(versions_, ", "));
            if (verdict_.mutual_tls) text += " with client certificates (mutual TLS)";
            if (hidden_) text += "; TLS 1.3 hides the certificates";
        } else {
            text = "No MQTT was seen in clear, and no TLS handshake completed";
        }
        text += '.';
        if (verdict_.cleartext_credentials) text += " Usernames or passwords crossed in clear.";
        if (failed_handshakes_ > 0)
            text += fmt::format(" {} TLS handshake{} failed.", failed_handshakes_, failed_handshakes_ == 1 ? "" : "s");
        if (chains_failed_ > 0) text += " Some certificates do not verify against the given CA.";
        return text;
    }

    const AnalysisSettings& settings_;
    ReportBuilder& report_;
    CaptureReport& draft_;
    Verdict& verdict_;
    std::set<std::string> versions_;
    std::set<std::string> topics_;
    ConnectionList anonymous_;
    std::uint64_t first_anonymous_frame_ = 0;
    std::uint64_t cleartext_sessions_ = 0;
    std::uint64_t failed_handshakes_ = 0;
    std::uint64_t chains_checked_ = 0;
    std::uint64_t chains_failed_ = 0;
    bool hidden_ = false;
};

}  // namespace

void judge_security(const AnalysisSettings& settings, ReportBuilder& report) {
    SecurityJudge(settings, report).judge();
}

}  // namespace mqscan
