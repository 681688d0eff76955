// --ca through the TLS dissector: each chain a Certificate message carries is
// verified against the given CA at the capture's time.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "lab/certificate_factory.hpp"
#include "tls_fixtures.hpp"
#include "x509/trust_store.hpp"

using namespace mqscan;
using namespace mqscan::test::tls;

namespace {

constexpr std::int64_t kNow = 1'795'000'000;  // 2026-11-18, the capture's time below
constexpr std::int64_t kYear = 365 * 24 * 3600;

lab::CertificateSpec spec(const std::string& cn, bool is_ca) {
    lab::CertificateSpec s;
    s.subject = {{"O", "Ciel Inès Lefèvre"}, {"CN", cn}};
    s.not_before = kNow - kYear;
    s.not_after = kNow + kYear;
    s.is_ca = is_ca;
    return s;
}

// A server flight whose Certificate message carries `der`.
Conversation server_sending(const std::vector<std::uint8_t>& der) {
    const std::string entry = vec24(std::string(der.begin(), der.end()));
    return {to_server(tls12("clienthello")),
            to_client(tls12("serverhello") + record(kHandshake, 0x0303, handshake(11, vec24(entry))))};
}

std::optional<ChainVerification> verdict(const Conversation& conversation,
                                         const x509::TrustStore& trust, std::int64_t at) {
    ConnectionSummary connection;
    tls::TlsDissector dissector(TlsSettings{}, connection, &trust,
                                [](AnomalyId, std::uint64_t, std::string) {});
    for (const Chunk& chunk : conversation) {
        const Bytes bytes(reinterpret_cast<const std::uint8_t*>(chunk.bytes.data()), chunk.bytes.size());
        dissector.feed(chunk.dir, bytes, FrameRef{1, Timestamp::from_seconds(at)});
    }
    return dissector.report().server_verification;
}

}  // namespace

TEST_CASE("With --ca, a server chain is verified against the CA at the capture's time", "[tls][x509]") {
    const lab::PrivateKey ca_key(lab::KeyAlgorithm::EcP256);
    const auto ca = lab::make_self_signed(spec("CA CIEL", true), ca_key);
    const lab::PrivateKey broker_key(lab::KeyAlgorithm::EcP256);
    const auto broker = lab::make_signed(spec("localhost", false), broker_key, ca, ca_key);
    const auto path = std::filesystem::temp_directory_path() / "mqscan-test-ca.pem";
    std::ofstream(path) << lab::certificate_pem(ca);
    auto trust = x509::TrustStore::load({path});
    std::filesystem::remove(path);
    REQUIRE(trust.ok());

    const auto signed_by_ca = verdict(server_sending(broker), *trust, kNow);
    REQUIRE(signed_by_ca);
    CHECK(signed_by_ca->ok);
    CHECK(signed_by_ca->result == "ok");

    const auto after_expiry = verdict(server_sending(broker), *trust, kNow + 2 * kYear);
    REQUIRE(after_expiry);
    CHECK(after_expiry->result == "expired");

    const lab::PrivateKey other_key(lab::KeyAlgorithm::EcP256);
    const auto other_ca = lab::make_self_signed(spec("another CA", true), other_key);
    const auto stranger = lab::make_signed(spec("localhost", false), broker_key, other_ca, other_key);
    const auto unknown = verdict(server_sending(stranger), *trust, kNow);
    REQUIRE(unknown);
    CHECK(unknown->result == "unknown_issuer");
}
