#include "report/json_tls.hpp"

#include <algorithm>

#include "report/time_format.hpp"
#include "tls/names.hpp"

namespace mqscan {
namespace {

void write_name(JsonWriter& json, std::string_view key, const DistinguishedName& name) {
    // An object keyed by attribute; a repeated attribute (two OU) becomes an array.
    json.key(key).begin_object();
    for (std::size_t i = 0; i < name.size(); ++i) {
        bool seen_before = false;
        for (std::size_t j = 0; j < i; ++j) seen_before |= name[j].key == name[i].key;
        if (seen_before) continue;
        std::vector<const std::string*> values;
        for (std::size_t j = i; j < name.size(); ++j)
            if (name[j].key == name[i].key) values.push_back(&name[j].value);
        if (values.size() == 1) {
            json.field(name[i].key, *values.front());
        } else {
            json.key(name[i].key).begin_array();
            for (const std::string* v : values) json.value(*v);
            json.end_array();
        }
    }
    json.end_object();
}

void write_verification(JsonWriter& json, std::string_view key, const ChainVerification& v) {
    json.key(key).begin_object();
    json.field("ok", v.ok);
    json.field("result", v.result);
    json.field("reason", v.reason);
    json.end_object();
}

void write_certificate(JsonWriter& json, const CertificateEntry& entry) {
    json.begin_object();
    json.field("der_length", static_cast<std::uint64_t>(entry.der_length));
    if (!entry.summary) {
        json.field("error", entry.error);
        json.end_object();
        return;
    }
    const CertificateSummary& c = *entry.summary;
    write_name(json, "subject", c.subject);
    write_name(json, "issuer", c.issuer);
    json.field("serial", c.serial);
    json.field("not_before", iso_utc_seconds(c.not_before));
    json.field("not_after", iso_utc_seconds(c.not_after));
    json.field("signature_algorithm", c.signature_algorithm);
    json.field("key", c.key);
    json.key("san").begin_array();
    for (const std::string& name : c.san) json.value(name);
    json.end_array();
    json.field("is_ca", c.is_ca);
    json.field("self_signed", c.self_signed);
    json.field("san_unlisted", static_cast<std::uint64_t>(c.san_total - std::min(c.san_total, c.san.size())));
    json.field("sha256", c.sha256);
    json.end_object();
}

void write_chain(JsonWriter& json, std::string_view key, const std::vector<CertificateEntry>& chain,
                 std::uint64_t count, const std::optional<ChainVerification>& verification) {
    json.key(key).begin_array();
    for (const CertificateEntry& entry : chain) write_certificate(json, entry);
    json.end_array();
    json.field(std::string(key) + "_unlisted", count - std::min<std::uint64_t>(count, chain.size()));
    if (verification) write_verification(json, std::string(key) + "_verification", *verification);
}

void write_records(JsonWriter& json, std::string_view key, const TlsRecordCounts& r) {
    json.key(key).begin_object();
    json.field("handshake", r.handshake);
    json.field("encrypted_handshake", r.encrypted_handshake);
    json.field("change_cipher_spec", r.change_cipher_spec);
    json.field("alert", r.alert);
    json.field("application_data", r.application_data);
    json.field("application_data_bytes", r.application_data_bytes);
    json.field("heartbeat", r.heartbeat);
    json.field("other", r.other);
    json.field("gaps", r.gaps);
    json.field("unread_bytes", r.unread_bytes);
    json.field("stream_lost", r.stream_lost);
    json.end_object();
}

}  // namespace

void write_tls_alert_members(JsonWriter& json, const TlsAlert& alert) {
    json.field("frame", alert.frame);
    json.field("dir", to_string(alert.dir));
    json.field("encrypted", alert.encrypted);
    if (alert.inferred) json.field("inferred", true);
    if (!alert.encrypted) {
        json.field("level", alert.level_name);
        json.field("description", alert.description_name);
    }
    if (!alert.explanation.empty()) json.field("explanation", alert.explanation);
}

namespace {

void write_alert(JsonWriter& json, const TlsAlert& alert) {
    json.begin_object();
    write_tls_alert_members(json, alert);
    json.end_object();
}

// Values by name, in order (GREASE values are named "GREASE (0x..)").
template <typename Value, typename Name>
void write_names(JsonWriter& json, std::string_view key, const std::vector<Value>& values, Name name) {
    json.key(key).begin_array();
    for (const Value v : values) json.value(name(v));
    json.end_array();
}

void write_hello(JsonWriter& json, std::string_view key, const TlsHelloSummary& h) {
    using namespace tls;
    json.key(key).begin_object();
    json.field("legacy_version", version_name(h.legacy_version));
    json.field("random", h.random);
    json.field("session_id", h.session_id);
    write_names(json, "cipher_suites", h.cipher_suites, cipher_suite_name);
    write_names(json, "compression_methods", h.compression_methods,
                [](std::uint8_t m) { return static_cast<std::uint64_t>(m); });
    write_names(json, "extensions", h.extensions, extension_name);
    write_names(json, "supported_versions", h.supported_versions, version_name);
    write_names(json, "supported_groups", h.supported_groups, group_name);
    write_names(json, "signature_algorithms", h.signature_algorithms, signature_scheme_name);
    write_names(json, "key_share_groups", h.key_share_groups, group_name);
    write_names(json, "psk_key_exchange_modes", h.psk_key_exchange_modes, psk_mode_name);
    json.key("alpn").begin_array();
    for (const std::string& protocol : h.alpn) json.value(protocol);
    json.end_array();
    json.text_field("sni", h.sni);
    json.field("early_data", h.early_data);
    json.field("status_request", h.status_request);
    if (h.record_size_limit) json.field("record_size_limit", static_cast<std::uint64_t>(*h.record_size_limit));
    if (h.sslv2_format) json.field("sslv2_format", true);
    json.end_object();
}

}  // namespace

void write_tls_json(JsonWriter& json, const TlsConnectionReport& tls) {
    json.begin_object();
    json.text_field("version", tls.version);
    json.text_field("cipher", tls.cipher);
    json.key("cipher_code");
    if (tls.cipher.empty()) {
        json.null();
    } else {
        json.value(static_cast<std::uint64_t>(tls.cipher_code));
    }
    json.text_field("sni", tls.sni);
    json.text_field("alpn", tls.alpn);
    json.key("handshake").begin_array();
    for (const TlsHandshakeStep& step : tls.handshake)
        json.value(std::string(to_string(step.dir)) + ":" + step.type);
    json.end_array();
    json.field("handshake_unlisted", tls.handshake_unlisted);
    json.field("client_cert_requested", tls.client_cert_requested);
    json.optional_field("client_cert_sent", tls.client_cert_sent);
    json.field("handshake_visible", tls.handshake_visible);
    json.field("established", tls.established);
    json.text_field("failed_at", tls.failed_at);
    json.field("certificates_visible", tls.certificates_visible);
    write_chain(json, "server_certificates", tls.server_certificates, tls.server_certificate_count,
                tls.server_verification);
    write_chain(json, "client_certificates", tls.client_certificates, tls.client_certificate_count,
                tls.client_verification);
    json.key("alerts").begin_array();
    for (const TlsAlert& alert : tls.alerts) write_alert(json, alert);
    json.end_array();
    json.field("alerts_unlisted", tls.alerts_unlisted);
    json.key("records").begin_object();
    write_records(json, "to_server", tls.records[static_cast<int>(Direction::ToServer)]);
    write_records(json, "to_client", tls.records[static_cast<int>(Direction::ToClient)]);
    json.end_object();
    json.key("application_data").begin_object();
    for (const Direction dir : {Direction::ToServer, Direction::ToClient}) {
        const TlsRecordCounts& r = tls.records[static_cast<int>(dir)];
        json.key(to_string(dir)).begin_object();
        json.field("records", r.application_data);
        json.field("bytes", r.application_data_bytes);
        json.end_object();
    }
    json.end_object();
    if (tls.client_hello) write_hello(json, "client_hello", *tls.client_hello);
    if (tls.server_hello) write_hello(json, "server_hello", *tls.server_hello);
    if (tls.hello_retry_request) json.field("hello_retry_request", true);
    json.text_field("ja3", tls.ja3);
    json.text_field("ja3s", tls.ja3s);
    json.text_field("ja4", tls.ja4);
    json.end_object();
}

}  // namespace mqscan
