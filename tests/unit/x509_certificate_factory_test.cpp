#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "lab/certificate_factory.hpp"
#include "x509_test_support.hpp"

using namespace mqscan;
using namespace mqscan::test;

namespace {

// Read back with OpenSSL directly, apart from the factory's own code.
struct ReadBack {
    std::unique_ptr<X509, decltype(&X509_free)> certificate{nullptr, X509_free};
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
};

ReadBack read_pem(const std::string& certificate_pem, const std::string& key_pem) {
    ReadBack read;
    std::unique_ptr<BIO, decltype(&BIO_free)> certificate_text(
        BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())),
        BIO_free);
    read.certificate.reset(PEM_read_bio_X509(certificate_text.get(), nullptr, nullptr, nullptr));
    std::unique_ptr<BIO, decltype(&BIO_free)> key_text(
        BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())), BIO_free);
    read.key.reset(PEM_read_bio_PrivateKey(key_text.get(), nullptr, nullptr, nullptr));
    return read;
}

}  // namespace

TEST_CASE("Keys and certificates export as DER and PEM that OpenSSL reads back", "[x509]") {
    const auto algorithm = GENERATE(lab::KeyAlgorithm::Rsa2048, lab::KeyAlgorithm::EcP256);
    const lab::PrivateKey key(algorithm);
    const auto der = lab::make_self_signed(ca_spec("CA CIEL"), key);
    const std::string certificate_pem = lab::certificate_pem(der);
    const std::string key_pem = key.pem();
    CHECK_THAT(certificate_pem, Catch::StartsWith("-----BEGIN CERTIFICATE-----\n"));
    CHECK_THAT(key_pem, Catch::StartsWith("-----BEGIN PRIVATE KEY-----\n"));

    const ReadBack read = read_pem(certificate_pem, key_pem);
    REQUIRE(read.certificate != nullptr);
    REQUIRE(read.key != nullptr);
    CHECK(X509_check_private_key(read.certificate.get(), read.key.get()) == 1);
    unsigned char* reencoded = nullptr;
    const int length = i2d_X509(read.certificate.get(), &reencoded);
    CHECK(std::vector<std::uint8_t>(reencoded, reencoded + length) == der);
    OPENSSL_free(reencoded);

    const std::vector<std::uint8_t> key_der = key.der();
    const unsigned char* cursor = key_der.data();
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> from_der(
        d2i_AutoPrivateKey(nullptr, &cursor, static_cast<long>(key_der.size())), EVP_PKEY_free);
    REQUIRE(from_der != nullptr);
    CHECK(EVP_PKEY_eq(from_der.get(), read.key.get()) == 1);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("A bad request is refused by an exception that says why", "[x509]") {
    const Authority ca = make_root("CA CIEL");
    const lab::PrivateKey key(lab::KeyAlgorithm::EcP256);
    lab::CertificateSpec spec = student_spec("Inès");

    SECTION("a subject alternative name without a known prefix") {
        spec.san = {"dns:localhost"};
        CHECK_THROWS_WITH(
            lab::make_signed(spec, key, ca.der, ca.key),
            Catch::Contains("starts with DNS:, IP:, email: or URI:, not 'dns:localhost'"));
    }
    SECTION("an IP address that is not one") {
        spec.san = {"IP:300.1.1.1"};
        CHECK_THROWS_AS(lab::make_signed(spec, key, ca.der, ca.key), std::invalid_argument);
    }
    SECTION("an attribute OpenSSL does not know") {
        spec.subject = {{"Nom", "Inès"}};
        CHECK_THROWS_WITH(lab::make_self_signed(spec, key),
                          Catch::StartsWith("cannot put Nom=Inès in a name"));
    }
    SECTION("an issuer key that is not the issuer's") {
        CHECK_THROWS_WITH(lab::make_signed(spec, key, ca.der, key),
                          "the issuer key does not match the issuer certificate");
    }
    CHECK(ERR_peek_error() == 0);
}
