// TLS handshake messages: reassembly across records, the hellos and their
// extensions, the certificate list.
#include <catch2/catch.hpp>

#include "tls/certificate_list.hpp"
#include "tls/handshake_assembler.hpp"
#include "tls/hello_parser.hpp"
#include "tls_fixtures.hpp"

using namespace mqscan;
using namespace mqscan::tls;
using namespace mqscan::test::tls;

namespace {

class MessageLog final : public MessageHandler {
public:
    void on_message(std::uint8_t type, Bytes body) override {
        lines.push_back(fmt::format("{} {} bytes", handshake_type_name(type), body.size()));
    }
    void on_oversized_message(std::uint8_t type, std::uint32_t length) override {
        lines.push_back(fmt::format("oversized {} {} bytes", handshake_type_name(type), length));
    }
    std::vector<std::string> lines;
};

// The handshake payload of a record's bytes (its 5-byte header dropped).
std::string fragment_of(const std::string& record_bytes) { return record_bytes.substr(5); }

// A ClientHello with GREASE everywhere a client may put it (RFC 8701 §3), one
// field per line.
const std::string kGreaseClientHello =
    u16(0x0303)                                              // legacy_version: TLS 1.2
    + std::string(32, '\x11')                                // random
    + vec8(std::string(32, '\x22'))                          // legacy_session_id: 32 bytes
    + vec16(u16(0x2a2a)                                      // cipher_suites: GREASE
            + u16(0x1301)                                    //   TLS_AES_128_GCM_SHA256
            + u16(0xc02f))                                   //   TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    + vec8(u8(0))                                            // legacy_compression_methods: null
    + vec16(                                                 // extensions
          ext(0xdada, "")                                    //   GREASE, empty
          + ext(0, vec16(u8(0) + vec16("broker.lab")))       // server_name: host_name broker.lab
          + ext(5, u8(1) + vec16("") + vec16(""))            // status_request: ocsp
          + ext(10, vec16(u16(0x4a4a) + u16(29) + u16(23)))  // supported_groups: GREASE, x25519, secp256r1
          + ext(11, vec8(u8(0)))                             // ec_point_formats: uncompressed
          + ext(13, vec16(u16(0x0403) + u16(0x0804)))        // signature_algorithms
          + ext(16, vec16(vec8("mqtt") + vec8("x-amzn-mqtt-ca")))    // ALPN
          + ext(28, u16(16385))                                      // record_size_limit
          + ext(43, vec8(u16(0x3a3a) + u16(0x0304) + u16(0x0303)))   // supported_versions
          + ext(45, vec8(u8(1)))                                     // psk_key_exchange_modes: psk_dhe_ke
          + ext(51, vec16(u16(0x4a4a) + vec16(u8(0))                 // key_share: GREASE, 1 byte
                          + u16(29) + vec16(std::string(32, 'k'))))  //   x25519
          + ext(42, "")                                              // early_data
          + ext(41, vec16(vec16("ticket") + u32(1000))               // pre_shared_key: 1 identity
                        + vec16(vec8(std::string(32, 'b'))))         //   1 binder
      );

}  // namespace

TEST_CASE("A handshake message split over many records is reassembled", "[tls][handshake]") {
    const std::string message = handshake(1, kGreaseClientHello);
    for (const std::size_t record_size : {1u, 2u, 3u, 4u, 5u, 100u}) {
        HandshakeAssembler assembler(64 * 1024);
        MessageLog log;
        for (std::size_t at = 0; at < message.size(); at += record_size) {
            CHECK(log.lines.empty());
            assembler.feed(bytes_of(message.substr(at, record_size)), log);
        }
        CHECK(log.lines ==
              std::vector<std::string>{fmt::format("client_hello {} bytes", kGreaseClientHello.size())});
        CHECK_FALSE(assembler.in_message());
    }
}

