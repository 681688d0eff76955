#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "lab/tls/openssl_library.hpp"
#include "lab_tls_test_support.hpp"
#include "x509_test_support.hpp"

using namespace mqscan;
using namespace mqscan::test;
using lab::CryptoLibrary;
using lab::TlsVersions;
using namespace std::string_view_literals;

namespace {

using Draw = std::array<unsigned char, 64>;

Draw draw_public(const CryptoLibrary& library) {
    Draw bytes{};
    REQUIRE(RAND_bytes_ex(lab::CryptoLibraryAccess::context(library), bytes.data(), bytes.size(),
                          0) == 1);
    return bytes;
}

Draw draw_private(const CryptoLibrary& library) {
    Draw bytes{};
    REQUIRE(RAND_priv_bytes_ex(lab::CryptoLibraryAccess::context(library), bytes.data(),
                               bytes.size(), 0) == 1);
    return bytes;
}

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

KeyPtr new_key(const CryptoLibrary& library, const char* type, const char* curve) {
    return {EVP_PKEY_Q_keygen(lab::CryptoLibraryAccess::context(library), nullptr, type, curve),
            EVP_PKEY_free};
}

std::vector<std::uint8_t> public_key(const KeyPtr& key) {
    unsigned char* der = nullptr;
    const int length = i2d_PUBKEY(key.get(), &der);
    REQUIRE(length > 0);
    std::vector<std::uint8_t> bytes(der, der + length);
    OPENSSL_free(der);
    return bytes;
}

std::vector<std::uint8_t> sign(const CryptoLibrary& library, const KeyPtr& key) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    EVP_MD_CTX_free);
    REQUIRE(EVP_DigestSignInit_ex(context.get(), nullptr, "SHA256",
                                  lab::CryptoLibraryAccess::context(library), nullptr, key.get(),
                                  nullptr) == 1);
    const std::string message = "CONNECT";
    std::size_t length = 0;
    REQUIRE(EVP_DigestSign(context.get(), nullptr, &length,
                           reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) == 1);
    std::vector<std::uint8_t> signature(length);
    REQUIRE(EVP_DigestSign(context.get(), signature.data(), &length,
                           reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) == 1);
    signature.resize(length);
    return signature;
}

// Everything each side put on the wire in a mutual-TLS session: handshake,
// CONNECT, CONNACK, PUBLISH, close_notify both ways.
struct Transcript {
    std::vector<std::uint8_t> to_server;
    std::vector<std::uint8_t> to_client;
    std::string key_log;
};

Transcript converse(const lab::TlsContextOptions& client, const lab::TlsContextOptions& broker,
                    std::shared_ptr<const CryptoLibrary> client_library,
                    std::shared_ptr<const CryptoLibrary> server_library) {
    Conversation link{lab::TlsContext(client, std::move(client_library)),
                      lab::TlsContext(broker, std::move(server_library))};
    link.handshake();
    REQUIRE(link.server.handshake_complete());
    REQUIRE(link.client.write_plaintext(
                bytes_of("\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c\x00\x00"sv)) == 14);
    link.pump();
    REQUIRE(link.server.write_plaintext(bytes_of("\x20\x02\x00\x00"sv)) == 4);
    REQUIRE(link.server.write_plaintext(bytes_of("\x30\x0a\x00\x04"
                                                 "ciel21.5"sv)) == 12);
    link.pump();
    link.client.close();
    link.pump();
    link.server.close();
    link.pump();
    REQUIRE(link.client.close_notify_received());
    return {link.to_server, link.to_client, link.client.key_log().text()};
}

Transcript converse(TlsVersions versions, std::shared_ptr<const CryptoLibrary> client_library,
                    std::shared_ptr<const CryptoLibrary> server_library) {
    return converse(client_options(versions), broker_options(versions), std::move(client_library),
                    std::move(server_library));
}

Transcript converse(TlsVersions versions, std::uint64_t seed) {
    return converse(versions, CryptoLibrary::seeded(2 * seed), CryptoLibrary::seeded(2 * seed + 1));
}

}  // namespace

