#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lab/certificate_factory.hpp"
#include "x509/certificate_summary.hpp"
#include "x509_test_support.hpp"

using namespace mqscan;
using namespace mqscan::test;
using x509::summarize_certificate;

namespace {

std::vector<std::uint8_t> from_hex(std::string_view hex) {
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes.push_back(
            static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return bytes;
}

// Made by openssl 3.0, not by the factory (one command, cut here into lines):
//   openssl ecparam -name prime256v1 -genkey -noout -out fx.key
//   openssl req -x509 -new -key fx.key -utf8
//     -subj "/C=FR/O=Ciel Inès Lefèvre/OU=iot Inès Lefèvre/CN=localhost"
//     -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,email:ines@example.fr,
//                              URI:mqtts://localhost:8883"
//     -addext "basicConstraints=critical,CA:FALSE"
//     -set_serial 0x1234ABCD -days 3650 -sha256 -outform DER
// The expected values below are what `openssl x509 -text -fingerprint -sha256` printed.
const std::vector<std::uint8_t> kOpensslCertificate = from_hex(
    "30820253308201f9a00302010202041234abcd300a06082a8648ce3d0403"
    "02305c310b3009060355040613024652311c301a060355040a0c13436965"
    "6c20496ec3a873204c6566c3a8767265311b3019060355040b0c12696f74"
    "20496ec3a873204c6566c3a87672653112301006035504030c096c6f6361"
    "6c686f7374301e170d3236313132323131353834395a170d333631313139"
    "3131353834395a305c310b3009060355040613024652311c301a06035504"
    "0a0c134369656c20496ec3a873204c6566c3a8767265311b301906035504"
    "0b0c12696f7420496ec3a873204c6566c3a8767265311230100603550403"
    "0c096c6f63616c686f73743059301306072a8648ce3d020106082a8648ce"
    "3d03010703420004ca32e9d60fe7734ae645631f858d45e366ac1b439253"
    "38780b7a9f501a0f38d93235dedff301529395732d55c6c17018fe6759df"
    "3472e9b45741db146a7991c9a381a83081a5301d0603551d0e0416041405"
    "a2fe5c9b8bbaaf0799e4466b1e682f8fc86998301f0603551d2304183016"
    "801405a2fe5c9b8bbaaf0799e4466b1e682f8fc8699830550603551d1104"
    "4e304c82096c6f63616c686f737487047f00000187100000000000000000"
    "0000000000000001810f696e6573406578616d706c652e667286166d7174"
    "74733a2f2f6c6f63616c686f73743a38383833300c0603551d130101ff04"
    "023000300a06082a8648ce3d0403020348003045022100c772e37bb74c35"
    "e1d84a305703d73c39d995a905e840bdafd42e32e2cac382ef02204b8eb0"
    "d2d70f1cca742c7cea2c916d1dfeaaea18131df135778b1fe85e6ab1bb");

// SHA-256 computed here, apart from the code under test.
std::string sha256_of(const std::vector<std::uint8_t>& der) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    REQUIRE(EVP_Digest(der.data(), der.size(), digest.data(), &length, EVP_sha256(), nullptr) == 1);
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        static constexpr char kDigits[] = "0123456789abcdef";
        hex += kDigits[digest[i] >> 4];
        hex += kDigits[digest[i] & 0x0f];
    }
    return hex;
}

CertificateSummary summary_of(const std::vector<std::uint8_t>& der) {
    auto summary = summarize_certificate(der);
    INFO((summary ? std::string() : summary.error()));
    REQUIRE(summary.ok());
    return *summary;
}

}  // namespace