TEST_CASE("Several handshake messages in one record are all read", "[tls][handshake]") {
    // The server's TLS 1.2 flight in one record, then a message split in two.
    const std::string flight =
        fragment_of(illustrated(2, "serverhello")) + fragment_of(illustrated(2, "servercert")) +
        fragment_of(illustrated(2, "serverkeyexchange")) + fragment_of(illustrated(2, "serverhellodone"));
    HandshakeAssembler assembler(64 * 1024);
    MessageLog log;
    assembler.feed(bytes_of(flight.substr(0, flight.size() - 2)), log);
    CHECK(assembler.in_message());
    assembler.feed(bytes_of(flight.substr(flight.size() - 2)), log);
    CHECK(log.lines == std::vector<std::string>{"server_hello 45 bytes", "certificate 811 bytes",
                                                "server_key_exchange 296 bytes",
                                                "server_hello_done 0 bytes"});
}

TEST_CASE("A handshake message over the limit is skipped unbuffered", "[tls][handshake]") {
    HandshakeAssembler assembler(100);
    MessageLog log;
    const std::string big = handshake(11, std::string(5000, 'c'));
    const std::string after = handshake(14, "");
    const std::string stream = big + after;
    for (std::size_t at = 0; at < stream.size(); at += 50)
        assembler.feed(bytes_of(stream.substr(at, 50)), log);
    CHECK(log.lines ==
          std::vector<std::string>{"oversized certificate 5000 bytes", "server_hello_done 0 bytes"});
}

TEST_CASE("A message cut short says what it was", "[tls][handshake]") {
    HandshakeAssembler assembler(1000);
    MessageLog log;
    assembler.feed(bytes_of(handshake(1, std::string(300, 'x')).substr(0, 40)), log);
    const auto partial = assembler.abandon();
    REQUIRE(partial);
    CHECK(partial->type == 1);
    CHECK(partial->length == 300u);
    CHECK(partial->received == 40u);
    CHECK_FALSE(assembler.abandon());
}

TEST_CASE("ClientHello fields and extensions are decoded, GREASE kept and named", "[tls][hello]") {
    const HelloResult parsed = parse_client_hello(bytes_of(kGreaseClientHello));
    REQUIRE(parsed);
    CHECK(parsed->issues.empty());
    const TlsHelloSummary& h = parsed->hello;
    CHECK(h.legacy_version == 0x0303);
    CHECK(h.random == std::string(64, '1'));
    CHECK(h.session_id == std::string(64, '2'));
    CHECK(h.cipher_suites == std::vector<std::uint16_t>{0x2a2a, 0x1301, 0xc02f});
    CHECK(cipher_suite_name(h.cipher_suites[0]) == "GREASE (0x2a2a)");
    CHECK(h.compression_methods == std::vector<std::uint8_t>{0});
    CHECK(h.extensions == std::vector<std::uint16_t>{0xdada, 0, 5, 10, 11, 13, 16, 28, 43, 45, 51, 42, 41});
    CHECK(h.sni == "broker.lab");
    CHECK(h.status_request);
    CHECK(h.supported_groups == std::vector<std::uint16_t>{0x4a4a, 29, 23});
    CHECK(h.ec_point_formats == std::vector<std::uint8_t>{0});
    CHECK(h.signature_algorithms == std::vector<std::uint16_t>{0x0403, 0x0804});
    CHECK(h.alpn == std::vector<std::string>{"mqtt", "x-amzn-mqtt-ca"});
    CHECK(h.record_size_limit == 16385);
    CHECK(h.supported_versions == std::vector<std::uint16_t>{0x3a3a, 0x0304, 0x0303});
    CHECK(h.psk_key_exchange_modes == std::vector<std::uint8_t>{1});
    CHECK(h.key_share_groups == std::vector<std::uint16_t>{0x4a4a, 29});
    CHECK(h.early_data);
    CHECK(h.psk_identities == 1);
}

