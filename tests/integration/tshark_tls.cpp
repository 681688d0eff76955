#include "tshark_tls.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "ordered_json.hpp"
#include "tls_capture_without_secrets.hpp"
#include "tshark_process.hpp"
#include "tshark_tls_certificates.hpp"
#include "tshark_tls_names.hpp"

namespace {

// RFC 5246 §6.2.1 ContentType, RFC 6520 (heartbeat).
constexpr std::uint64_t kChangeCipherSpec = 20;
constexpr std::uint64_t kAlert = 21;
constexpr std::uint64_t kHandshake = 22;
constexpr std::uint64_t kApplicationData = 23;
constexpr std::uint64_t kHeartbeat = 24;
// RFC 5246 §7.4 HandshakeType.
constexpr std::uint64_t kClientHello = 1;
constexpr std::uint64_t kServerHello = 2;
constexpr std::uint64_t kCertificate = 11;
constexpr std::uint64_t kCertificateRequest = 13;
// The record version of an SSL 2.0-compatible ClientHello, as tshark shows it.
constexpr std::string_view kSsl2RecordVersion = "0x0002";
// RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest.
constexpr std::string_view kHelloRetryRandom =
    "cf:21:ad:74:e5:9a:61:11:be:1d:8c:02:1e:65:b8:91:c2:a2:11:16:7a:bb:8c:5e:07:9e:09:e2:c8:a8:33:"
    "9c";

std::string text_below(const JsonNode& node, std::string_view key) {
    const JsonNode* found = node.find_below(key);
    return found == nullptr ? std::string() : found->scalar;
}

// Reads tshark's records in frame order into TlsConnections.
class RecordReader {
public:
    void frame(const JsonNode& layers) {
        const JsonNode& tcp = layers.at("tcp");
        stream_ = parse_number(tcp.at("tcp.stream").scalar);
        port_ = static_cast<std::uint16_t>(parse_number(tcp.at("tcp.srcport").scalar));
        for (const JsonMember& layer : layers.members)
            if (layer.key == "tls")
                for (const JsonMember& record : layer.value.members)
                    if (record.key == "tls.record") this->record(record.value);
    }

    TlsConnections take() { return std::move(connections_); }

private:
    TlsConnection& connection() { return connections_[stream_]; }
    TlsSender& sender() { return connection().senders[port_]; }
    bool& keys_changed() { return keys_changed_[{stream_, port_}]; }

    void record(const JsonNode& record) {
        const JsonNode* type = record.find("tls.record.content_type");
        // tshark shows the outer type of a TLS 1.3 encrypted record as opaque_type only.
        if (type == nullptr) type = record.find("tls.record.opaque_type");
        if (type != nullptr) return typed_record(parse_number(type->scalar), record);
        if (record.at("tls.record.version").scalar != kSsl2RecordVersion)
            throw std::runtime_error("a TLS record without a type in tshark's JSON");
        // SSL 2.0's CLIENT-HELLO: the handshake fields sit in the record itself.
        ++sender().records.handshake;
        message(record);
    }

    void typed_record(std::uint64_t type, const JsonNode& record) {
        TlsRecordCounts& counts = sender().records;
        switch (type) {
            case kChangeCipherSpec:
                ++counts.change_cipher_spec;
                sender().handshake.push_back("change_cipher_spec");
                keys_changed() = true;
                return;
            case kAlert:
                ++counts.alert;
                return alerts(record);
            case kHandshake:
                return handshake_record(record);
            case kApplicationData:
                ++counts.application_data;
                counts.application_data_bytes +=
                    parse_number(record.at("tls.record.length").scalar);
                return;
            case kHeartbeat:
                ++counts.heartbeat;
                return;
            default:
                ++counts.other;
        }
    }

    // tshark shows an encrypted alert with no level and description.
    void alerts(const JsonNode& record) {
        for (const JsonMember& member : record.members) {
            if (member.key != "tls.alert_message") continue;
            const JsonNode& alert = member.value;
            sender().alerts.push_back(alert.members.empty()
                                          ? "encrypted"
                                          : tshark_alert_level_name(parse_number(
                                                alert.at("tls.alert_message.level").scalar)) +
                                                " " +
                                                tshark_alert_description_name(parse_number(
                                                    alert.at("tls.alert_message.desc").scalar)));
        }
    }

