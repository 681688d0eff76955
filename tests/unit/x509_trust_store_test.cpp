#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <openssl/err.h>

#include "lab/certificate_factory.hpp"
#include "x509/trust_store.hpp"
#include "x509_test_support.hpp"

using namespace mqscan;
using namespace mqscan::test;
using x509::TrustStore;

namespace {

TrustStore store_of(const ScratchDirectory& scratch, const std::vector<const Authority*>& cas) {
    std::string pem;
    for (const Authority* ca : cas) pem += lab::certificate_pem(ca->der);
    auto store = TrustStore::load({scratch.write("ca.pem", pem)});
    INFO((store ? std::string() : store.error()));
    REQUIRE(store.ok());
    return std::move(*store);
}

ChainVerification verify(const TrustStore& store,
                         const std::vector<std::vector<std::uint8_t>>& chain,
                         std::int64_t at = kJun2025) {
    const std::vector<Bytes> views(chain.begin(), chain.end());
    ChainVerification verdict = store.verify(views, at);
    CHECK(ERR_peek_error() == 0);
    return verdict;
}

ChainVerification failure(const char* result, const char* reason, std::uint32_t depth) {
    return {.ok = false, .result = result, .reason = reason, .depth = depth};
}

const ChainVerification kOk{.ok = true, .result = "ok", .reason = "ok", .depth = {}};

}  // namespace

TEST_CASE("CA files: several certificates, other blocks skipped, clear errors", "[x509]") {
    const ScratchDirectory scratch;
    const Authority first = make_root("CA CIEL");
    const Authority second = make_root("CA CIEL 2", lab::KeyAlgorithm::Rsa2048);

    SECTION("two files, one holding a key and two certificates") {
        const auto both =
            scratch.write("both.pem", first.key.pem() + lab::certificate_pem(first.der) +
                                          lab::certificate_pem(second.der));
        const auto one = scratch.write("one.pem", lab::certificate_pem(second.der));
        auto store = TrustStore::load({both, one});
        REQUIRE(store.ok());
        CHECK(store->certificate_count() == 3);
    }
    SECTION("a missing file") {
        const auto missing = scratch.path() / "missing.pem";
        auto store = TrustStore::load({missing});
        REQUIRE_FALSE(store.ok());
        CHECK(store.error() ==
              "cannot read CA file '" + missing.string() + "': No such file or directory");
    }
    SECTION("a file without a certificate") {
        const auto key_only = scratch.write("key.pem", first.key.pem());
        auto store = TrustStore::load({key_only});
        REQUIRE_FALSE(store.ok());
        CHECK(store.error() == "CA file '" + key_only.string() +
                                   "' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    SECTION("a damaged certificate block") {
        std::string pem = lab::certificate_pem(first.der) + lab::certificate_pem(second.der);
        pem[pem.rfind("-----END") - 10] = '*';
        const auto damaged = scratch.write("damaged.pem", pem);
        auto store = TrustStore::load({damaged});
        REQUIRE_FALSE(store.ok());
        CHECK_THAT(store.error(), Catch::StartsWith("certificate 2 of CA file '" +
                                                    damaged.string() + "' cannot be read ("));
    }
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("Chain verdicts", "[x509]") {
    const ScratchDirectory scratch;
    const Authority ca = make_root("CA CIEL", lab::KeyAlgorithm::Rsa2048);
    const TrustStore store = store_of(scratch, {&ca});
    const auto leaf = issue(ca, student_spec("Inès Lefèvre"));
    const auto unknown_issuer =
        failure("unknown_issuer", "unable to get local issuer certificate", 0);

    SECTION("signed by the CA, inside its validity") {
        CHECK(verify(store, {leaf}) == kOk);
    }
    SECTION("the CA's own certificate sent as the leaf") {
        CHECK(verify(store, {ca.der}) == kOk);
    }
    SECTION("signed by another CA") {
        const Authority other = make_root("CA CIEL");  // same name, another key
        CHECK(verify(store, {issue(other, student_spec("Inès"))}) == unknown_issuer);
    }
    SECTION("expired or not yet valid at the capture time") {
        // OpenSSL checks the CA's validity before the leaf's.
        CHECK(verify(store, {leaf}, kJan2034 + 1) ==
              failure("expired", "certificate has expired", 1));
        lab::CertificateSpec spec = student_spec("Inès");
        spec.not_after = kJan2025;
        CHECK(verify(store, {issue(ca, spec)}) == failure("expired", "certificate has expired", 0));
        spec = student_spec("Inès");
        spec.not_before = kJan2026;
        CHECK(verify(store, {issue(ca, spec)}) ==
              failure("not_yet_valid", "certificate is not yet valid", 0));
    }
    SECTION("a byte of the signature flipped") {
        auto damaged = leaf;
        damaged.back() ^= 0x01;
        CHECK(verify(store, {damaged}) ==
              failure("bad_signature", "certificate signature failure", 0));
    }
    SECTION("a self-signed leaf, and a chain ending in an unknown root") {
        const lab::PrivateKey key(lab::KeyAlgorithm::EcP256);
        CHECK(verify(store, {lab::make_self_signed(student_spec("Inès"), key)}) ==
              failure("self_signed", "self-signed certificate", 0));
        const Authority other = make_root("CA other");
        CHECK(verify(store, {issue(other, student_spec("Inès")), other.der}) ==
              failure("self_signed", "self-signed certificate in certificate chain", 1));
    }
    SECTION("no certificate, or one that cannot be read") {
        const ChainVerification none{.ok = false,
                                     .result = "no_certificate",
                                     .reason = "no certificate was sent",
                                     .depth = {}};
        CHECK(verify(store, {}) == none);
        const ChainVerification unreadable = verify(store, {leaf, {0x30, 0x00}});
        CHECK(unreadable.result == "invalid");
        CHECK_THAT(unreadable.reason,
                   Catch::StartsWith("certificate 1 of the chain cannot be read: "
                                     "the bytes are not a DER X.509 certificate ("));
        CHECK(unreadable.depth == 1u);
    }
}

TEST_CASE("Intermediates come from the chain as sent, in any order", "[x509]") {
    const ScratchDirectory scratch;
    const Authority root = make_root("CA CIEL");
    const Authority intermediate = make_intermediate(root, "CA CIEL intermédiaire");
    const TrustStore store = store_of(scratch, {&root});
    const auto leaf = issue(intermediate, student_spec("Inès"));
    const Authority unrelated = make_root("CA other");

    CHECK(verify(store, {leaf, intermediate.der}) == kOk);
    CHECK(verify(store, {leaf, unrelated.der, intermediate.der, root.der}) == kOk);
    CHECK(verify(store, {leaf}) ==
          failure("unknown_issuer", "unable to get local issuer certificate", 0));
}

namespace {

// What `openssl verify` prints, errors included.
std::string openssl_verify(const std::string& arguments) {
    const std::string command = "openssl verify -no-CApath -no-CAstore " + arguments + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> output(popen(command.c_str(), "r"), pclose);
    REQUIRE(output != nullptr);
    std::string text;
    std::array<char, 256> buffer{};
    while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), output.get()) != nullptr)
        text += buffer.data();
    return text;
}

}  // namespace