TEST_CASE("The illustrated TLS 1.3 ClientHello and ServerHello", "[tls][hello]") {
    const HelloResult client =
        parse_client_hello(bytes_of(fragment_of(illustrated(3, "clienthello")).substr(4)));
    REQUIRE(client);
    CHECK(hello_line(client->hello) ==
          "version=0x0303 random=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f "
          "session_id=e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff "
          "suites=TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,TLS_AES_128_GCM_SHA256,"
          "TLS_EMPTY_RENEGOTIATION_INFO_SCSV compression=0 "
          "extensions=server_name,ec_point_formats,supported_groups,session_ticket,encrypt_then_mac,"
          "extended_master_secret,signature_algorithms,supported_versions,psk_key_exchange_modes,key_share "
          "versions=TLS 1.3 groups=x25519,secp256r1,x448,secp521r1,secp384r1,ffdhe2048,ffdhe3072,ffdhe4096,"
          "ffdhe6144,ffdhe8192 sigalgs=ecdsa_secp256r1_sha256,ecdsa_secp384r1_sha384,ecdsa_secp521r1_sha512,"
          "ed25519,ed448,rsa_pss_pss_sha256,rsa_pss_pss_sha384,rsa_pss_pss_sha512,rsa_pss_rsae_sha256,"
          "rsa_pss_rsae_sha384,rsa_pss_rsae_sha512,rsa_pkcs1_sha256,rsa_pkcs1_sha384,rsa_pkcs1_sha512 "
          "key_shares=x25519 alpn= sni=example.ulfheim.net point_formats=0,1,2 psk_modes=psk_dhe_ke "
          "psk_identities=0 psk_selected=- early_data=false status_request=false record_size_limit=- "
          "sslv2=false");

    const HelloResult server =
        parse_server_hello(bytes_of(fragment_of(illustrated(3, "serverhello")).substr(4)));
    REQUIRE(server);
    CHECK_FALSE(server->retry_request);
    CHECK(server->hello.cipher_suites == std::vector<std::uint16_t>{0x1302});
    CHECK(server->hello.supported_versions == std::vector<std::uint16_t>{0x0304});
    CHECK(server->hello.key_share_groups == std::vector<std::uint16_t>{29});
    CHECK(server->hello.extensions == std::vector<std::uint16_t>{43, 51});
}

TEST_CASE("A HelloRetryRequest is known by its random", "[tls][hello]") {
    // The random is SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
    const std::string random = hex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
    const std::string hrr = u16(0x0303)                     // legacy_version
                            + random                        // random
                            + vec8("")                      // legacy_session_id_echo
                            + u16(0x1301)                   // cipher_suite
                            + u8(0)                         // legacy_compression_method
                            + vec16(ext(43, u16(0x0304))    // supported_versions: TLS 1.3
                                    + ext(51, u16(23)));    // key_share: secp256r1 wanted
    const HelloResult parsed = parse_server_hello(bytes_of(hrr));
    REQUIRE(parsed);
    CHECK(parsed->retry_request);
    CHECK(parsed->hello.key_share_groups == std::vector<std::uint16_t>{23});
}

TEST_CASE("A TLS 1.3 draft ServerHello before draft 22 has no session id", "[tls][hello]") {
    const std::string draft18 = u16(0x7f12)             // version: draft 18
                                + std::string(32, 'r')  // random
                                + u16(0x1301)           // cipher_suite
                                + vec16(ext(51, u16(29) + vec16(std::string(32, 'k'))));
    const HelloResult parsed = parse_server_hello(bytes_of(draft18));
    REQUIRE(parsed);
    CHECK(parsed->hello.cipher_suites == std::vector<std::uint16_t>{0x1301});
    CHECK(version_name(parsed->hello.legacy_version) == "TLS 1.3 (draft 18)");
}