TEST_CASE("A seeded library draws its random bytes from its seed alone", "[lab][tls]") {
    const auto first = CryptoLibrary::seeded(42);
    const auto again = CryptoLibrary::seeded(42);
    const auto other = CryptoLibrary::seeded(43);
    CHECK(first->is_seeded());
    CHECK_FALSE(CryptoLibrary::system()->is_seeded());

    // One stream per library, public and private draws alike, in the order they come.
    const Draw public_draw = draw_public(*first);
    const Draw private_draw = draw_private(*first);
    CHECK(draw_public(*again) == public_draw);
    CHECK(draw_private(*again) == private_draw);
    CHECK(public_draw != private_draw);
    CHECK(draw_public(*other) != public_draw);
    // The process's own randomness is not touched.
    CHECK(draw_public(*CryptoLibrary::system()) != draw_public(*CryptoLibrary::system()));
}

TEST_CASE("Keys and signatures made in a seeded library are the same for the same seed",
          "[lab][tls]") {
    const auto [type, curve] =
        GENERATE(std::pair{"EC", "P-256"}, std::pair{"X25519", static_cast<const char*>(nullptr)});
    CAPTURE(type);
    const auto make = [&](std::uint64_t seed) {
        const auto library = CryptoLibrary::seeded(seed);
        const KeyPtr key = new_key(*library, type, curve);
        REQUIRE(key != nullptr);
        return std::pair{public_key(key), std::string(type) == "EC" ? sign(*library, key)
                                                                    : std::vector<std::uint8_t>{}};
    };
    const auto first = make(5);
    CHECK(make(5) == first);
    CHECK(make(6).first != first.first);
}

TEST_CASE("The same seeds give byte-identical TLS records in both directions", "[lab][tls]") {
    const TlsVersions versions = GENERATE(TlsVersions::Tls12Only, TlsVersions::Tls13Only);
    const Transcript first = converse(versions, 7);
    const Transcript again = converse(versions, 7);
    CHECK(again.to_server == first.to_server);
    CHECK(again.to_client == first.to_client);
    CHECK(again.key_log == first.key_log);

    const Transcript other = converse(versions, 8);
    CHECK(other.to_server != first.to_server);
    CHECK(other.to_client != first.to_client);
    CHECK(other.key_log != first.key_log);

    SECTION("both sides may share one library") {
        const auto shared = [&] {
            const auto library = CryptoLibrary::seeded(9);
            return converse(versions, library, library);
        };
        const Transcript one = shared();
        CHECK(shared().to_server == one.to_server);
    }
    SECTION("the system's library gives other bytes each time") {
        const auto unseeded = [&] {
            return converse(versions, CryptoLibrary::system(), CryptoLibrary::system());
        };
        CHECK(unseeded().to_server != unseeded().to_server);
    }
}

TEST_CASE("RSA-PSS signatures in the handshake follow the seed too", "[lab][tls]") {
    const TlsVersions versions = GENERATE(TlsVersions::Tls12Only, TlsVersions::Tls13Only);
    // openssl genrsa's key for the broker, as the lab sheet makes it.
    static const Authority ca = make_root("Ciel CA");
    static const lab::PrivateKey rsa(lab::KeyAlgorithm::Rsa2048);
    lab::TlsContextOptions broker = broker_options(versions);
    broker.credentials = lab::TlsCredentials{
        lab::make_signed(student_spec("Dupont"), rsa, ca.der, ca.key), {}, rsa.der()};
    broker.peer_certificate = lab::PeerCertificate::Ignored;
    lab::TlsContextOptions client = client_options(versions);
    client.trusted_certificates = {ca.der};
    client.credentials.reset();
    const auto run = [&](std::uint64_t seed) {
        return converse(client, broker, CryptoLibrary::seeded(seed),
                        CryptoLibrary::seeded(seed + 1));
    };
    const Transcript first = run(3);
    CHECK(run(3).to_client == first.to_client);
    CHECK(run(4).to_client != first.to_client);
}
