#pragma once
// What a report says about the TLS of one connection.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqscan/certificate.hpp"
#include "mqscan/connection.hpp"
#include "mqscan/timestamp.hpp"

namespace mqscan {

namespace tls {

struct TlsSettings {
    std::vector<std::uint16_t> ports{8883, 443};
    std::uint32_t max_handshake_message = 512 * 1024;  // larger messages are reported and skipped
    std::size_t max_certificates = 16;                 // per Certificate message
    std::size_t max_records_listed = 10000;
};

// A record content type, as counted per direction.
enum class ContentType : std::uint8_t {
    ChangeCipherSpec = 20,
    Alert = 21,
    Handshake = 22,
    ApplicationData = 23,
    Heartbeat = 24,
};

}  // namespace tls

struct TlsHandshakeStep {
    std::uint64_t frame = 0;
    Direction dir = Direction::ToServer;
    std::string type;        // "client_hello", ..., or "encrypted_handshake"
    std::uint32_t length = 0;
};

struct TlsAlert {
    std::uint64_t frame = 0;
    Direction dir = Direction::ToServer;
    bool encrypted = false;         // then level and description are unknown
    bool inferred = false;          // not an alert record: a TLS 1.3 record of an alert's size
    std::uint8_t level = 0;         // 1 warning, 2 fatal
    std::uint8_t description = 0;
    std::string level_name;         // "warning", "fatal"
    std::string description_name;   // "unknown_ca", ...
    std::string explanation;        // plain words for the common lab failures, else empty
};

struct TlsRecordCounts {
    std::uint64_t change_cipher_spec = 0;
    std::uint64_t alert = 0;
    std::uint64_t handshake = 0;            // cleartext handshake records
    std::uint64_t encrypted_handshake = 0;  // handshake records after the keys changed
    std::uint64_t application_data = 0;
    std::uint64_t application_data_bytes = 0;  // record payload bytes
    std::uint64_t heartbeat = 0;
    std::uint64_t other = 0;  // stays 0: an unknown type ends the reading of its direction
    std::uint64_t gaps = 0;          // TCP gaps in this direction
    std::uint64_t unread_bytes = 0;  // bytes received after the records were lost (gap, not TLS)
    bool stream_lost = false;        // from then on records could not be told apart
};

struct TlsHelloSummary {
    std::uint16_t legacy_version = 0;
    std::vector<std::uint16_t> cipher_suites;  // as offered, GREASE included
    std::vector<std::uint16_t> extensions;     // types in order, GREASE included
    std::vector<std::uint16_t> supported_versions;
    std::vector<std::uint16_t> supported_groups;
    std::vector<std::uint16_t> signature_algorithms;
    std::vector<std::uint16_t> key_share_groups;
    std::vector<std::string> alpn;
    std::string sni;
    std::string random;                               // 32 bytes, lower-case hex
    std::string session_id;                           // lower-case hex, empty when none
    std::vector<std::uint8_t> compression_methods;
    std::vector<std::uint8_t> ec_point_formats;
    std::vector<std::uint8_t> psk_key_exchange_modes;
    std::uint16_t psk_identities = 0;                    // ClientHello pre_shared_key: identities offered
    std::optional<std::uint16_t> psk_selected_identity;  // ServerHello pre_shared_key
    bool early_data = false;                          // the early_data extension is present
    bool status_request = false;                      // OCSP stapling asked for
    std::optional<std::uint16_t> record_size_limit;
    bool sslv2_format = false;                        // an SSL 2.0-compatible ClientHello
};

struct TlsConnectionReport {
    std::uint64_t connection = 0;
    std::string version;       // "TLS 1.2", "TLS 1.3", "SSL 3.0", ... or empty when not seen
    std::uint16_t version_code = 0;
    std::string cipher;        // IANA name, or empty
    std::uint16_t cipher_code = 0;
    std::string sni;
    std::string alpn;          // the server's choice, else empty
    std::optional<TlsHelloSummary> client_hello;
    std::vector<TlsHandshakeStep> handshake;
    bool client_cert_requested = false;
    std::optional<bool> client_cert_sent;  // unknown under TLS 1.3 (encrypted)
    bool established = false;              // both Finished (or encrypted equivalents) seen
    std::string failed_at;                 // when a fatal alert ended the handshake: the last step seen
    bool certificates_visible = true;      // false under TLS 1.3 without keys
    std::vector<CertificateEntry> server_certificates;
    std::vector<CertificateEntry> client_certificates;
    std::optional<ChainVerification> server_verification;  // with --ca
    std::optional<ChainVerification> client_verification;
    std::vector<TlsAlert> alerts;
    std::array<TlsRecordCounts, 2> records{};  // indexed by Direction
    std::string ja3, ja3_full, ja3s, ja3s_full, ja4;
    // The ServerHello that is not a HelloRetryRequest: cipher_suites holds the
    // chosen suite, supported_versions the selected version, key_share_groups
    // the server's group, alpn the chosen protocol.
    std::optional<TlsHelloSummary> server_hello;
    bool hello_retry_request = false;
    bool handshake_visible = false;              // a cleartext ClientHello or ServerHello was read
    std::uint32_t server_certificate_count = 0;  // entries seen, listed or not
    std::uint32_t client_certificate_count = 0;
    std::uint64_t handshake_unlisted = 0;        // steps past TlsSettings::max_records_listed
    std::uint64_t alerts_unlisted = 0;           // alerts past TlsSettings::max_records_listed
    std::string ja4_r;                           // JA4 before hashing: the sorted lists
};

}  // namespace mqscan
