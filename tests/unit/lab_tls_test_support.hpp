#pragma once
// For the lab TLS tests: the lab's certificates (made once per run), the
// options of a lab broker and client, and two endpoints joined in memory with
// what each sent recorded, as a capture would hold it.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lab/tls/crypto_library.hpp"
#include "lab/tls/lab_credentials.hpp"
#include "lab/tls/tls_context.hpp"
#include "lab/tls/tls_endpoint.hpp"

namespace mqscan::test {

// Two weeks into the certificates' year.
inline constexpr std::int64_t kLabNow = lab::kLabIssueTime + 14 * lab::kSecondsPerDay;

inline const lab::LabCertificates& lab_certificates() {
    static const lab::LabCertificates made = lab::make_lab_certificates("Dupont");
    return made;
}

// mosquitto with cafile, certfile, keyfile and require_certificate true.
inline lab::TlsContextOptions broker_options(lab::TlsVersions versions) {
    lab::TlsContextOptions options;
    options.role = lab::TlsRole::Server;
    options.versions = versions;
    options.credentials = lab_certificates().broker;
    options.trusted_certificates = {lab_certificates().ca};
    options.peer_certificate = lab::PeerCertificate::Required;
    options.verification_time = kLabNow;
    return options;
}

// mosquitto_sub -h localhost --cafile ca.crt --cert client.crt --key client.key.
inline lab::TlsContextOptions client_options(lab::TlsVersions versions) {
    lab::TlsContextOptions options;
    options.role = lab::TlsRole::Client;
    options.versions = versions;
    options.credentials = lab_certificates().client;
    options.trusted_certificates = {lab_certificates().ca};
    options.server_name = "localhost";
    options.verification_time = kLabNow;
    return options;
}

inline std::vector<std::uint8_t> bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

inline std::string text_of(const std::vector<std::uint8_t>& bytes) {
    return {bytes.begin(), bytes.end()};
}

// A client and a server joined in memory; each direction's bytes are kept in order.
struct Conversation {
    lab::TlsEndpoint client;
    lab::TlsEndpoint server;
    std::vector<std::uint8_t> to_server;
    std::vector<std::uint8_t> to_client;

    Conversation(const lab::TlsContext& client_context, const lab::TlsContext& server_context)
        : client(client_context), server(server_context) {}

    // Moves bytes both ways, `chunk` bytes per call, until neither side has more to send.
    void pump(std::size_t chunk = SIZE_MAX) {
        for (int round = 0; round < 1000; ++round) {
            const std::vector<std::uint8_t> from_client = client.take_ciphertext();
            const std::vector<std::uint8_t> from_server = server.take_ciphertext();
            if (from_client.empty() && from_server.empty()) return;
            to_server.insert(to_server.end(), from_client.begin(), from_client.end());
            to_client.insert(to_client.end(), from_server.begin(), from_server.end());
            deliver(server, from_client, chunk);
            deliver(client, from_server, chunk);
        }
        FAIL("the endpoints keep sending");
    }

    // start() then pump().
    void handshake(std::size_t chunk = SIZE_MAX) {
        client.start();
        server.start();
        pump(chunk);
    }

private:
    static void deliver(lab::TlsEndpoint& to, const std::vector<std::uint8_t>& bytes,
                        std::size_t chunk) {
        for (std::size_t at = 0; at < bytes.size(); at += chunk) {
            const std::size_t length = std::min(chunk, bytes.size() - at);
            REQUIRE(to.receive_ciphertext(Bytes(bytes).subspan(at, length)) == length);
        }
    }
};

}  // namespace mqscan::test

namespace Catch {
template <>
struct StringMaker<mqscan::lab::TlsEndpointAlert> {
    static std::string convert(const mqscan::lab::TlsEndpointAlert& alert) {
        return std::string(alert.sent ? "sent " : "received ") +
               (alert.level == 2 ? "fatal " : "warning ") + alert.description_name() + " (" +
               std::to_string(alert.description) + ")";
    }
};
}  // namespace Catch