TEST_CASE("Verdicts agree with openssl verify -attime", "[x509]") {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
        WARN("openssl is not installed: the comparison is skipped");
        return;
    }
    const ScratchDirectory scratch;
    const Authority root = make_root("CA CIEL", lab::KeyAlgorithm::Rsa2048);
    const Authority intermediate = make_intermediate(root, "CA CIEL intermédiaire");
    const TrustStore store = store_of(scratch, {&root});
    const auto leaf = issue(intermediate, student_spec("Inès"));
    auto damaged = leaf;
    damaged.back() ^= 0x01;
    const std::string ca_file = scratch.write("root.pem", lab::certificate_pem(root.der)).string();
    const std::string intermediate_file =
        scratch.write("intermediate.pem", lab::certificate_pem(intermediate.der)).string();

    struct Case {
        std::int64_t at;
        std::vector<std::uint8_t> leaf;
        bool with_intermediate;
    };
    const std::vector<Case> cases{{kJun2025, leaf, true},      // ok
                                  {kJun2025, leaf, false},     // unknown issuer
                                  {kJan2034 + 1, leaf, true},  // expired
                                  {kJan2024 - 1, leaf, true},  // not yet valid
                                  {kJun2025, damaged, true}};  // bad signature
    for (const Case& c : cases) {
        const std::string leaf_file =
            scratch.write("leaf.pem", lab::certificate_pem(c.leaf)).string();
        std::string arguments = "-attime " + std::to_string(c.at) + " -CAfile " + ca_file;
        std::vector<std::vector<std::uint8_t>> chain{c.leaf};
        if (c.with_intermediate) {
            arguments += " -untrusted " + intermediate_file;
            chain.push_back(intermediate.der);
        }
        const ChainVerification ours = verify(store, chain, c.at);
        const std::string theirs = openssl_verify(arguments + " " + leaf_file);
        INFO(arguments << "\nopenssl: " << theirs << "mqscan: " << Catch::Detail::stringify(ours));
        if (ours.ok) {
            CHECK(theirs == leaf_file + ": OK\n");
        } else {
            CHECK_THAT(theirs, Catch::Contains(" at " + std::to_string(*ours.depth) +
                                               " depth lookup: " + ours.reason + "\n"));
            CHECK_THAT(theirs, !Catch::Contains(": OK"));
        }
    }
}