TEST_CASE("A certificate made by openssl reads as openssl prints it", "[x509]") {
    const CertificateSummary s = summary_of(kOpensslCertificate);
    const DistinguishedName name{
        {"C", "FR"}, {"O", "Ciel Inès Lefèvre"}, {"OU", "iot Inès Lefèvre"}, {"CN", "localhost"}};
    CHECK(s.subject == name);
    CHECK(s.issuer == name);
    CHECK(s.serial == "1234ABCD");
    CHECK(s.not_before == 1795348729);  // Nov 22 11:58:49 2026 GMT
    CHECK(s.not_after == 2110708729);   // Nov 19 11:58:49 2036 GMT
    CHECK(s.signature_algorithm == "ecdsa-with-SHA256");
    CHECK(s.key == "EC P-256");
    CHECK(s.san == std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1", "IP:::1",
                                            "email:ines@example.fr", "URI:mqtts://localhost:8883"});
    CHECK(s.san_total == 5);
    CHECK_FALSE(s.is_ca);
    CHECK(s.self_signed);
    CHECK(s.sha256 == "a813fbd79254c366f4c7b33d60147432256737c45d94fa0e18400ae244cdf306");
}

TEST_CASE("A lab CA and a student's certificate", "[x509]") {
    const Authority ca = make_root("CA CIEL", lab::KeyAlgorithm::Rsa2048);
    lab::CertificateSpec spec = student_spec("Inès Lefèvre");
    spec.san.push_back("IP:::1");
    spec.serial = 0x0102;
    const auto leaf_der = issue(ca, spec);

    const CertificateSummary authority = summary_of(ca.der);
    CHECK(authority.subject == DistinguishedName{{"O", "CIEL"}, {"CN", "CA CIEL"}});
    CHECK(authority.issuer == authority.subject);
    CHECK(authority.key == "RSA 2048");
    CHECK(authority.signature_algorithm == "sha256WithRSAEncryption");
    CHECK(authority.is_ca);
    CHECK(authority.self_signed);
    CHECK(authority.serial == "01");
    CHECK(authority.san.empty());
    CHECK(authority.san_total == 0);
    CHECK(authority.sha256 == sha256_of(ca.der));

    const CertificateSummary leaf = summary_of(leaf_der);
    CHECK(leaf.subject == DistinguishedName{{"O", "Ciel Inès Lefèvre"},
                                            {"OU", "iot Inès Lefèvre"},
                                            {"CN", "localhost"}});
    CHECK(leaf.issuer == authority.subject);
    CHECK(leaf.key == "EC P-256");
    CHECK(leaf.signature_algorithm == "sha256WithRSAEncryption");  // the CA's key signs
    CHECK_FALSE(leaf.is_ca);
    CHECK_FALSE(leaf.self_signed);
    CHECK(leaf.serial == "0102");
    CHECK(leaf.not_before == kJan2024);
    CHECK(leaf.not_after == kJan2034);
    CHECK(leaf.san == std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1", "IP:::1"});
    CHECK(leaf.sha256 == sha256_of(leaf_der));
}

TEST_CASE("Serial numbers and times at their edges", "[x509]") {
    const lab::PrivateKey key(lab::KeyAlgorithm::EcP256);
    lab::CertificateSpec spec = ca_spec("edges");
    spec.serial = 0x8000000000000000;  // DER adds a zero byte to keep it positive
    spec.not_before = -315619200;      // 1960-01-01, a UTCTime before the epoch
    spec.not_after = 2840140800;       // 2060-01-01, a GeneralizedTime
    const CertificateSummary s = summary_of(lab::make_self_signed(spec, key));
    CHECK(s.serial == "8000000000000000");
    CHECK(s.not_before == -315619200);
    CHECK(s.not_after == 2840140800);
}

TEST_CASE("Same names, another key: not self-signed", "[x509]") {
    const Authority ca = make_root("CA CIEL");
    lab::CertificateSpec spec = student_spec("Inès");
    spec.subject = {{"O", "CIEL"}, {"CN", "CA CIEL"}};
    const CertificateSummary s = summary_of(issue(ca, spec));
    CHECK(s.subject == s.issuer);
    CHECK_FALSE(s.self_signed);
}

TEST_CASE("Attributes keep OpenSSL's short names, or the dotted OID", "[x509]") {
    const lab::PrivateKey key(lab::KeyAlgorithm::EcP256);
    lab::CertificateSpec spec = ca_spec("names");
    spec.subject = {{"C", "FR"},
                    {"emailAddress", "prof@example.fr"},
                    {"1.3.6.1.4.1.99999.1", "élève"},
                    {"CN", "Zoë"}};
    CHECK(summary_of(lab::make_self_signed(spec, key)).subject == spec.subject);
}

TEST_CASE("Subject alternative names: all counted, the first ones kept", "[x509]") {
    const lab::PrivateKey key(lab::KeyAlgorithm::EcP256);
    lab::CertificateSpec spec = ca_spec("many names");
    // As many as the certificate of the zeek trace tls-fragmented-handshake.pcap.
    for (int i = 0; i < 10000; ++i)
        spec.san.push_back("DNS:host" + std::to_string(i) + ".example.org");
    const auto der = lab::make_self_signed(spec, key);
    REQUIRE(der.size() <= x509::kMaxCertificateDerBytes);
    const CertificateSummary s = summary_of(der);
    CHECK(s.san_total == 10000);
    REQUIRE(s.san.size() == x509::kMaxSanListed);
    CHECK(s.san.front() == "DNS:host0.example.org");
    CHECK(s.san.back() == "DNS:host" + std::to_string(x509::kMaxSanListed - 1) + ".example.org");
}

TEST_CASE("Bytes that are not exactly one certificate are refused with a sentence", "[x509]") {
    const std::vector<std::uint8_t>& good = kOpensslCertificate;
    auto refused = [](const std::vector<std::uint8_t>& der) {
        auto summary = summarize_certificate(der);
        REQUIRE_FALSE(summary.ok());
        CHECK(ERR_peek_error() == 0);
        return summary.error();
    };

    CHECK(refused({}) == "the certificate is empty");
    CHECK_THAT(refused({0x01, 0x02, 0x03}),
               Catch::StartsWith("the bytes are not a DER X.509 certificate ("));

    std::vector<std::uint8_t> trailing = good;
    trailing.push_back(0x00);
    CHECK(refused(trailing) == "the certificate's DER ends after 599 of the 600 bytes");

    std::vector<std::uint8_t> oversized(x509::kMaxCertificateDerBytes + 1, 0x30);
    CHECK(refused(oversized) ==
          "the certificate is 524289 bytes long, over the limit of 524288 bytes");

    SECTION("every truncation") {
        for (std::size_t length = 1; length < good.size(); ++length)
            CHECK_THAT(refused({good.begin(), good.begin() + static_cast<std::ptrdiff_t>(length)}),
                       Catch::StartsWith("the bytes are not a DER X.509 certificate"));
    }
}

TEST_CASE("One certificate's OpenSSL errors never reach the next", "[x509]") {
    const std::vector<std::uint8_t> garbage{0x30, 0x82, 0xff, 0xff, 0x00};
    REQUIRE_FALSE(summarize_certificate(garbage).ok());
    CHECK(ERR_peek_error() == 0);
    const CertificateSummary after_failure = summary_of(kOpensslCertificate);
    CHECK(ERR_peek_error() == 0);

    // An error left in the queue by someone else spoils neither a good certificate nor the
    // sentence about a bad one.
    ERR_raise(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE);
    CHECK(summary_of(kOpensslCertificate) == after_failure);
    CHECK(ERR_peek_error() == 0);
    ERR_raise(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE);
    CHECK(summarize_certificate(garbage).error() ==
          "the bytes are not a DER X.509 certificate (too long)");
    CHECK(ERR_peek_error() == 0);
}

namespace {

// Where `pattern` occurs in `bytes` for the n-th time (from 0).
std::size_t nth_occurrence(const std::vector<std::uint8_t>& bytes, std::string_view pattern_hex,
                           int n) {
    const std::vector<std::uint8_t> pattern = from_hex(pattern_hex);
    auto at = bytes.begin() - 1;
    for (int i = 0; i <= n; ++i) {
        at = std::search(at + 1, bytes.end(), pattern.begin(), pattern.end());
        REQUIRE(at != bytes.end());
    }
    return static_cast<std::size_t>(at - bytes.begin());
}

}  // namespace

TEST_CASE("A value that is not text is shown as hex; a damaged extension is named", "[x509]") {
    std::vector<std::uint8_t> der = kOpensslCertificate;
    // The subject's CN, UTF8String "localhost" (the issuer's comes first), becomes an
    // ObjectDescriptor, which OpenSSL reads but does not convert to UTF-8.
    der[nth_occurrence(der, "0c096c6f63616c686f7374", 1)] = 0x07;
    const CertificateSummary s = summary_of(der);
    CHECK(s.subject.back() == NameAttribute{"CN", "#6c6f63616c686f7374"});
    CHECK(s.issuer.back() == NameAttribute{"CN", "localhost"});
    CHECK_FALSE(s.self_signed);

    // The subjectAltName's SEQUENCE becomes a SET: the sentence says so, not the CN's trouble.
    der[nth_occurrence(der, "0603551d1104", 0) + 7] = 0x31;
    CHECK(summarize_certificate(der).error() ==
          "its subjectAltName extension cannot be decoded (wrong tag)");
}

TEST_CASE("A certificate entry carries the summary or the error", "[x509]") {
    const CertificateEntry good = x509::certificate_entry(kOpensslCertificate);
    CHECK(good.der_length == 599);
    CHECK(good.summary.has_value());
    CHECK(good.error.empty());

    const std::vector<std::uint8_t> garbage{0x04, 0x00};
    const CertificateEntry bad = x509::certificate_entry(garbage);
    CHECK(bad.der_length == 2);
    CHECK_FALSE(bad.summary.has_value());
    CHECK_FALSE(bad.error.empty());
}

// The seeds of the certificate fuzz target were made by the openssl command
// line (tests/fuzz/README.md); the factory makes only RSA and P-256 keys.
TEST_CASE("Key types as a report names them", "[x509]") {
    const std::filesystem::path corpus =
        std::filesystem::path(MQSCAN_SOURCE_DIR) / "tests/fuzz/corpus/certificate";
    const auto [file, key] = GENERATE(table<const char*, const char*>({
        {"openssl-rsa4096-ca.der", "RSA 4096"},
        {"openssl-rsa-pss.der", "RSA-PSS 2048"},
        {"openssl-p384.der", "EC P-384"},
        {"openssl-p521.der", "EC P-521"},
        {"openssl-secp256k1.der", "EC secp256k1"},
        {"openssl-ed25519.der", "Ed25519"},
        {"openssl-ed448.der", "Ed448"},
        {"openssl-dsa2048.der", "DSA 2048"},
    }));
    std::ifstream input(corpus / file, std::ios::binary);
    const std::vector<std::uint8_t> der{std::istreambuf_iterator<char>(input), {}};
    INFO(file);
    CHECK(summary_of(der).key == key);
}

TEST_CASE("A repeated extension is refused (RFC 5280 4.2)", "[x509]") {
    const unsigned char* cursor = kOpensslCertificate.data();
    std::unique_ptr<X509, decltype(&X509_free)> certificate(
        d2i_X509(nullptr, &cursor, static_cast<long>(kOpensslCertificate.size())), X509_free);
    REQUIRE(certificate != nullptr);
    const int san = X509_get_ext_by_NID(certificate.get(), NID_subject_alt_name, -1);
    REQUIRE(X509_add_ext(certificate.get(), X509_get_ext(certificate.get(), san), -1) == 1);
    REQUIRE(i2d_re_X509_tbs(certificate.get(), nullptr) > 0);  // drops the cached encoding
    unsigned char* encoded = nullptr;
    const int length = i2d_X509(certificate.get(), &encoded);  // the signature no longer matches
    REQUIRE(length > 0);
    const std::vector<std::uint8_t> der(encoded, encoded + length);
    OPENSSL_free(encoded);
    CHECK(summarize_certificate(der).error() ==
          "its subjectAltName extension appears more than once");
}
