#include "mqscan_tls.hpp"

#include <map>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tshark_process.hpp"

namespace {

// Members keep mqscan's order: a distinguished name is written in certificate order.
using Json = nlohmann::ordered_json;

// mqscan's exit statuses with a report: 0, and 1 for a damaged capture (see src/cli).
constexpr std::initializer_list<int> kReportWritten{0, 1};

std::string text_or_empty(const Json& value) {
    return value.is_null() ? std::string() : value.get<std::string>();
}

// "10.0.0.1:443", "[::1]:8081".
std::uint16_t port_of(const std::string& endpoint) {
    return static_cast<std::uint16_t>(parse_number(endpoint.substr(endpoint.rfind(':') + 1)));
}

std::string name_of(const Json& name) {
    std::vector<NameAttribute> attributes;
    for (const auto& [key, value] : name.items()) {
        if (value.is_array()) {
            for (const Json& repeated : value)
                attributes.push_back({key, repeated.get<std::string>()});
        } else {
            attributes.push_back({key, value.get<std::string>()});
        }
    }
    return name_text(attributes);
}

TlsCertificate certificate_of(const Json& c) {
    TlsCertificate certificate;
    certificate.der_length = c.at("der_length").get<std::uint64_t>();
    if (c.contains("error")) {
        certificate.subject = "(unreadable: " + c.at("error").get<std::string>() + ")";
        return certificate;
    }
    certificate.sha256 = c.at("sha256").get<std::string>();
    certificate.subject = name_of(c.at("subject"));
    certificate.issuer = name_of(c.at("issuer"));
    certificate.serial = c.at("serial").get<std::string>();
    certificate.not_before = c.at("not_before").get<std::string>();
    certificate.not_after = c.at("not_after").get<std::string>();
    certificate.signature_algorithm = c.at("signature_algorithm").get<std::string>();
    certificate.key = c.at("key").get<std::string>();
    certificate.san = c.at("san").get<std::vector<std::string>>();
    certificate.is_ca = c.at("is_ca").get<bool>();
    return certificate;
}

TlsRecordCounts records_of(const Json& r) {
    return {
        .handshake = r.at("handshake").get<std::uint64_t>(),
        .encrypted_handshake = r.at("encrypted_handshake").get<std::uint64_t>(),
        .change_cipher_spec = r.at("change_cipher_spec").get<std::uint64_t>(),
        .alert = r.at("alert").get<std::uint64_t>(),
        .application_data = r.at("application_data").get<std::uint64_t>(),
        .application_data_bytes = r.at("application_data_bytes").get<std::uint64_t>(),
        .heartbeat = r.at("heartbeat").get<std::uint64_t>(),
        .other = r.at("other").get<std::uint64_t>(),
    };
}

std::uint64_t record_total(const TlsRecordCounts& r) {
    return r.handshake + r.encrypted_handshake + r.change_cipher_spec + r.alert +
           r.application_data + r.heartbeat + r.other;
}

TlsConnection connection_of(const Json& connection) {
    const Json& tls = connection.at("tls");
    const std::map<std::string, std::uint16_t> port_of_direction{
        {"to_server", port_of(connection.at("client").get<std::string>())},
        {"to_client", port_of(connection.at("server").get<std::string>())},
    };
    TlsConnection c;
    c.version = text_or_empty(tls.at("version"));
    c.cipher = text_or_empty(tls.at("cipher"));
    c.sni = text_or_empty(tls.at("sni"));
    c.alpn = text_or_empty(tls.at("alpn"));
    c.ja3 = text_or_empty(tls.at("ja3"));
    c.ja3s = text_or_empty(tls.at("ja3s"));
    c.client_cert_requested = tls.at("client_cert_requested").get<bool>();
    // Only the directions that sent records, as tshark shows them.
    for (const auto& [direction, port] : port_of_direction) {
        TlsRecordCounts records = records_of(tls.at("records").at(direction));
        if (record_total(records) > 0) c.senders[port].records = records;
    }
    for (const Json& step : tls.at("handshake")) {
        const std::string text = step.get<std::string>();
        const std::size_t colon = text.find(':');
        c.senders[port_of_direction.at(text.substr(0, colon))].handshake.push_back(
            text.substr(colon + 1));
    }
    for (const Json& alert : tls.at("alerts")) {
        // Inferred from a record's size (TLS 1.3 hides alerts): no record for tshark to name.
        if (alert.value("inferred", false)) continue;
        c.senders[port_of_direction.at(alert.at("dir").get<std::string>())].alerts.push_back(
            alert.at("encrypted").get<bool>() ? "encrypted"
                                              : alert.at("level").get<std::string>() + " " +
                                                    alert.at("description").get<std::string>());
    }
    for (const auto& [chain, direction] : {std::pair{"server_certificates", "to_client"},
                                           std::pair{"client_certificates", "to_server"}})
        for (const Json& certificate : tls.at(chain))
            c.senders[port_of_direction.at(direction)].certificates.push_back(
                certificate_of(certificate));
    return c;
}

}  // namespace

MqscanTls mqscan_tls_connections(const std::string& path,
                                 const std::vector<std::uint16_t>& tls_ports) {
    std::string command = MQSCAN_EXECUTABLE " report --format json";
    for (const std::uint16_t port : tls_ports) command += fmt::format(" --tls-port {}", port);
    const Json report =
        Json::parse(command_output(command + " " + shell_quote(path), kReportWritten));
    MqscanTls result;
    for (const Json& connection : report.at("connections")) {
        if (connection.at("protocol") != "tls") continue;
        const std::uint64_t id = connection.at("id").get<std::uint64_t>();
        result.connections[id] = connection_of(connection);
        if (const Json& ja4 = connection.at("tls").at("ja4"); !ja4.is_null())
            result.ja4.push_back(ja4.get<std::string>());
    }
    for (const Json& anomaly : report.at("anomalies"))
        if (anomaly.at("id") == "mqtt.cleartext_on_tls_port")
            result.cleartext_on_tls_port.insert(anomaly.at("connection").get<std::uint64_t>());
    return result;
}
