// The TLS dissector over two-sided streams: handshakes of TLS 1.2 and 1.3
// from the illustrated captures' record bytes, failures and their alerts,
// limits, gaps, and the chunking law for every fixture.
#include <catch2/catch.hpp>

#include "tls_chunking_law.hpp"

using namespace mqscan;
using namespace mqscan::test::tls;

namespace {

// syncsynchalt's TLS 1.3 session (x25519, AES-256-GCM): the wire records.
// Each flight in its own frame, as on the wire: the client's first encrypted
// frame is its handshake flight, its later ones data.
Conversation tls13_session() {
    Conversation flights = {
        to_server(tls13("clienthello")),
        to_client(tls13("serverhello") + tls13("serverccs") + tls13("serverencextensions") +
                  tls13("serverenccert") + tls13("serverenccertverify") + tls13("serverencfinished")),
        to_server(tls13("clientccs") + tls13("clientencfinished")),
        to_server(tls13("clientencdata")),
        to_client(tls13("serverencticket1") + tls13("serverencticket2")),
        to_client(tls13("serverencdata")),
    };
    for (std::size_t i = 0; i < flights.size(); ++i) flights[i].frame = i + 1;
    return flights;
}

// A CertificateRequest of TLS 1.2 (RFC 5246 §7.4.4).
const std::string kCertificateRequest =
    handshake(13,                                     // certificate_request
              vec8(u8(1) + u8(64))                    // certificate_types: rsa_sign, ecdsa_sign
                  + vec16(u16(0x0401) + u16(0x0403))  // signature algorithms
                  + vec16(""));                       // certificate_authorities

// Mutual TLS 1.2 where the client has no certificate (mosquitto with
// require_certificate true): the server asks, the client sends an empty
// Certificate, the server aborts with handshake_failure.
Conversation client_without_certificate() {
    return {
        to_server(tls12("clienthello")),
        to_client(tls12("serverhello") + tls12("servercert") + tls12("serverkeyexchange") +
                  record(kHandshake, 0x0303, kCertificateRequest) + tls12("serverhellodone")),
        to_server(record(kHandshake, 0x0303, handshake(11, vec24("")))  // certificate: empty list
                  + tls12("clientkeyexchange") + tls12("clientccs") + tls12("clientfinished")),
        to_client(record(kAlert, 0x0303, u8(2) + u8(40))),  // fatal handshake_failure
    };
}

std::vector<std::string> with_prefix(const std::vector<std::string>& lines, std::string_view prefix) {
    std::vector<std::string> out;
    for (const std::string& line : lines)
        if (line.starts_with(prefix)) out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("A TLS 1.2 handshake: hellos, certificate, both Finished, data, encrypted alert", "[tls][stream]") {
    const Outcome out = run(tls12_session());
    const TlsConnectionReport& r = out.report;
    CHECK(out.anomalies.empty());
    CHECK(r.version == "TLS 1.2");
    CHECK(r.cipher == "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
    CHECK(r.cipher_code == 0xc013);
    CHECK(r.sni == "example.ulfheim.net");
    CHECK(r.handshake_visible);
    CHECK(r.established);
    CHECK(r.certificates_visible);
    CHECK_FALSE(r.client_cert_requested);
    CHECK(r.client_cert_sent == false);
    REQUIRE(r.server_certificates.size() == 1);
    CHECK(r.server_certificate_count == 1);
    CHECK(r.server_certificates[0].der_length == 805);
    REQUIRE(r.server_certificates[0].summary);
    CHECK(certificate_line(r.server_certificates[0]) == "der=805 subject=C=US/CN=example.ulfheim.net/ san=0");
    CHECK(with_prefix(out.lines(), "step") == std::vector<std::string>{
                                                  "step frame=0 to_server client_hello length=161",
                                                  "step frame=0 to_client server_hello length=45",
                                                  "step frame=0 to_client certificate length=811",
                                                  "step frame=0 to_client server_key_exchange length=296",
                                                  "step frame=0 to_client server_hello_done length=0",
                                                  "step frame=0 to_server client_key_exchange length=33",
                                                  "step frame=0 to_server change_cipher_spec length=1",
                                                  "step frame=0 to_server encrypted_handshake length=64",
                                                  "step frame=0 to_client change_cipher_spec length=1",
                                                  "step frame=0 to_client encrypted_handshake length=64",
                                              });
    REQUIRE(r.alerts.size() == 1);
    CHECK(r.alerts[0].encrypted);
    CHECK(r.alerts[0].dir == Direction::ToServer);
    CHECK(
        with_prefix(out.lines(), "records") ==
        std::vector<std::string>{
            "records to_server ccs=1 alert=1 handshake=2 encrypted_handshake=1 application_data=1 (48 bytes) "
            "heartbeat=0 other=0 gaps=0 unread=0 lost=false",
            "records to_client ccs=1 alert=0 handshake=4 encrypted_handshake=1 application_data=1 (48 bytes) "
            "heartbeat=0 other=0 gaps=0 unread=0 lost=false",
        });
    check_chunking_law(tls12_session());
}

TEST_CASE("Trailing garbage does not change what came before", "[tls][stream]") {
    Conversation conversation = tls12_session();
    conversation.push_back(to_server("GET / HTTP/1.1\r\n"));
    const Outcome out = run(conversation);
    CHECK(out.anomalies == std::vector<std::string>{
                               "tls.record.content_type_invalid: type 71, version 0x4554, from the client"});
    CHECK(with_prefix(out.lines(), "step") == with_prefix(run(tls12_session()).lines(), "step"));
    CHECK(out.report.records[0].unread_bytes == 16);
    check_chunking_law(conversation);
}

TEST_CASE("A malformed message costs one message, the next one is read", "[tls][stream]") {
    const Conversation conversation = {
        to_client(
            tls12("serverhello") +
            record(kHandshake, 0x0303, handshake(11, u24(900) + "short"))  // list longer than the message
            + tls12("serverhellodone")),
    };
    const Outcome out = run(conversation);
    CHECK(out.anomalies ==
          std::vector<std::string>{
              "tls.handshake.malformed: certificate: the certificate list runs past the message"});
    CHECK(out.report.handshake.back().type == "server_hello_done");
    CHECK(out.report.version == "TLS 1.2");
    check_chunking_law(conversation);
}

TEST_CASE("A certificate entry longer than its list is named; the entries before it are kept",
          "[tls][stream]") {
    const std::string der = tls12("servercert").substr(5 + 4 + 3 + 3);  // the 805-byte DER certificate
    const std::string list = vec24(der)                                 // entry 1: a real certificate
                             + u24(5000)                                // entry 2: says 5000 bytes
                             + "12345";                                 //   but the list ends 5 bytes later
    const Conversation conversation = {
        to_client(tls12("serverhello") + record(kHandshake, 0x0303, handshake(11, vec24(list)))),
    };
    const Outcome out = run(conversation);
    CHECK(out.anomalies ==
          std::vector<std::string>{"tls.certificate.length_mismatch: from the server, after 1 certificates"});
    REQUIRE(out.report.server_certificates.size() == 1);
    CHECK(certificate_line(out.report.server_certificates[0]) ==
          "der=805 subject=C=US/CN=example.ulfheim.net/ san=0");
    check_chunking_law(conversation);
}

TEST_CASE("A TLS 1.3 handshake is encrypted after the ServerHello", "[tls][stream]") {
    const Outcome out = run(tls13_session());
    const TlsConnectionReport& r = out.report;
    CHECK(out.anomalies.empty());
    CHECK(r.version == "TLS 1.3");
    CHECK(r.version_code == 0x0304);
    CHECK(r.cipher == "TLS_AES_256_GCM_SHA384");
    CHECK(r.established);
    CHECK_FALSE(r.certificates_visible);
    CHECK_FALSE(r.client_cert_sent.has_value());  // encrypted: unknown
    CHECK(r.server_certificates.empty());
    REQUIRE(r.server_hello);
    CHECK(r.server_hello->key_share_groups == std::vector<std::uint16_t>{29});
    CHECK(with_prefix(out.lines(), "step") == std::vector<std::string>{
                                                  "step frame=1 to_server client_hello length=244",
                                                  "step frame=2 to_client server_hello length=118",
                                                  "step frame=2 to_client change_cipher_spec length=1",
                                                  "step frame=2 to_client encrypted_handshake length=23",
                                                  "step frame=2 to_client encrypted_handshake length=835",
                                                  "step frame=2 to_client encrypted_handshake length=281",
                                                  "step frame=2 to_client encrypted_handshake length=69",
                                                  "step frame=3 to_server change_cipher_spec length=1",
                                                  "step frame=3 to_server encrypted_handshake length=69",
                                              });
    // The session tickets after the client's Finished cannot be told from data.
    CHECK(
        with_prefix(out.lines(), "records") ==
        std::vector<std::string>{
            "records to_server ccs=1 alert=0 handshake=1 encrypted_handshake=1 application_data=1 (21 bytes) "
            "heartbeat=0 other=0 gaps=0 unread=0 lost=false",
            "records to_client ccs=1 alert=0 handshake=1 encrypted_handshake=4 application_data=3 (489 "
            "bytes) "
            "heartbeat=0 other=0 gaps=0 unread=0 lost=false",
        });
    check_chunking_law(tls13_session());
}

TEST_CASE("TLS 1.3 without the client's side: no handshake is inferred from encrypted records",
          "[tls][stream]") {
    SECTION("a capture of the server's direction only") {
        Conversation conversation = tls13_session();
        std::erase_if(conversation, [](const Chunk& c) { return c.dir == Direction::ToServer; });
        const Outcome out = run(conversation);
        CHECK(out.report.version == "TLS 1.3");
        CHECK(out.report.records[1].encrypted_handshake == 0);
        CHECK(out.report.records[1].application_data == 7);
        CHECK_FALSE(out.report.established);
    }
    SECTION("the client's stream lost before its Finished") {
        Conversation conversation = tls13_session();
        conversation.insert(conversation.begin() + 2, Chunk{Direction::ToServer, {}, 80, 0});
        const Outcome out = run(conversation);
        CHECK(out.report.records[1].encrypted_handshake == 4);
        CHECK(out.report.records[1].application_data == 3);
        CHECK(out.report.records[0].stream_lost);
        CHECK_FALSE(out.report.established);
    }
}

TEST_CASE("TLS 1.3: a 19-byte record answering the client's Finished is a probable refusal",
          "[tls][stream]") {
    // The handshake of tls13_session, then what mosquitto sends a client it
    // refuses: one encrypted alert (2 bytes + inner type + 16-byte tag).
    const Conversation session = tls13_session();
    Conversation refused(session.begin(), session.begin() + 3);
    refused.push_back(to_client(record(kApplicationData, 0x0303, std::string(19, '\x5a'))));
    refused.back().frame = 4;
    const Outcome out = run(refused);
    CHECK_FALSE(out.report.established);
    CHECK(out.report.failed_at == "encrypted_handshake");
    REQUIRE(out.report.alerts.size() == 1);
    CHECK(out.report.alerts[0].encrypted);
    CHECK(out.report.alerts[0].frame == 4);
    CHECK_THAT(out.report.alerts[0].explanation, Catch::Contains("probably the server refusing"));
    check_chunking_law(refused);

    // A session ticket first (a longer record): the server accepted the client.
    const Outcome accepted = run(session);
    CHECK(accepted.report.established);
    CHECK(accepted.report.alerts.empty());
}

TEST_CASE("TLS 1.3: an alert record is cleartext even after the ServerHello", "[tls][stream]") {
    // RFC 8446 §5.2: protected records carry the outer type application_data,
    // so a client refusing the server's certificate before it has keys sends
    // its unknown_ca in the clear.
    const Conversation session = tls13_session();
    Conversation wrong_ca(session.begin(), session.begin() + 2);
    wrong_ca.push_back(to_server(record(kAlert, 0x0303, std::string("\x02\x30", 2))));
    wrong_ca.back().frame = 3;
    const Outcome out = run(wrong_ca);
    REQUIRE(out.report.alerts.size() == 1);
    CHECK_FALSE(out.report.alerts[0].encrypted);
    CHECK(out.report.alerts[0].description_name == "unknown_ca");
    CHECK_FALSE(out.report.alerts[0].explanation.empty());
    CHECK_FALSE(out.report.established);
    check_chunking_law(wrong_ca);
}

TEST_CASE("A client without a certificate: empty Certificate, then handshake_failure",
          "[tls][stream][alert]") {
    const Outcome out = run(client_without_certificate());
    const TlsConnectionReport& r = out.report;
    CHECK(r.client_cert_requested);
    CHECK(r.client_cert_sent == false);
    CHECK(r.client_certificate_count == 0);
    CHECK_FALSE(r.established);
    CHECK(r.failed_at == "encrypted_handshake");
    REQUIRE(r.alerts.size() == 1);
    const TlsAlert& alert = r.alerts[0];
    CHECK(alert.dir == Direction::ToClient);
    CHECK(alert.level_name == "fatal");
    CHECK(alert.description_name == "handshake_failure");
    CHECK(alert.explanation ==
          "The client presented no certificate and the server requires one (mosquitto: require_certificate "
          "true): give the client its certificate and key.");
    REQUIRE(out.anomalies.size() == 1);
    CHECK(out.anomalies[0].starts_with(
        "tls.alert.fatal: handshake_failure from the server: The client presented"));
    check_chunking_law(client_without_certificate());
}

TEST_CASE("A client that does not trust the broker's CA says unknown_ca", "[tls][stream][alert]") {
    const Conversation conversation = {
        to_server(tls12("clienthello")),
        to_client(tls12("serverhello") + tls12("servercert") + tls12("serverkeyexchange") +
                  tls12("serverhellodone")),
        to_server(record(kAlert, 0x0303, u8(2) + u8(48))),  // fatal unknown_ca
    };
    const Outcome out = run(conversation);
    CHECK(out.report.failed_at == "server_hello_done");
    REQUIRE(out.report.alerts.size() == 1);
    CHECK(out.report.alerts[0].description_name == "unknown_ca");
    CHECK(out.report.alerts[0].explanation.starts_with(
        "The client does not trust the certificate authority that signed the server's certificate"));
    CHECK(out.raised("tls.alert.fatal"));
    check_chunking_law(conversation);
}

TEST_CASE("Alerts: a warning, two in one record, an odd byte", "[tls][alert]") {
    const Conversation conversation = {
        to_server(record(kAlert, 0x0303, u8(1) + u8(0))),  // warning close_notify
        to_client(
            record(kAlert, 0x0303, u8(1) + u8(112) + u8(2) + u8(70) + u8(9))),  // 2 alerts and a stray byte
    };
    const Outcome out = run(conversation);
    REQUIRE(out.report.alerts.size() == 3);
    CHECK(out.report.alerts[0].explanation == "The sender closed the TLS session normally.");
    CHECK(out.report.alerts[1].description_name == "unrecognized_name");
    CHECK(out.report.alerts[2].description_name == "protocol_version");
    CHECK(out.report.failed_at == "none");
    CHECK(out.raised("tls.alert.malformed"));
    CHECK(out.raised("tls.alert.fatal"));
    check_chunking_law(conversation);
}

TEST_CASE("A handshake message split over many records, and several messages in one record",
          "[tls][stream]") {
    // The client's hello in records of 7 bytes; the server's whole flight in one record.
    const std::string hello = tls12("clienthello").substr(5);
    std::string hello_records;
    for (std::size_t at = 0; at < hello.size(); at += 7)
        hello_records += record(kHandshake, 0x0301, hello.substr(at, 7));
    const std::string flight = tls12("serverhello").substr(5) + tls12("servercert").substr(5) +
                               tls12("serverkeyexchange").substr(5) + tls12("serverhellodone").substr(5);
    const Conversation conversation = {to_server(hello_records),
                                       to_client(record(kHandshake, 0x0303, flight))};
    const Outcome out = run(conversation);
    CHECK(out.anomalies.empty());
    CHECK(out.report.sni == "example.ulfheim.net");
    CHECK(out.report.ja3 == "36d715579d31b7f031149c4560b5914f");
    CHECK(out.report.records[0].handshake == (hello.size() + 6) / 7);
    CHECK(out.report.records[1].handshake == 1);
    CHECK(out.report.handshake.size() == 5);
    CHECK(out.report.server_certificate_count == 1);
    check_chunking_law(conversation);
}

TEST_CASE("A record of 2^14+2049 bytes is reported, skipped and counted", "[tls][stream]") {
    const Conversation conversation = {
        to_server(tls13("clienthello") +
                  record(kApplicationData, 0x0303, std::string((1u << 14) + 2049, 'x')) +
                  record(kAlert, 0x0303, u8(1) + u8(0))),
    };
    const Outcome out = run(conversation);
    CHECK(out.anomalies ==
          std::vector<std::string>{
              "tls.record.too_long: application_data record of 18433 bytes from the client"});
    CHECK(out.report.records[0].application_data == 1);
    CHECK(out.report.records[0].application_data_bytes == 18433);
    CHECK(out.report.alerts.size() == 1);
    check_chunking_law(conversation, {}, false);
}

TEST_CASE("A cleartext record over 2^14 bytes overflows its version's limit", "[tls][stream]") {
    const Conversation conversation = {
        to_server(record(kHandshake, 0x0303, handshake(1, std::string((1u << 14) + 10, 'x')))),
    };
    const Outcome out = run(conversation);
    CHECK(out.raised("tls.record.overflow"));
    CHECK(out.raised("tls.handshake.malformed"));  // the body is no ClientHello
}

TEST_CASE("A truncated ClientHello is named", "[tls][stream]") {
    const std::string hello = tls13("clienthello");
    SECTION("the record is cut by the end") {
        const Outcome out = run({to_server(hello.substr(0, 100))});
        CHECK(out.anomalies ==
              std::vector<std::string>{
                  "tls.record.incomplete: handshake record of 248 bytes from the client, 95 received"});
        CHECK_FALSE(out.report.client_hello);
        check_chunking_law({to_server(hello.substr(0, 100))});
    }
    SECTION("the message's second record never comes") {
        const std::string first = record(kHandshake, 0x0301, hello.substr(5, 100));
        const Outcome out = run({to_server(first)});
        CHECK(out.anomalies ==
              std::vector<std::string>{"tls.handshake.incomplete: client_hello of 244 bytes from the "
                                       "client, 96 received; the stream ended"});
        CHECK(out.report.records[0].handshake == 1);
    }
    SECTION("the message's own lengths run past it") {
        std::string body = hello.substr(9);
        body.resize(60);  // a message that says it is 60 bytes: the cipher suites run past it
        const Outcome out = run({to_server(record(kHandshake, 0x0301, handshake(1, body)))});
        CHECK(out.anomalies ==
              std::vector<std::string>{
                  "tls.handshake.malformed: client_hello: the session id runs past the message or "
                  "is over 32 bytes"});
        CHECK(out.report.handshake.size() == 1);
    }
}

TEST_CASE("A record of another type inside a handshake message is named", "[tls][stream]") {
    const std::string hello = tls12("clienthello").substr(5);
    const Conversation conversation = {to_server(record(kHandshake, 0x0301, hello.substr(0, 50)) +
                                                 record(kAlert, 0x0301, u8(1) + u8(0)) +
                                                 record(kHandshake, 0x0301, hello.substr(50)))};
    const Outcome out = run(conversation);
    CHECK(out.raised("tls.handshake.interleaved"));
    CHECK(out.report.client_hello.has_value());
}

TEST_CASE("A handshake message over the limit is reported, listed and skipped", "[tls][stream]") {
    TlsSettings settings;
    settings.max_handshake_message = 400;
    const Outcome out = run(tls12_session(), settings);
    CHECK(out.anomalies ==
          std::vector<std::string>{
              "tls.handshake.too_long: certificate of 811 bytes from the server, limit 400"});
    CHECK(out.report.server_certificate_count == 0);
    CHECK(out.report.established);
    check_chunking_law(tls12_session(), settings, false);
}

TEST_CASE("Listings stop at their limits, counts go on", "[tls][stream]") {
    TlsSettings settings;
    settings.max_records_listed = 3;
    settings.max_certificates = 0;
    const Outcome out = run(tls12_session(), settings);
    CHECK(out.report.handshake.size() == 3);
    CHECK(out.report.handshake_unlisted == 7);
    CHECK(out.report.server_certificates.empty());
    CHECK(out.report.server_certificate_count == 1);
}

TEST_CASE("After a gap a direction is counted, not read", "[tls][stream]") {
    Conversation conversation = tls12_session();
    // The server's first flight loses 100 bytes in the middle of its certificate.
    const std::string flight = conversation[1].bytes;
    conversation[1].bytes = flight.substr(0, 200);
    conversation.insert(conversation.begin() + 2, Chunk{Direction::ToClient, {}, 100, 0});
    conversation.insert(conversation.begin() + 3, to_client(flight.substr(300)));
    const Outcome out = run(conversation);
    const TlsConnectionReport& r = out.report;
    CHECK(out.anomalies ==
          std::vector<std::string>{
              "tls.stream.gap: 100 bytes missing from the server, 146 bytes of a partial record dropped"});
    CHECK(r.records[1].stream_lost);
    CHECK(r.records[1].gaps == 1);
    CHECK(r.records[1].unread_bytes == 146 + (flight.size() - 300) + 6 + 69 + 53);
    CHECK(r.records[1].handshake == 1);  // the ServerHello only
    CHECK(r.server_certificates.empty());
    CHECK(r.records[0].application_data == 1);  // the client's side goes on
    CHECK_FALSE(r.established);
    check_chunking_law(conversation);
}

TEST_CASE("Cleartext MQTT on the TLS port loses the stream at once", "[tls][stream]") {
    const Conversation conversation = {to_server(hex("10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00"))};
    const Outcome out = run(conversation);
    CHECK(out.anomalies == std::vector<std::string>{
                               "tls.record.content_type_invalid: type 16, version 0x0c00, from the client"});
    CHECK(out.report.records[0].unread_bytes == 14);
    CHECK_FALSE(out.report.handshake_visible);
    check_chunking_law(conversation);
}

TEST_CASE("An SSL 2.0-compatible ClientHello answered in TLS", "[tls][stream][sslv2]") {
    const std::string message = u8(1)              // msg_type CLIENT-HELLO
                                + u16(0x0301)      // version TLS 1.0
                                + u16(6)           // cipher_spec_length
                                + u16(0)           // session_id_length
                                + u16(16)          // challenge_length
                                + hex("00 00 35")  // TLS_RSA_WITH_AES_256_CBC_SHA
                                + hex("07 00 c0")  // SSL2_DES_192_EDE3_CBC_WITH_MD5
                                + std::string(16, 'c');
    const Conversation conversation = {
        to_server(u16(0x8000 | static_cast<unsigned>(message.size())) + message),
        to_client(record(kHandshake, 0x0301,
                         handshake(2, u16(0x0301) + std::string(32, 's') + vec8("") + u16(0x0035) + u8(0)))),
    };
    const Outcome out = run(conversation);
    CHECK(out.anomalies == std::vector<std::string>{"tls.hello.sslv2: "});
    REQUIRE(out.report.client_hello);
    CHECK(out.report.client_hello->sslv2_format);
    CHECK(out.report.client_hello->cipher_suites == std::vector<std::uint16_t>{0x0035});
    CHECK(out.report.ja3.empty());
    CHECK(out.report.version == "TLS 1.0");
    CHECK(out.report.cipher == "TLS_RSA_WITH_AES_256_CBC_SHA");
    check_chunking_law(conversation);
}

TEST_CASE("A HelloRetryRequest keeps the handshake in cleartext until the real ServerHello",
          "[tls][stream]") {
    const std::string hrr =
        handshake(2, u16(0x0303) + hex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c") +
                         vec8("") + u16(0x1302) + u8(0) + vec16(ext(43, u16(0x0304)) + ext(51, u16(23))));
    const Conversation conversation = {
        to_server(tls13("clienthello")),
        to_client(record(kHandshake, 0x0303, hrr) + tls13("serverccs")),
        to_server(tls13("clientccs") + tls13("clienthello")),  // the second ClientHello, in cleartext
        to_client(tls13("serverhello") + tls13("serverencextensions")),
    };
    const Outcome out = run(conversation);
    CHECK(out.anomalies.empty());
    CHECK(out.report.hello_retry_request);
    CHECK(out.report.records[0].handshake == 2);
    CHECK(out.report.records[0].encrypted_handshake == 0);
    CHECK(out.report.records[1].encrypted_handshake == 1);
    CHECK(out.report.version == "TLS 1.3");
    CHECK(with_prefix(out.lines(), "step frame=0 to_client hello_retry_request").size() == 1);
    check_chunking_law(conversation);
}
