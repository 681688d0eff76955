#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "lab_tls_test_support.hpp"
#include "x509/certificate_summary.hpp"
#include "x509_test_support.hpp"

using namespace mqscan;
using namespace mqscan::test;
using lab::TlsVersions;

namespace {

CertificateSummary summary(const std::vector<std::uint8_t>& der) {
    auto read = x509::summarize_certificate(der);
    REQUIRE(read.ok());
    return *read;
}

enum class KeyText { Pkcs8, Traditional, Encrypted };

std::string key_pem(const std::vector<std::uint8_t>& der, KeyText form) {
    const unsigned char* cursor = der.data();
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        d2i_AutoPrivateKey(nullptr, &cursor, static_cast<long>(der.size())), EVP_PKEY_free);
    REQUIRE(key != nullptr);
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
    char pass_phrase[] = "ciel";
    switch (form) {
        case KeyText::Pkcs8:
            REQUIRE(PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                             nullptr) == 1);
            break;
        case KeyText::Traditional:
            REQUIRE(PEM_write_bio_PrivateKey_traditional(out.get(), key.get(), nullptr, nullptr, 0,
                                                         nullptr, nullptr) == 1);
            break;
        case KeyText::Encrypted:
            REQUIRE(PEM_write_bio_PKCS8PrivateKey(out.get(), key.get(), EVP_aes_256_cbc(),
                                                  pass_phrase, 4, nullptr, nullptr) == 1);
            break;
    }
    char* data = nullptr;
    const long length = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

TEST_CASE("The lab's certificates carry the names and dates of the lab sheet", "[lab][tls]") {
    const lab::LabCertificates& made = lab_certificates();
    const DistinguishedName teacher{{"O", "Ciel"}, {"OU", "iot"}, {"CN", "Ciel CA"}};
    const std::int64_t year = 365 * lab::kSecondsPerDay;

    const CertificateSummary ca = summary(made.ca);
    CHECK(ca.subject == teacher);
    CHECK(ca.self_signed);
    CHECK(ca.is_ca);
    CHECK(ca.key == "EC P-256");
    CHECK(ca.not_before == lab::kLabIssueTime);
    CHECK(ca.not_after == lab::kLabIssueTime + 3650 * lab::kSecondsPerDay);

    const CertificateSummary broker = summary(made.broker.certificate);
    CHECK(broker.subject ==
          DistinguishedName{{"O", "Ciel Dupont"}, {"OU", "iot Dupont"}, {"CN", "localhost"}});
    CHECK(broker.issuer == teacher);
    CHECK(broker.san == std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1"});
    CHECK_FALSE(broker.is_ca);
    CHECK(broker.not_after - broker.not_before == year);

    const CertificateSummary client = summary(made.client.certificate);
    CHECK(client.subject == DistinguishedName{{"O", "Ciel Dupont"}, {"CN", "localhost"}});
    CHECK(client.issuer == teacher);

    const CertificateSummary stranger = summary(made.client_of_other_ca.certificate);
    CHECK(stranger.subject == client.subject);
    CHECK(stranger.issuer == summary(made.other_ca).subject);
    CHECK(stranger.issuer != teacher);

    for (const auto* expired : {&made.expired_broker, &made.expired_client}) {
        const CertificateSummary old = summary(expired->certificate);
        CHECK(old.issuer == teacher);
        CHECK(old.not_after == lab::kLabIssueTime - lab::kSecondsPerDay);
        CHECK(old.not_after - old.not_before == year);
    }
    CHECK(summary(made.expired_broker.certificate).subject == broker.subject);
    CHECK(summary(made.expired_client.certificate).subject == client.subject);
}

TEST_CASE("A broker on the VM's host name has it as CN and first SAN", "[lab][tls]") {
    lab::LabCertificateOptions options;
    options.broker_host = "ciel-vm";
    const lab::LabCertificates made = lab::make_lab_certificates("Inès", options);
    const CertificateSummary broker = summary(made.broker.certificate);
    CHECK(broker.subject ==
          DistinguishedName{{"O", "Ciel Inès"}, {"OU", "iot Inès"}, {"CN", "ciel-vm"}});
    CHECK(broker.san == std::vector<std::string>{"DNS:ciel-vm", "DNS:localhost", "IP:127.0.0.1"});
}

TEST_CASE("Credentials read from PEM serve as the generated ones do", "[lab][tls]") {
    const lab::LabCertificates& made = lab_certificates();
    const KeyText form = GENERATE(KeyText::Pkcs8, KeyText::Traditional);
    // A certfile with the CA after the broker's certificate, as some students make it.
    const std::string certfile =
        lab::certificate_pem(made.broker.certificate) + lab::certificate_pem(made.ca);
    const lab::TlsCredentials read =
        lab::credentials_from_pem(certfile, key_pem(made.broker.private_key, form));
    CHECK(read.certificate == made.broker.certificate);
    CHECK(read.chain == std::vector<std::vector<std::uint8_t>>{made.ca});
    CHECK(read.private_key == made.broker.private_key);

    lab::TlsContextOptions broker = broker_options(TlsVersions::Tls13Only);
    broker.credentials = read;
    broker.trusted_certificates = lab::certificates_from_pem(lab::certificate_pem(made.ca));
    Conversation link{lab::TlsContext(client_options(TlsVersions::Tls13Only)),
                      lab::TlsContext(broker)};
    link.handshake();
    CHECK(link.client.handshake_complete());
    CHECK(link.server.peer_common_name() == "localhost");
}

TEST_CASE("Credential files are read as mosquitto's cafile, certfile and keyfile", "[lab][tls]") {
    const lab::LabCertificates& made = lab_certificates();
    const ScratchDirectory directory;
    const auto ca = directory.write(
        "ca.crt", lab::certificate_pem(made.ca) + lab::certificate_pem(made.other_ca));
    const auto certificate =
        directory.write("client.crt", lab::certificate_pem(made.client.certificate));
    const auto key =
        directory.write("client.key", key_pem(made.client.private_key, KeyText::Pkcs8));

    CHECK(lab::read_certificate_file(ca) ==
          std::vector<std::vector<std::uint8_t>>{made.ca, made.other_ca});
    const lab::TlsCredentials read = lab::read_credential_files(certificate, key);
    CHECK(read.certificate == made.client.certificate);
    CHECK(read.chain.empty());
    CHECK_THROWS_WITH(lab::read_certificate_file(directory.path() / "missing.crt"),
                      Catch::StartsWith("cannot read ") && Catch::EndsWith("missing.crt"));
}

TEST_CASE("PEM that does not serve is refused with the reason", "[lab][tls]") {
    const lab::LabCertificates& made = lab_certificates();
    const std::string certificate = lab::certificate_pem(made.client.certificate);
    SECTION("no certificate") {
        CHECK_THROWS_WITH(lab::certificates_from_pem("ca.crt\n"),
                          "the PEM text holds no certificate");
    }
    SECTION("a damaged certificate") {
        std::string damaged = certificate;
        damaged[40] = damaged[40] == 'A' ? 'B' : 'A';
        CHECK_THROWS_WITH(lab::certificates_from_pem(damaged),
                          Catch::StartsWith("a certificate of the PEM text cannot be read"));
    }
    SECTION("an encrypted key: refused, with no pass phrase asked for") {
        CHECK_THROWS_WITH(lab::credentials_from_pem(
                              certificate, key_pem(made.client.private_key, KeyText::Encrypted)),
                          Catch::StartsWith("the key cannot be read"));
    }
    SECTION("no key") {
        CHECK_THROWS_AS(lab::credentials_from_pem(certificate, certificate), std::invalid_argument);
    }
}
