#include "report/text_tls.hpp"

#include <fmt/format.h>

#include "report/time_format.hpp"

namespace mqscan {
namespace {

std::string certificate_text(const CertificateEntry& entry) {
    if (!entry.summary) return fmt::format("unreadable certificate ({})", entry.error);
    const CertificateSummary& c = *entry.summary;
    return fmt::format("{}, issued by {}{}, valid {} to {}, {}",
                       distinguished_name_text(c.subject), distinguished_name_text(c.issuer),
                       c.self_signed ? " (self-signed)" : "", iso_utc_seconds(c.not_before),
                       iso_utc_seconds(c.not_after), c.key);
}

std::string verification_text(const std::optional<ChainVerification>& v) {
    if (!v) return "";
    if (v->ok) return "; it chains to the given CA";
    return fmt::format("; it does NOT chain to the given CA: {} ({})", v->result, v->reason);
}

void chain_lines(std::vector<std::string>& lines, const char* whose,
                 const std::vector<CertificateEntry>& chain,
                 const std::optional<ChainVerification>& verification) {
    if (chain.empty()) return;
    lines.push_back(fmt::format("{} certificate: {}{}", whose, certificate_text(chain.front()),
                                verification_text(verification)));
    for (std::size_t i = 1; i < chain.size(); ++i)
        lines.push_back(fmt::format("  then: {}", certificate_text(chain[i])));
}

std::string authentication(const TlsConnectionReport& tls) {
    if (!tls.certificates_visible)
        return "the certificates are encrypted on the wire (TLS 1.3): neither the server's nor the "
               "client's can be seen without the session keys";
    if (!tls.client_cert_requested)
        return "server authentication only: the server did not ask for a client certificate";
    if (tls.client_cert_sent == std::optional<bool>(true)) {
        std::string who = "a certificate";
        if (!tls.client_certificates.empty() && tls.client_certificates.front().summary)
            who = distinguished_name_text(tls.client_certificates.front().summary->subject);
        return fmt::format("mutual authentication: the server asked for a client certificate and "
                           "the client sent {}", who);
    }
    if (tls.client_cert_sent == std::optional<bool>(false))
        return "the server asked for a client certificate and the client sent none";
    return "the server asked for a client certificate; whether the client sent one is not visible";
}

std::string outcome(const TlsConnectionReport& tls) {
    std::string fatal;
    for (const TlsAlert& a : tls.alerts) {
        if (a.inferred) {
            fatal = fmt::format("frame {}: {}", a.frame, a.explanation);
            break;
        }
        if (a.encrypted || a.level != 2) continue;
        fatal = fmt::format("fatal alert {} from the {} (frame {}){}", a.description_name,
                            a.dir == Direction::ToServer ? "client" : "server", a.frame,
                            a.explanation.empty() ? "" : ": " + a.explanation);
        break;
    }
    if (tls.established) return "handshake complete";
    if (!tls.failed_at.empty())
        return fmt::format("handshake FAILED after {}{}", tls.failed_at,
                           fatal.empty() ? "" : "; " + fatal);
    if (!fatal.empty()) return "handshake ended by a " + fatal;
    if (tls.handshake.empty()) return "handshake not captured";
    return "handshake not finished when the capture ended";
}

std::string application_data(const TlsConnectionReport& tls) {
    const TlsRecordCounts& up = tls.records[static_cast<int>(Direction::ToServer)];
    const TlsRecordCounts& down = tls.records[static_cast<int>(Direction::ToClient)];
    const std::uint64_t records = up.application_data + down.application_data;
    if (records == 0) return "no application data";
    return fmt::format("{} record{} of encrypted data ({} to the server, {} B; {} to the client, "
                       "{} B), none readable",
                       records, records == 1 ? "" : "s", up.application_data, up.application_data_bytes,
                       down.application_data, down.application_data_bytes);
}

}  // namespace

std::string distinguished_name_text(const DistinguishedName& name) {
    std::string out;
    for (const NameAttribute& a : name)
        out += fmt::format("{}{}={}", out.empty() ? "" : ", ", a.key, a.value);
    return out.empty() ? "(empty name)" : out;
}

std::vector<std::string> tls_text_lines(const TlsConnectionReport& tls) {
    std::vector<std::string> lines;
    std::string first = tls.version.empty() ? "TLS (version not seen)" : tls.version;
    if (!tls.cipher.empty()) first += ", " + tls.cipher;
    if (!tls.sni.empty()) first += ", server name " + tls.sni;
    if (!tls.alpn.empty()) first += ", ALPN " + tls.alpn;
    lines.push_back(first + ": " + outcome(tls));
    lines.push_back(authentication(tls));
    chain_lines(lines, "Server", tls.server_certificates, tls.server_verification);
    chain_lines(lines, "Client", tls.client_certificates, tls.client_verification);
    lines.push_back(application_data(tls));
    return lines;
}

}  // namespace mqscan
