#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "lab/tls/tls_endpoint.hpp"
#include "lab_tls_test_support.hpp"

using namespace mqscan;
using namespace mqscan::test;
using lab::PeerCertificate;
using lab::TlsVersions;

namespace {

const std::string kConnect("\x10\x13\x00\x04MQTT\x04\x02\x00\x3c\x00\x07mqscan1", 21);
const std::string kConnack("\x20\x02\x00\x00", 4);

struct Expected {
    TlsVersions versions;
    std::uint16_t version;
    std::string cipher;
};

}  // namespace

TEST_CASE("Client and broker agree on TLS 1.2 or 1.3 and exchange MQTT both ways", "[lab][tls]") {
    const Expected expected = GENERATE(
        Expected{TlsVersions::Tls12Only, 0x0303, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
        Expected{TlsVersions::Tls13Only, 0x0304, "TLS_AES_256_GCM_SHA384"},
        Expected{TlsVersions::Tls12AndLater, 0x0304, "TLS_AES_256_GCM_SHA384"});
    const bool mutual = GENERATE(true, false);
    CAPTURE(expected.version, mutual);

    lab::TlsContextOptions broker = broker_options(expected.versions);
    lab::TlsContextOptions client = client_options(expected.versions);
    if (!mutual) {
        broker.peer_certificate = PeerCertificate::Ignored;
        client.credentials.reset();
    }
    Conversation link{lab::TlsContext(client), lab::TlsContext(broker)};
    link.handshake();

    REQUIRE(link.client.handshake_complete());
    REQUIRE(link.server.handshake_complete());
    CHECK_FALSE(link.client.failed());
    CHECK_FALSE(link.server.failed());
    CHECK(link.client.version() == expected.version);
    CHECK(link.server.version() == expected.version);
    CHECK(link.client.cipher_suite_name() == expected.cipher);
    CHECK(link.server.cipher_suite() == link.client.cipher_suite());
    CHECK(link.client.alerts().empty());

    const DistinguishedName broker_subject{
        {"O", "Ciel Dupont"}, {"OU", "iot Dupont"}, {"CN", "localhost"}};
    CHECK(link.client.peer_subject() == broker_subject);
    if (mutual) {
        CHECK(link.server.peer_subject() ==
              DistinguishedName{{"O", "Ciel Dupont"}, {"CN", "localhost"}});
        CHECK(link.server.peer_common_name() == "localhost");
    } else {
        CHECK_FALSE(link.server.peer_subject().has_value());
        CHECK_FALSE(link.server.peer_common_name().has_value());
    }

    REQUIRE(link.client.write_plaintext(bytes_of(kConnect)) == kConnect.size());
    link.pump();
    CHECK(text_of(link.server.take_plaintext()) == kConnect);
    REQUIRE(link.server.write_plaintext(bytes_of(kConnack)) == kConnack.size());
    link.pump();
    CHECK(text_of(link.client.take_plaintext()) == kConnack);
    CHECK(link.client.take_plaintext().empty());
}

TEST_CASE("Plaintext written during the handshake waits for it", "[lab][tls]") {
    const TlsVersions versions = GENERATE(TlsVersions::Tls12Only, TlsVersions::Tls13Only);
    Conversation link{lab::TlsContext(client_options(versions)),
                      lab::TlsContext(broker_options(versions))};
    link.client.start();
    REQUIRE(link.client.write_plaintext(bytes_of(kConnect)) == kConnect.size());
    link.pump();
    REQUIRE(link.server.handshake_complete());
    CHECK(text_of(link.server.take_plaintext()) == kConnect);
}

TEST_CASE("Ciphertext delivered one byte at a time gives the same conversation", "[lab][tls]") {
    const TlsVersions versions = GENERATE(TlsVersions::Tls12Only, TlsVersions::Tls13Only);
    const std::size_t chunk = GENERATE(std::size_t{1}, std::size_t{7});
    Conversation link{lab::TlsContext(client_options(versions)),
                      lab::TlsContext(broker_options(versions))};
    link.handshake(chunk);
    REQUIRE(link.server.handshake_complete());
    REQUIRE(link.client.write_plaintext(bytes_of(kConnect)) == kConnect.size());
    link.pump(chunk);
    CHECK(text_of(link.server.take_plaintext()) == kConnect);
}

TEST_CASE("close() sends close_notify and the peer sees it", "[lab][tls]") {
    const TlsVersions versions = GENERATE(TlsVersions::Tls12Only, TlsVersions::Tls13Only);
    Conversation link{lab::TlsContext(client_options(versions)),
                      lab::TlsContext(broker_options(versions))};
    link.handshake();
    const std::string disconnect("\xe0\x00", 2);
    REQUIRE(link.client.write_plaintext(bytes_of(disconnect)) == 2);
    link.client.close();
    CHECK(link.client.write_plaintext(bytes_of(kConnect)) == 0);
    link.pump();
    CHECK(link.client.close_notify_sent());
    CHECK(link.server.close_notify_received());
    // What was written before the close arrives before it.
    CHECK(text_of(link.server.take_plaintext()) == disconnect);
    link.server.close();
    link.pump();
    CHECK(link.client.close_notify_received());
    CHECK(link.server.alerts() == std::vector<lab::TlsEndpointAlert>{{false, 1, 0}, {true, 1, 0}});
    CHECK_FALSE(link.client.failed());
    CHECK_FALSE(link.server.failed());
}

TEST_CASE("The buffers are bounded and the bytes all arrive in order", "[lab][tls]") {
    lab::TlsContextOptions client = client_options(TlsVersions::Tls13Only);
    lab::TlsContextOptions broker = broker_options(TlsVersions::Tls13Only);
    const lab::TlsBufferLimits limits{40'000, 40'000, 40'000, 40'000};
    client.limits = limits;
    broker.limits = limits;
    Conversation link{lab::TlsContext(client), lab::TlsContext(broker)};
    link.handshake();
    REQUIRE(link.server.handshake_complete());

    std::vector<std::uint8_t> sent(300'000);
    for (std::size_t i = 0; i < sent.size(); ++i)
        sent[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
    std::vector<std::uint8_t> received;
    std::size_t offered = 0;
    bool held_back = false;
    for (int round = 0; round < 1000 && received.size() < sent.size(); ++round) {
        const std::size_t taken = link.client.write_plaintext(Bytes(sent).subspan(offered));
        held_back = held_back || offered + taken < sent.size();
        offered += taken;
        const std::vector<std::uint8_t> records = link.client.take_ciphertext();
        CHECK(records.size() <= 2 * limits.pending_ciphertext);
        // The server takes what fits; the rest is offered again next round, as TCP would.
        std::size_t delivered = 0;
        while (delivered < records.size()) {
            const std::size_t accepted =
                link.server.receive_ciphertext(Bytes(records).subspan(delivered));
            delivered += accepted;
            const std::vector<std::uint8_t> plain = link.server.take_plaintext();
            received.insert(received.end(), plain.begin(), plain.end());
            if (accepted == 0 && plain.empty()) FAIL("the server takes nothing");
        }
    }
    CHECK(held_back);
    CHECK(received == sent);
}

TEST_CASE("A client without certificate is refused as mosquitto refuses it", "[lab][tls]") {
    // TLS 1.2: the server's Certificate request goes unanswered before its
    // Finished; TLS 1.3: the client has finished when the refusal comes.
    const auto [versions, alert] =
        GENERATE(std::pair{TlsVersions::Tls12Only, 40}, std::pair{TlsVersions::Tls13Only, 116});
    lab::TlsContextOptions client = client_options(versions);
    client.credentials.reset();
    Conversation link{lab::TlsContext(client), lab::TlsContext(broker_options(versions))};
    link.handshake();

    REQUIRE(link.server.failed());
    const lab::TlsFailure& refused = *link.server.failure();
    REQUIRE(refused.alert.has_value());
    CHECK(refused.alert->sent);
    CHECK(refused.alert->level == 2);
    CHECK(refused.alert->description == alert);
    CHECK(refused.reason == "peer did not return a certificate");
    CHECK_FALSE(link.server.handshake_complete());

    REQUIRE(link.client.failed());
    REQUIRE(link.client.failure()->alert.has_value());
    CHECK_FALSE(link.client.failure()->alert->sent);
    CHECK(link.client.failure()->alert->description == alert);
    CHECK(link.client.failure()->reason ==
          (alert == 40 ? "sslv3 alert handshake failure" : "tlsv13 alert certificate required"));
    CHECK(link.client.failure()->alert->description_name() ==
          (alert == 40 ? "handshake_failure" : "certificate_required"));
    CHECK(link.client.write_plaintext(bytes_of(kConnect)) == 0);
}

namespace {

struct Refusal {
    bool client_refuses;  // else the server does
    std::uint8_t alert;
    const char* reason;
};

void check_refusal(Conversation& link, const Refusal& refusal) {
    lab::TlsEndpoint& refusing = refusal.client_refuses ? link.client : link.server;
    lab::TlsEndpoint& refused = refusal.client_refuses ? link.server : link.client;
    REQUIRE(refusing.failed());
    REQUIRE(refusing.failure()->alert.has_value());
    CHECK(*refusing.failure()->alert == lab::TlsEndpointAlert{true, 2, refusal.alert});
    CHECK(refusing.failure()->reason == refusal.reason);
    REQUIRE(refused.failed());
    REQUIRE(refused.failure()->alert.has_value());
    CHECK(*refused.failure()->alert == lab::TlsEndpointAlert{false, 2, refusal.alert});
}

}  // namespace

TEST_CASE("Certificates the other side cannot trust end the handshake with the alert OpenSSL sends",
          "[lab][tls]") {
    const TlsVersions versions = GENERATE(TlsVersions::Tls12Only, TlsVersions::Tls13Only);
    const lab::LabCertificates& certificates = lab_certificates();
    lab::TlsContextOptions client = client_options(versions);
    lab::TlsContextOptions broker = broker_options(versions);
    Refusal refusal{};

    SECTION("a client that trusts another CA") {
        // Like mosquitto, the broker sends its CA after its certificate: OpenSSL
        // completes a chain from the CA certificates it trusts.
        client.trusted_certificates = {certificates.other_ca};
        refusal = {true, 48,
                   "certificate verify failed: self-signed certificate in certificate chain"};
    }
    SECTION("a client certificate from another CA") {
        client.credentials = certificates.client_of_other_ca;
        refusal = {false, 48, "certificate verify failed: unable to get local issuer certificate"};
    }
    SECTION("an expired broker certificate") {
        broker.credentials = certificates.expired_broker;
        refusal = {true, 45, "certificate verify failed: certificate has expired"};
    }
    SECTION("an expired client certificate") {
        client.credentials = certificates.expired_client;
        refusal = {false, 45, "certificate verify failed: certificate has expired"};
    }
    SECTION("a broker reached under a name its certificate does not have") {
        client.server_name = "broker.ciel.lan";
        refusal = {true, 42, "certificate verify failed: hostname mismatch"};
    }
    SECTION("the certificates not yet valid at the lab's time") {
        client.verification_time = lab::kLabIssueTime - 1;
        // OpenSSL has no alert of its own for it.
        refusal = {true, 42, "certificate verify failed: certificate is not yet valid"};
    }
    Conversation link{lab::TlsContext(client), lab::TlsContext(broker)};
    link.handshake();
    check_refusal(link, refusal);
}

TEST_CASE("Versions without overlap end with protocol_version", "[lab][tls]") {
    Conversation link{lab::TlsContext(client_options(TlsVersions::Tls12Only)),
                      lab::TlsContext(broker_options(TlsVersions::Tls13Only))};
    link.handshake();
    check_refusal(link, {false, 70, "unsupported protocol"});
}

TEST_CASE("The hostname check and the server name can be left out", "[lab][tls]") {
    lab::TlsContextOptions client = client_options(TlsVersions::Tls13Only);
    SECTION("--insecure: the name is sent but not checked") {
        client.server_name = "broker.ciel.lan";
        client.check_host_name = false;
    }
    SECTION("an IP address is checked against the IP names") { client.server_name = "127.0.0.1"; }
    SECTION("no name at all") { client.server_name.clear(); }
    Conversation link{lab::TlsContext(client),
                      lab::TlsContext(broker_options(TlsVersions::Tls13Only))};
    link.handshake();
    CHECK(link.client.handshake_complete());
    CHECK(link.server.handshake_complete());
    CHECK_FALSE(link.client.failed());
}

TEST_CASE("Contexts refuse options that cannot work", "[lab][tls]") {
    lab::TlsContextOptions broker = broker_options(TlsVersions::Tls12AndLater);
    SECTION("a server without a certificate") {
        broker.credentials.reset();
        CHECK_THROWS_WITH(lab::TlsContext(broker), "a TLS server needs a certificate and its key");
    }
    SECTION("a key that is not the certificate's") {
        broker.credentials->private_key = lab_certificates().client.private_key;
        CHECK_THROWS_WITH(lab::TlsContext(broker),
                          Catch::StartsWith("the key is not the certificate's"));
    }
    SECTION("a certificate that is not DER") {
        broker.credentials->certificate.resize(10);
        CHECK_THROWS_WITH(lab::TlsContext(broker),
                          Catch::StartsWith("the certificate cannot be read"));
    }
    SECTION("bytes after a CA certificate") {
        broker.trusted_certificates.front().push_back(0);
        CHECK_THROWS_WITH(lab::TlsContext(broker),
                          "a trusted CA certificate cannot be read (bytes follow its DER)");
    }
    SECTION("a key that is not a key") {
        broker.credentials->private_key = {0x30, 0x03, 0x02, 0x01, 0x00};
        CHECK_THROWS_AS(lab::TlsContext(broker), std::invalid_argument);
    }
}

TEST_CASE("A client closed during the handshake abandons it", "[lab][tls]") {
    Conversation link{lab::TlsContext(client_options(TlsVersions::Tls13Only)),
                      lab::TlsContext(broker_options(TlsVersions::Tls13Only))};
    link.client.start();
    link.client.close();
    link.pump();  // the ClientHello went out before the close; the answer is dropped
    CHECK_FALSE(link.client.handshake_complete());
    CHECK_FALSE(link.client.failed());
    CHECK_FALSE(link.client.close_notify_sent());
    CHECK_FALSE(link.server.handshake_complete());
    CHECK(link.to_client.size() > 0);
    CHECK(link.client.take_ciphertext().empty());
}
