// JA3, JA3S and JA4 on known inputs: the values tshark 4.0.17 gives for the
// illustrated captures, and the worked example of FoxIO's JA4.md.
#include <catch2/catch.hpp>

#include "tls/fingerprints.hpp"
#include "tls/hello_parser.hpp"
#include "tls_fixtures.hpp"

using namespace mqscan;
using namespace mqscan::tls;
using namespace mqscan::test::tls;

namespace {

TlsHelloSummary client_hello_of(const std::string& record_bytes) {
    const HelloResult parsed = parse_client_hello(bytes_of(record_bytes.substr(9)));
    REQUIRE(parsed);
    return parsed->hello;
}

TlsHelloSummary server_hello_of(const std::string& record_bytes) {
    const HelloResult parsed = parse_server_hello(bytes_of(record_bytes.substr(9)));
    REQUIRE(parsed);
    return parsed->hello;
}

// The ClientHello of JA4.md's example, with GREASE values that must not count.
TlsHelloSummary ja4_example() {
    TlsHelloSummary h;
    h.legacy_version = 0x0303;
    h.cipher_suites = {0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
                       0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
    h.extensions = {0x5a5a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d,
                    0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015, 0x9a9a};
    h.signature_algorithms = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
    h.supported_versions = {0x7a7a, 0x0304, 0x0303};
    h.alpn = {"h2", "http/1.1"};
    return h;
}

}  // namespace

TEST_CASE("JA3 and JA3S of the illustrated captures are tshark's", "[tls][fingerprint]") {
    const Fingerprint tls13_client = ja3(client_hello_of(illustrated(3, "clienthello")));
    CHECK(tls13_client.text ==
          "771,4866-4867-4865-255,0-11-10-35-22-23-13-43-45-51,29-23-30-25-24-256-257-258-259-260,0-1-2");
    CHECK(tls13_client.hash == "f146948b4a599d4d7ddf071b74696983");
    const Fingerprint tls13_server = ja3s(server_hello_of(illustrated(3, "serverhello")));
    CHECK(tls13_server.text == "771,4866,43-51");
    CHECK(tls13_server.hash == "15af977ce25de452b96affa2addb1036");

    const Fingerprint tls12_client = ja3(client_hello_of(illustrated(2, "clienthello")));
    CHECK(tls12_client.text ==
          "771,52392-52393-49199-49200-49195-49196-49171-49161-49172-49162-156-157-47-53-49170-10,"
          "0-5-10-11-13-65281-18,29-23-24-25,0");
    CHECK(tls12_client.hash == "36d715579d31b7f031149c4560b5914f");
    const Fingerprint tls12_server = ja3s(server_hello_of(illustrated(2, "serverhello")));
    CHECK(tls12_server.text == "771,49171,65281");
    CHECK(tls12_server.hash == "5a450169db1f168548fb87aa841fe743");
}

TEST_CASE("JA3 leaves GREASE out", "[tls][fingerprint]") {
    const TlsHelloSummary h = ja4_example();
    CHECK(ja3(h).text ==
          "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
          "27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,,");
}

TEST_CASE("JA4 of JA4.md's worked example", "[tls][fingerprint]") {
    const Fingerprint print = ja4(ja4_example());
    CHECK(print.hash == "t13d1516h2_8daaf6152771_e5627efa2ab1");
    CHECK(print.text ==
          "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_"
          "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_"
          "0403,0804,0401,0503,0805,0501,0806,0601");
}

TEST_CASE("JA4's edge rules", "[tls][fingerprint]") {
    TlsHelloSummary h = ja4_example();
    SECTION("no signature algorithms: no underscore in the extension string") {
        h.signature_algorithms.clear();
        CHECK(ja4(h).hash.ends_with("_6d807ffa2a79"));
    }
    SECTION("no ciphers, no extensions: twelve zeros") {
        h.cipher_suites = {0x0a0a};
        h.extensions = {0x0000, 0x0010};
        CHECK(ja4(h).hash == "t13d0002h2_000000000000_000000000000");
    }
    SECTION("the ALPN value's first and last characters, or of its hex form") {
        const auto alpn_of = [&h](std::string first) {
            h.alpn = {std::move(first)};
            return ja4(h).hash.substr(8, 2);
        };
        CHECK(alpn_of("http/1.1") == "h1");
        CHECK(alpn_of("h") == "hh");
        CHECK(alpn_of("\xab") == "ab");
        CHECK(alpn_of("\xab\xcd") == "ad");
        CHECK(alpn_of("0\xab") == "3b");
        CHECK(alpn_of("01\xab\xcd") == "3d");
        CHECK(alpn_of("0\xab\xcd"
                      "1") == "01");
        CHECK(alpn_of("") == "00");
        h.alpn.clear();
        CHECK(ja4(h).hash.substr(8, 2) == "00");
    }
    SECTION("the version: the highest supported_versions value, else the hello's") {
        h.supported_versions.clear();
        CHECK(ja4(h).hash.starts_with("t12d"));
        h.legacy_version = 0x0300;
        CHECK(ja4(h).hash.starts_with("ts3d"));
        h.legacy_version = 0x0305;
        CHECK(ja4(h).hash.starts_with("t00d"));
    }
    SECTION("counts stop at 99") {
        h.cipher_suites.assign(150, 0x002f);
        CHECK(ja4(h).hash.starts_with("t13d9916h2"));
    }
    SECTION("no SNI: i") {
        h.extensions.erase(h.extensions.begin() + 2);
        CHECK(ja4(h).hash.starts_with("t13i1515h2"));
    }
}