TEST_CASE("Malformed hellos name the field at fault", "[tls][hello]") {
    const std::string body = kGreaseClientHello;
    CHECK(parse_client_hello(bytes_of(body.substr(0, 20))).error() ==
          "client_hello: shorter than its version and random");
    CHECK(parse_client_hello(bytes_of(body.substr(0, 70))).error() ==
          "client_hello: the cipher suites run past the message");
    CHECK(parse_client_hello(bytes_of(body + "x")).error() == "client_hello: 1 bytes after the extensions");
    CHECK(parse_client_hello(bytes_of(body.substr(0, body.size() - 1))).error() ==
          "client_hello: the extensions run past the message");

    // An ALPN list one byte longer than its extension: one issue, the rest is read.
    const std::string bad_alpn = u16(0x0303) + std::string(32, 'r') + vec8("") + vec16(u16(0x1301)) +
                                 vec8(u8(0)) +
                                 vec16(ext(16, u16(7) + vec8("mqtt"))  // list says 7, holds 5
                                       + ext(0, vec16(u8(0) + vec16("broker"))));
    const HelloResult parsed = parse_client_hello(bytes_of(bad_alpn));
    REQUIRE(parsed);
    REQUIRE(parsed->issues.size() == 1);
    CHECK(parsed->issues[0].id == AnomalyId::TlsExtensionMalformed);
    CHECK(parsed->issues[0].detail == "application_layer_protocol_negotiation");
    CHECK(parsed->hello.sni == "broker");

    const std::string twice = u16(0x0303) + std::string(32, 'r') + vec8("") + vec16(u16(0x1301)) +
                              vec8(u8(0)) + vec16(ext(23, "") + ext(23, ""));
    const HelloResult repeated = parse_client_hello(bytes_of(twice));
    REQUIRE(repeated);
    REQUIRE(repeated->issues.size() == 1);
    CHECK(repeated->issues[0].id == AnomalyId::TlsExtensionDuplicate);
}

TEST_CASE("The SSL 2.0-compatible ClientHello", "[tls][hello]") {
    const std::string message = u8(1)                       // msg_type CLIENT-HELLO
                                + u16(0x0300)               // version SSL 3.0
                                + u16(9)                    // cipher_spec_length: 3 specs
                                + u16(0)                    // session_id_length
                                + u16(16)                   // challenge_length
                                + hex("00 00 0a")           // TLS_RSA_WITH_3DES_EDE_CBC_SHA
                                + hex("01 00 80")           // SSL2_RC4_128_WITH_MD5
                                + hex("00 00 ff")           // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
                                + std::string(16, '\xab');  // challenge
    const HelloResult parsed = parse_sslv2_client_hello(bytes_of(message));
    REQUIRE(parsed);
    CHECK(parsed->hello.sslv2_format);
    CHECK(parsed->hello.legacy_version == 0x0300);
    CHECK(parsed->hello.cipher_suites == std::vector<std::uint16_t>{0x000a, 0x00ff});
    CHECK(parsed->hello.random == std::string(32, '0') + repeat("ab", 16));
    CHECK_FALSE(parse_sslv2_client_hello(bytes_of(message.substr(0, 20))));
}

TEST_CASE("Certificate lists: entries counted, some kept, an entry past its list", "[tls][certificate]") {
    const std::string three = vec24(vec24("first") + vec24("second") + vec24("third"));
    const auto list = parse_certificate_list(bytes_of(three), 2);
    REQUIRE(list);
    CHECK(list->count == 3);
    REQUIRE(list->kept.size() == 2);
    CHECK(std::string(list->kept[1].begin(), list->kept[1].end()) == "second");
    CHECK_FALSE(list->entry_overruns);

    // The second entry says 200 bytes; the list holds 8 after its length.
    const std::string overrun = vec24(vec24("first")  // 3 + 5 bytes
                                      + u24(200)      // an entry longer than the list
                                      + "12345678");
    const auto cut = parse_certificate_list(bytes_of(overrun), 16);
    REQUIRE(cut);
    CHECK(cut->count == 1);
    CHECK(cut->entry_overruns);

    CHECK_FALSE(parse_certificate_list(bytes_of(u24(50) + "short"), 16));
    CHECK(parse_certificate_list(bytes_of(vec24("")), 16)->count == 0);  // a client without a certificate
}
