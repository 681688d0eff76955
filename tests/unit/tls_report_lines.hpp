#pragma once
// One line per fact of a TlsConnectionReport, so that whole reports compare
// as lists of strings (the unit tests and the fuzz target's chunking law).

#include <string>
#include <vector>

#include <fmt/format.h>

#include "mqscan/tls.hpp"
#include "tls/names.hpp"

namespace mqscan::test::tls {

inline std::string hello_line(const TlsHelloSummary& h) {
    const auto names = [](const auto& values, auto name) {
        std::vector<std::string> out;
        for (const auto v : values) out.push_back(name(v));
        return fmt::format("{}", fmt::join(out, ","));
    };
    const auto number = [](auto v) { return std::to_string(v); };
    return fmt::format(
        "version=0x{:04x} random={} session_id={} suites={} compression={} extensions={} versions={} "
        "groups={} sigalgs={} key_shares={} alpn={} sni={} point_formats={} psk_modes={} psk_identities={} "
        "psk_selected={} early_data={} status_request={} record_size_limit={} sslv2={}",
        h.legacy_version, h.random, h.session_id, names(h.cipher_suites, mqscan::tls::cipher_suite_name),
        names(h.compression_methods, number), names(h.extensions, mqscan::tls::extension_name),
        names(h.supported_versions, mqscan::tls::version_name),
        names(h.supported_groups, mqscan::tls::group_name),
        names(h.signature_algorithms, mqscan::tls::signature_scheme_name),
        names(h.key_share_groups, mqscan::tls::group_name), fmt::join(h.alpn, ","), h.sni,
        names(h.ec_point_formats, number), names(h.psk_key_exchange_modes, mqscan::tls::psk_mode_name),
        h.psk_identities, h.psk_selected_identity ? std::to_string(*h.psk_selected_identity) : "-",
        h.early_data, h.status_request, h.record_size_limit ? std::to_string(*h.record_size_limit) : "-",
        h.sslv2_format);
}

inline std::string certificate_line(const CertificateEntry& e) {
    if (!e.summary) return fmt::format("der={} error={}", e.der_length, e.error);
    std::string subject;
    for (const NameAttribute& a : e.summary->subject) subject += a.key + "=" + a.value + "/";
    return fmt::format("der={} subject={} san={}", e.der_length, subject, e.summary->san.size());
}

inline std::vector<std::string> report_lines(const TlsConnectionReport& r) {
    std::vector<std::string> out;
    out.push_back(fmt::format("version={} (0x{:04x}) cipher={} (0x{:04x}) sni={} alpn={}", r.version,
                              r.version_code, r.cipher, r.cipher_code, r.sni, r.alpn));
    if (r.client_hello) out.push_back("client_hello " + hello_line(*r.client_hello));
    if (r.server_hello) out.push_back("server_hello " + hello_line(*r.server_hello));
    for (const TlsHandshakeStep& s : r.handshake)
        out.push_back(
            fmt::format("step frame={} {} {} length={}", s.frame, to_string(s.dir), s.type, s.length));
    out.push_back(fmt::format(
        "requested={} sent={} established={} failed_at={} visible={} certificates_visible={} hrr={} "
        "server_certs={} client_certs={} unlisted={}/{}",
        r.client_cert_requested, r.client_cert_sent ? (*r.client_cert_sent ? "yes" : "no") : "unknown",
        r.established, r.failed_at, r.handshake_visible, r.certificates_visible, r.hello_retry_request,
        r.server_certificate_count, r.client_certificate_count, r.handshake_unlisted, r.alerts_unlisted));
    for (const CertificateEntry& e : r.server_certificates)
        out.push_back("server_cert " + certificate_line(e));
    for (const CertificateEntry& e : r.client_certificates)
        out.push_back("client_cert " + certificate_line(e));
    for (const TlsAlert& a : r.alerts)
        out.push_back(fmt::format("alert frame={} {} encrypted={} {} {} ({}/{}) {}", a.frame,
                                  to_string(a.dir), a.encrypted, a.level_name, a.description_name, a.level,
                                  a.description, a.explanation));
    for (const Direction dir : {Direction::ToServer, Direction::ToClient}) {
        const TlsRecordCounts& c = r.records[static_cast<std::size_t>(dir)];
        out.push_back(
            fmt::format("records {} ccs={} alert={} handshake={} encrypted_handshake={} "
                        "application_data={} ({} bytes) heartbeat={} other={} gaps={} unread={} lost={}",
                        to_string(dir), c.change_cipher_spec, c.alert, c.handshake, c.encrypted_handshake,
                        c.application_data, c.application_data_bytes, c.heartbeat, c.other, c.gaps,
                        c.unread_bytes, c.stream_lost));
    }
    out.push_back(fmt::format("ja3={} {} ja3s={} {} ja4={} {}", r.ja3, r.ja3_full, r.ja3s, r.ja3s_full, r.ja4,
                              r.ja4_r));
    return out;
}

}  // namespace mqscan::test::tls
