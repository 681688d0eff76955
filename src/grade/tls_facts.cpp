#include <algorithm>
#include <charconv>
#include <fmt/format.h>

#include "grade/fact_groups.hpp"
#include "mqscan/capture_report.hpp"

namespace mqscan::grade {
namespace {

const std::vector<TlsConnectionReport>& tls_of(const FactSource& s) { return s.report.tls; }

template <typename Keep>
std::uint64_t count_tls(const FactSource& s, Keep keep) {
    return static_cast<std::uint64_t>(std::count_if(tls_of(s).begin(), tls_of(s).end(), keep));
}

FactValue connections(const FactSource& s, std::string_view) {
    return count_fact(tls_of(s).size(), "no TLS connection in the capture");
}

FactValue established(const FactSource& s, std::string_view) {
    return count_fact(count_tls(s, [](const TlsConnectionReport& t) { return t.established; }),
                      tls_of(s).empty() ? "no TLS connection in the capture" : "no TLS handshake completed");
}

FactValue failed(const FactSource& s, std::string_view) {
    const std::uint64_t count = count_tls(s, [](const TlsConnectionReport& t) { return !t.failed_at.empty(); });
    FactValue v = count_fact(count, "");
    for (const TlsConnectionReport& t : tls_of(s))
        if (!t.failed_at.empty() && !t.alerts.empty()) {
            v.detail = fmt::format("connection #{}: alert {} after {}", t.connection, t.alerts.front().description_name,
                                   t.failed_at);
            break;
        }
    return v;
}

// "TLS 1.2" -> "1.2", as a rubric writes it.
std::string_view version_number(std::string_view version) {
    constexpr std::string_view kPrefix = "TLS ";
    return version.substr(0, kPrefix.size()) == kPrefix ? version.substr(kPrefix.size()) : version;
}

// The highest version a connection negotiated.
FactValue version(const FactSource& s, std::string_view) {
    if (tls_of(s).empty()) return {std::string(), true, "no TLS connection in the capture"};
    const TlsConnectionReport* best = nullptr;
    for (const TlsConnectionReport& t : tls_of(s))
        if (!t.version.empty() && (best == nullptr || t.version_code > best->version_code)) best = &t;
    if (best == nullptr) return FactValue::unknown("no ServerHello was captured: the version is not known");
    return {std::string(version_number(best->version)), true,
            fmt::format("{} negotiated on connection #{}", best->version, best->connection)};
}

FactValue to_port(const FactSource& s, std::string_view argument) {
    std::uint16_t port = 0;
    const auto [end, error] = std::from_chars(argument.data(), argument.data() + argument.size(), port);
    if (error != std::errc() || end != argument.data() + argument.size())
        return FactValue::unknown(fmt::format("'{}' is not a port number", argument));
    for (const TlsConnectionReport& t : tls_of(s)) {
        const auto& all = s.report.connections;
        const auto c = std::lower_bound(all.begin(), all.end(), t.connection,
                                        [](const ConnectionSummary& a, std::uint64_t id) { return a.id < id; });
        if (c != all.end() && c->id == t.connection && c->server.port == port)
            return {true, true, fmt::format("connection #{}", t.connection)};
    }
    return {false, true, fmt::format("no TLS connection to port {}", port)};
}

bool has_step(const TlsConnectionReport& t, std::string_view type) {
    return std::any_of(t.handshake.begin(), t.handshake.end(),
                       [&](const TlsHandshakeStep& step) { return step.type == type; });
}

template <typename Step>
FactValue step_seen(const FactSource& s, std::string_view name, Step step) {
    for (const TlsConnectionReport& t : tls_of(s))
        if (step(t)) return {true, true, fmt::format("connection #{}", t.connection)};
    return {false, true, fmt::format("no {} in the capture", name)};
}

FactValue client_hello(const FactSource& s, std::string_view) {
    return step_seen(s, "ClientHello", [](const TlsConnectionReport& t) { return has_step(t, "client_hello"); });
}

FactValue server_hello(const FactSource& s, std::string_view) {
    return step_seen(s, "ServerHello", [](const TlsConnectionReport& t) { return has_step(t, "server_hello"); });
}

bool hides_certificates(const TlsConnectionReport& t) { return !t.certificates_visible; }

// The server's Certificate message in clear; under TLS 1.3 it is encrypted.
FactValue certificate(const FactSource& s, std::string_view) {
    FactValue seen = step_seen(s, "server Certificate message",
                               [](const TlsConnectionReport& t) { return t.server_certificate_count > 0; });
    if (std::get<bool>(seen.value)) return seen;
    if (std::any_of(tls_of(s).begin(), tls_of(s).end(), hides_certificates))
        return FactValue::unknown("TLS 1.3 encrypts the Certificate message: it cannot be seen without the keys");
    return seen;
}

FactValue mutual(const FactSource& s, std::string_view) {
    for (const TlsConnectionReport& t : tls_of(s))
        if (t.client_cert_sent.value_or(false))
            return {true, true, fmt::format("client certificate on connection #{}", t.connection)};
    if (std::any_of(tls_of(s).begin(), tls_of(s).end(), [](const TlsConnectionReport& t) {
            return !t.certificates_visible && !t.client_cert_sent.has_value();
        }))
        return FactValue::unknown("TLS 1.3 encrypts the client's Certificate message: mutual TLS cannot be seen");
    const bool asked = std::any_of(tls_of(s).begin(), tls_of(s).end(),
                                   [](const TlsConnectionReport& t) { return t.client_cert_requested; });
    return {false, true,
            asked ? "the broker asked for a client certificate, no client sent one"
                  : "no client certificate: the broker did not ask for one"};
}

// Only after a completed handshake: a refused TLS 1.3 client's last records look alike.
FactValue application_data(const FactSource& s, std::string_view) {
    std::uint64_t records = 0;
    for (const TlsConnectionReport& t : tls_of(s))
        if (t.established)
            for (const TlsRecordCounts& r : t.records) records += r.application_data;
    return count_fact(records, "no TLS application data after a completed handshake");
}

constexpr FactInfo kFacts[] = {
    {"tls.connections", FactType::Number, "", "TLS connections in the capture", connections},
    {"tls.established", FactType::Number, "", "TLS handshakes completed", established},
    {"tls.failed", FactType::Number, "", "TLS handshakes ended by a fatal alert", failed},
    {"tls.version", FactType::Text, "", "the highest TLS version negotiated: \"1.2\", \"1.3\"... (\"\" without TLS)",
     version},
    {"tls.port", FactType::Boolean, "port number", "a TLS connection to this server port", to_port},
    {"tls.client_hello", FactType::Boolean, "", "a ClientHello was seen", client_hello},
    {"tls.server_hello", FactType::Boolean, "", "a ServerHello was seen", server_hello},
    {"tls.certificate", FactType::Boolean, "", "a server Certificate message was seen (unknown under TLS 1.3)",
     certificate},
    {"tls.mutual", FactType::Boolean, "", "a client sent its certificate (mutual TLS; unknown under TLS 1.3)", mutual},
    {"tls.application_data", FactType::Number, "",
     "TLS application data records, both directions, on connections whose handshake completed",
     application_data},
};

}  // namespace

std::span<const FactInfo> tls_facts() { return kFacts; }

}  // namespace mqscan::grade
