// Names of TLS code points, GREASE and unknown values.
#include <catch2/catch.hpp>

#include "tls/alert_explanations.hpp"
#include "tls/names.hpp"

using namespace mqscan;
using namespace mqscan::tls;

TEST_CASE("Cipher suites read as in the IANA registry", "[tls][names]") {
    CHECK(cipher_suite_name(0x0000) == "TLS_NULL_WITH_NULL_NULL");
    CHECK(cipher_suite_name(0x1301) == "TLS_AES_128_GCM_SHA256");
    CHECK(cipher_suite_name(0x1307) == "TLS_AEGIS_128L_SHA256");
    CHECK(cipher_suite_name(0xc02f) == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    CHECK(cipher_suite_name(0xcca9) == "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    CHECK(cipher_suite_name(0x00ff) == "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    CHECK(cipher_suite_name(0x5600) == "TLS_FALLBACK_SCSV");
    CHECK(cipher_suite_name(0xd005) == "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256");
    CHECK(cipher_suite_name(0xd004) == "unknown (0xd004)");
    CHECK(cipher_suite_name(0xfafa) == "GREASE (0xfafa)");
}

TEST_CASE("GREASE values are the sixteen 0x?A?A pairs", "[tls][names]") {
    int count = 0;
    for (unsigned v = 0; v <= 0xffff; ++v) count += is_grease(static_cast<std::uint16_t>(v)) ? 1 : 0;
    CHECK(count == 16);
    CHECK(is_grease(0x0a0a));
    CHECK(is_grease(0xeaea));
    CHECK_FALSE(is_grease(0x0a1a));
}

TEST_CASE("Versions, extensions, groups, schemes, handshake types, alerts", "[tls][names]") {
    CHECK(version_name(0x0002) == "SSL 2.0");
    CHECK(version_name(0x0300) == "SSL 3.0");
    CHECK(version_name(0x0303) == "TLS 1.2");
    CHECK(version_name(0x0304) == "TLS 1.3");
    CHECK(version_name(0x7f1c) == "TLS 1.3 (draft 28)");
    CHECK(version_name(0x1a1a) == "GREASE (0x1a1a)");
    CHECK(is_tls13(0x7f17));
    CHECK_FALSE(is_tls13(0x0303));
    CHECK(extension_name(16) == "application_layer_protocol_negotiation");
    CHECK(extension_name(0xff01) == "renegotiation_info");
    CHECK(extension_name(0xfe0d) == "encrypted_client_hello");
    CHECK(group_name(29) == "x25519");
    CHECK(group_name(0x11ec) == "X25519MLKEM768");
    CHECK(group_name(0x6399) == "X25519Kyber768Draft00");
    CHECK(signature_scheme_name(0x0804) == "rsa_pss_rsae_sha256");
    CHECK(signature_scheme_name(0x0301) == "rsa_sha224");
    CHECK(handshake_type_name(0) == "hello_request");
    CHECK(handshake_type_name(24) == "key_update");
    CHECK(handshake_type_name(99) == "unknown (0x63)");
    CHECK(is_known_handshake_type(20));
    CHECK_FALSE(is_known_handshake_type(7));
    CHECK(alert_description_name(48) == "unknown_ca");
    CHECK(alert_description_name(116) == "certificate_required");
    CHECK(alert_level_name(2) == "fatal");
    CHECK(psk_mode_name(1) == "psk_dhe_ke");
    CHECK(content_type_name(23) == "application_data");
    CHECK(sender_name(Direction::ToClient) == "server");
}

TEST_CASE("The lab failures are explained in plain words", "[tls][names][alert]") {
    CHECK(explain_alert(48, Direction::ToServer, false).starts_with("The client does not trust"));
    CHECK(explain_alert(48, Direction::ToClient, false).starts_with("The server does not trust"));
    CHECK(explain_alert(116, Direction::ToClient, false)
              .starts_with("The server requires a client certificate"));
    CHECK(explain_alert(40, Direction::ToClient, true).starts_with("The client presented no certificate"));
    CHECK(explain_alert(40, Direction::ToClient, false).starts_with("The two sides found no common"));
    CHECK(explain_alert(42, Direction::ToServer, false).starts_with("The server's certificate is corrupt"));
    CHECK(explain_alert(45, Direction::ToClient, false).starts_with("The client's certificate has expired"));
    CHECK(explain_alert(70, Direction::ToClient, false).starts_with("The two sides have no TLS version"));
    CHECK(explain_alert(51, Direction::ToClient, false).starts_with("A handshake signature"));
    CHECK(explain_alert(200, Direction::ToClient, false).empty());
}
