#pragma once
// The TLS of a capture as the TLS differential test compares it: each tool's side
// (tshark_tls.cpp, mqscan_tls.cpp) fills the same structures, and one set of rules flattens
// them into named facts (see README.md, "The TLS test").

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

struct TlsCertificate {
    std::uint64_t der_length = 0;
    std::string sha256;   // lower-case hex of the DER
    std::string subject;  // "O=Ciel X, OU=iot X, CN=localhost" (see name_text)
    std::string issuer;
    std::string serial;      // upper-case hex of the integer, without a sign byte
    std::string not_before;  // ISO 8601, "2026-11-22T10:00:00Z"
    std::string not_after;
    std::string signature_algorithm;  // OpenSSL's long name, "sha256WithRSAEncryption"
    std::string key;                  // "RSA 2048", "EC P-256", ...
    std::vector<std::string> san;     // "DNS:localhost", "IP:127.0.0.1", ...
    bool is_ca = false;               // basicConstraints CA:TRUE
};

// Records by role. Under TLS 1.3 a tool without keys sees every encrypted record as
// application data (its outer type); which of them are still handshake is inferred.
struct TlsRecordCounts {
    std::uint64_t handshake = 0;            // cleartext, including pieces of a longer message
    std::uint64_t encrypted_handshake = 0;  // after the sender's keys changed
    std::uint64_t change_cipher_spec = 0;
    std::uint64_t alert = 0;
    std::uint64_t application_data = 0;
    std::uint64_t application_data_bytes = 0;  // record payload bytes
    std::uint64_t heartbeat = 0;
    std::uint64_t other = 0;
};

// What one endpoint of a connection sent.
struct TlsSender {
    // In order: handshake message names ("client_hello", ... as the IANA registry writes
    // them), "encrypted_handshake" for an encrypted handshake record, "change_cipher_spec".
    std::vector<std::string> handshake;
    TlsRecordCounts records;
    std::vector<std::string> alerts;           // "fatal unknown_ca", or "encrypted"
    std::vector<TlsCertificate> certificates;  // of its cleartext Certificate messages
};

struct TlsConnection {
    std::string version;  // of the ServerHello (not a HelloRetryRequest): "TLS 1.2", ...
    // The IANA name, "TLS_AES_128_GCM_SHA256". mqscan's JSON has no number: ja3s has it.
    std::string cipher;
    std::string sni;   // of the first ClientHello
    std::string alpn;  // the server's choice, in its ServerHello
    std::string ja3;   // of the first ClientHello
    std::string ja3s;  // of the ServerHello
    bool client_cert_requested = false;
    std::map<std::uint16_t, TlsSender> senders;  // by the sender's TCP port
};

// The connections that carry TLS, by tcp.stream.
using TlsConnections = std::map<std::uint64_t, TlsConnection>;

// One attribute of a distinguished name: OpenSSL's short name for its type ("CN", "O", ...,
// the dotted OID when it has none) and its value.
struct NameAttribute {
    std::string key;
    std::string value;
};

// A distinguished name as text: "key=value" joined by ", ", the values of a repeated
// attribute together at its first place (as mqscan's JSON groups them).
std::string name_text(const std::vector<NameAttribute>& name);

// Which TLS connection, and what it is said to hold.
using TlsFacts = std::map<std::string, std::string>;

// A connection flattened into facts ("version", "from 8883: handshake", ...). Under TLS 1.3
// the encrypted records are compared by their outer type only.
TlsFacts facts_of(const TlsConnection& connection);

// One fact the two tools state differently, each value cut by `shortened` past 200 characters;
// "none" for a fact a tool does not state.
struct FactDifference {
    std::uint64_t stream = 0;
    std::string fact;
    std::string mqscan;
    std::string tshark;

    bool operator==(const FactDifference&) const = default;
};

std::ostream& operator<<(std::ostream& out, const FactDifference& difference);

// Every fact of every connection the two tools state differently, by stream and fact name.
std::vector<FactDifference> differences(const TlsConnections& mqscan, const TlsConnections& tshark);

// The number of facts compared over all connections of both tools.
std::size_t fact_count(const TlsConnections& mqscan, const TlsConnections& tshark);