    // tshark shows an empty tls.handshake both for an encrypted handshake message and for a
    // record holding part of a message it shows whole at the record that completes it. As
    // RFC 5246 §7.1 has it, the sender's records after its ChangeCipherSpec are encrypted.
    void handshake_record(const JsonNode& record) {
        bool typed = false;
        for (const JsonMember& member : record.members) {
            if (member.key != "tls.handshake" || member.value.find("tls.handshake.type") == nullptr)
                continue;
            typed = true;
            message(member.value);
        }
        if (typed || !keys_changed()) {
            ++sender().records.handshake;
            return;
        }
        ++sender().records.encrypted_handshake;
        sender().handshake.push_back("encrypted_handshake");
    }

    void message(const JsonNode& message) {
        const std::uint64_t type = parse_number(message.at("tls.handshake.type").scalar);
        const bool retry = type == kServerHello &&
                           text_below(message, "tls.handshake.random") == kHelloRetryRandom;
        sender().handshake.push_back(retry ? "hello_retry_request"
                                           : tshark_handshake_type_name(type));
        if (type == kClientHello) client_hello(message);
        if (type == kServerHello && !retry) server_hello(message);
        if (type == kCertificate) certificates(message);
        if (type == kCertificateRequest) connection().client_cert_requested = true;
    }

    // The connection's ClientHello is the first (a second one answers a HelloRetryRequest).
    void client_hello(const JsonNode& message) {
        if (!client_hello_seen_.insert(stream_).second) return;
        connection().sni = text_below(message, "tls.handshake.extensions_server_name");
        connection().ja3 = text_below(message, "tls.handshake.ja3");
    }

    // RFC 8446 §4.2.1: under TLS 1.3 the version is the supported_versions extension's.
    void server_hello(const JsonNode& message) {
        if (!server_hello_seen_.insert(stream_).second) return;
        TlsConnection& c = connection();
        std::string version = text_below(message, "tls.handshake.extensions.supported_version");
        if (version.empty()) version = message.at("tls.handshake.version").scalar;
        c.version = tshark_version_name(static_cast<std::uint16_t>(parse_number(version)));
        c.cipher = tshark_cipher_name(static_cast<std::uint16_t>(
            parse_number(message.at("tls.handshake.ciphersuite").scalar)));
        c.alpn = text_below(message, "tls.handshake.extensions_alpn_str");
        c.ja3s = text_below(message, "tls.handshake.ja3s");
    }

    // Each certificate's bytes, then tshark's decoding of them (none if it could not).
    void certificates(const JsonNode& message) {
        std::vector<TlsCertificate>& out = sender().certificates;
        const JsonNode* der = nullptr;
        for (const JsonNode* list : message.all_below("tls.handshake.certificates")) {
            for (const JsonMember& member : list->members) {
                if (member.key == "tls.handshake.certificate") {
                    if (der != nullptr) out.push_back(tshark_certificate(*der, nullptr));
                    der = &member.value;
                } else if (member.key == "tls.handshake.certificate_tree" && der != nullptr) {
                    out.push_back(tshark_certificate(*der, &member.value));
                    der = nullptr;
                }
            }
        }
        if (der != nullptr) out.push_back(tshark_certificate(*der, nullptr));
    }

    TlsConnections connections_;
    std::map<std::pair<std::uint64_t, std::uint16_t>, bool> keys_changed_;
    std::set<std::uint64_t> client_hello_seen_;
    std::set<std::uint64_t> server_hello_seen_;
    std::uint64_t stream_ = 0;
    std::uint16_t port_ = 0;
};

}  // namespace

TlsConnections tshark_tls_connections(const std::string& path,
                                      const std::vector<std::uint16_t>& tls_ports) {
    const CaptureWithoutSecrets capture(path);
    // mqscan reassembles segments that arrive out of order; tshark 4.0 only when asked.
    std::string arguments =
        "-n -r " + shell_quote(capture.path()) +
        " -o tcp.reassemble_out_of_order:TRUE -Y tls -T json -J 'frame tcp tls'";
    for (const std::uint16_t port : tls_ports)
        arguments += fmt::format(" -d tcp.port=={},tls", port);
    RecordReader reader;
    for (const JsonMember& frame : parse_ordered_json(tshark_output(arguments)).members)
        reader.frame(frame.value.at("_source").at("layers"));
    return reader.take();
}
