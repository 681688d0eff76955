#pragma once
// The certificates of the TLS lab (LABS.md, lab 2): the teacher's CA, a
// student's broker and client certificates, and the mistakes the lab sees (a
// client certificate from another CA, expired certificates); and credentials
// read from PEM, as mosquitto's cafile, certfile and keyfile give them.
// OpenSSL stays behind this header.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lab/certificate_factory.hpp"
#include "lab/tls/tls_context.hpp"

namespace mqscan::lab {

inline constexpr std::int64_t kLabIssueTime = 1756684800;  // 2025-09-01T00:00:00Z
inline constexpr std::int64_t kSecondsPerDay = 86400;

struct LabCertificateOptions {
    // The broker certificate's CN: the VM's host name in the lab, which the
    // clients connect to (and put in their hosts file).
    std::string broker_host = "localhost";
    // Every valid certificate starts then: the teacher's CA for 10 years, the
    // students' for 365 days (openssl x509 -req -days 365). The expired ones
    // ended the day before.
    std::int64_t issued_at = kLabIssueTime;
    // openssl genrsa, as the lab sheet has it, makes Rsa2048; EcP256 is faster.
    KeyAlgorithm algorithm = KeyAlgorithm::EcP256;
    // Where keys and signatures draw their random bytes (the system's when
    // null): a seeded library makes every certificate repeatable.
    std::shared_ptr<const CryptoLibrary> library;
};

struct LabCertificates {
    // The teacher's CA (ca.crt): O = "Ciel", OU = "iot", CN = "Ciel CA". Its key stays with the
    // teacher.
    std::vector<std::uint8_t> ca;
    // O = "Ciel <name>", OU = "iot <name>", CN = the broker's host;
    // SAN DNS:localhost, IP:127.0.0.1 (with DNS:<host> first when it is another name).
    TlsCredentials broker;
    // O = "Ciel <name>", no OU, CN = "localhost": the MQTT user name under
    // use_identity_as_username.
    TlsCredentials client;
    // Mistakes: a CA the broker does not know, a client certificate it signed,
    // and the lab CA's broker and client certificates once expired.
    std::vector<std::uint8_t> other_ca;
    TlsCredentials client_of_other_ca;
    TlsCredentials expired_broker;
    TlsCredentials expired_client;
};

// Keys are new on each call (see PrivateKey), so the certificates differ
// from one call to the next; their fields do not. Throws as the certificate factory does.
LabCertificates make_lab_certificates(const std::string& student,
                                      const LabCertificateOptions& options = {});

// Every certificate of a PEM text (a cafile may hold several), as DER;
// std::invalid_argument when there is none or one does not read.
std::vector<std::vector<std::uint8_t>> certificates_from_pem(std::string_view pem);
// A certfile (the certificate, then its chain) and an unencrypted keyfile
// (PKCS#8, RSA or EC PEM); std::invalid_argument when they do not read.
// Whether the key is the certificate's is checked by TlsContext.
TlsCredentials credentials_from_pem(std::string_view certificate_pem, std::string_view key_pem);

// The same read from files (mosquitto's cafile; certfile and keyfile);
// std::invalid_argument also when a file cannot be read.
std::vector<std::vector<std::uint8_t>> read_certificate_file(const std::filesystem::path& path);
TlsCredentials read_credential_files(const std::filesystem::path& certificate,
                                     const std::filesystem::path& key);

}  // namespace mqscan::lab
