#include "tls_view.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "stream_digest.hpp"

std::string name_text(const std::vector<NameAttribute>& name) {
    std::vector<std::string> keys;  // in order of first appearance
    for (const NameAttribute& attribute : name)
        if (std::ranges::find(keys, attribute.key) == keys.end()) keys.push_back(attribute.key);
    std::string text;
    for (const std::string& key : keys)
        for (const NameAttribute& attribute : name)
            if (attribute.key == key)
                text += fmt::format("{}{}={}", text.empty() ? "" : ", ", key, attribute.value);
    return text;
}

namespace {

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
    std::string text;
    for (const std::string& item : items) {
        if (!text.empty()) text += separator;
        text += item;
    }
    return text;
}

std::string or_none(const std::string& text) { return text.empty() ? "none" : text; }

// RFC 8446 §4.2.1 and its drafts (0x7fXX), as both tools name them.
bool is_tls13(const std::string& version) { return version.starts_with("TLS 1.3"); }

void add_certificate(TlsFacts& facts, const std::string& prefix, const TlsCertificate& c) {
    facts[prefix + "der_length"] = std::to_string(c.der_length);
    facts[prefix + "sha256"] = c.sha256;
    facts[prefix + "subject"] = c.subject;
    facts[prefix + "issuer"] = c.issuer;
    facts[prefix + "serial"] = c.serial;
    facts[prefix + "not_before"] = c.not_before;
    facts[prefix + "not_after"] = c.not_after;
    facts[prefix + "signature_algorithm"] = c.signature_algorithm;
    facts[prefix + "key"] = c.key;
    facts[prefix + "san"] = joined(c.san, " ");
    facts[prefix + "is_ca"] = c.is_ca ? "true" : "false";
}

void add_records(TlsFacts& facts, const std::string& prefix, const TlsRecordCounts& r, bool tls13) {
    facts[prefix + "handshake"] = std::to_string(r.handshake);
    facts[prefix + "change_cipher_spec"] = std::to_string(r.change_cipher_spec);
    facts[prefix + "alert"] = std::to_string(r.alert);
    facts[prefix + "heartbeat"] = std::to_string(r.heartbeat);
    facts[prefix + "other"] = std::to_string(r.other);
    if (tls13) {
        // Without keys tshark cannot tell encrypted handshake from application data.
        facts[prefix + "application_data (outer type)"] =
            std::to_string(r.application_data + r.encrypted_handshake);
        return;
    }
    facts[prefix + "encrypted_handshake"] = std::to_string(r.encrypted_handshake);
    facts[prefix + "application_data"] = std::to_string(r.application_data);
    facts[prefix + "application_data_bytes"] = std::to_string(r.application_data_bytes);
}

void add_sender(TlsFacts& facts, std::uint16_t port, const TlsSender& sender, bool tls13) {
    const std::string prefix = fmt::format("from {}: ", port);
    std::vector<std::string> handshake = sender.handshake;
    // Under TLS 1.3 the encrypted handshake records are compared as records (above).
    if (tls13) std::erase(handshake, std::string("encrypted_handshake"));
    facts[prefix + "handshake"] = joined(handshake, " ");
    add_records(facts, prefix + "records.", sender.records, tls13);
    facts[prefix + "alerts"] = joined(sender.alerts, ", ");
    facts[prefix + "certificates"] = std::to_string(sender.certificates.size());
    for (std::size_t i = 0; i < sender.certificates.size(); ++i)
        add_certificate(facts, fmt::format("{}certificate[{}].", prefix, i),
                        sender.certificates[i]);
}

}  // namespace

TlsFacts facts_of(const TlsConnection& connection) {
    TlsFacts facts{
        {"version", or_none(connection.version)},
        {"cipher", or_none(connection.cipher)},
        {"sni", or_none(connection.sni)},
        {"alpn", or_none(connection.alpn)},
        {"ja3", or_none(connection.ja3)},
        {"ja3s", or_none(connection.ja3s)},
        {"client_cert_requested", connection.client_cert_requested ? "true" : "false"},
    };
    const bool tls13 = is_tls13(connection.version);
    for (const auto& [port, sender] : connection.senders) add_sender(facts, port, sender, tls13);
    return facts;
}

std::ostream& operator<<(std::ostream& out, const FactDifference& difference) {
    return out << "tcp.stream " << difference.stream << " " << difference.fact
               << "\n  mqscan: " << difference.mqscan << "\n  tshark: " << difference.tshark
               << '\n';
}

namespace {

TlsFacts facts_of_stream(const TlsConnections& connections, std::uint64_t stream) {
    const auto found = connections.find(stream);
    return found == connections.end() ? TlsFacts{} : facts_of(found->second);
}

const std::string& fact_or_none(const TlsFacts& facts, const std::string& name) {
    static const std::string kNone = "none";
    const auto found = facts.find(name);
    return found == facts.end() ? kNone : found->second;
}

std::set<std::uint64_t> streams_of(const TlsConnections& mqscan, const TlsConnections& tshark) {
    std::set<std::uint64_t> streams;
    for (const TlsConnections* side : {&mqscan, &tshark})
        for (const auto& [stream, connection] : *side) streams.insert(stream);
    return streams;
}

}  // namespace

std::vector<FactDifference> differences(const TlsConnections& mqscan,
                                        const TlsConnections& tshark) {
    std::vector<FactDifference> found;
    for (const std::uint64_t stream : streams_of(mqscan, tshark)) {
        const TlsFacts ours = facts_of_stream(mqscan, stream);
        const TlsFacts theirs = facts_of_stream(tshark, stream);
        std::set<std::string> names;
        for (const TlsFacts* side : {&ours, &theirs})
            for (const auto& [name, value] : *side) names.insert(name);
        for (const std::string& name : names) {
            const std::string& our = fact_or_none(ours, name);
            const std::string& their = fact_or_none(theirs, name);
            // Only long lists are cut: a documented difference still pins every byte.
            constexpr std::size_t kShown = 200;
            if (our != their)
                found.push_back({stream, name, shortened(our, kShown), shortened(their, kShown)});
        }
    }
    return found;
}

std::size_t fact_count(const TlsConnections& mqscan, const TlsConnections& tshark) {
    std::size_t count = 0;
    for (const std::uint64_t stream : streams_of(mqscan, tshark)) {
        TlsFacts facts = facts_of_stream(mqscan, stream);
        facts.merge(facts_of_stream(tshark, stream));
        count += facts.size();
    }
    return count;
}
