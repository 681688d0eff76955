// The TLS dissector on real captures of the public corpus, fed as the TCP
// layer reassembles them; expected values from the corpus's own expectations
// (suricata-verify test.yaml, zeek baselines) and from tshark 4.0.17.
#include <catch2/catch.hpp>

#include "tls_chunking_law.hpp"
#include "x509/certificate_summary.hpp"

using namespace mqscan;
using namespace mqscan::test::tls;

namespace {

Conversation capture(const std::string& relative, std::uint64_t connection = 0) {
    return captured_conversation(corpus_path(relative), connection);
}

}  // namespace

TEST_CASE("suricata-verify ja4-tls: JA4, JA3 and JA3S", "[tls][capture][fingerprint]") {
    const Outcome out = run(capture("suricata-verify/tests/ja4-tls/input.pcap"));
    CHECK(out.report.ja4 == "t12i1810s1_27d4652c4487_06a4338d0495");  // test.yaml
    CHECK(out.report.ja3 == "308b0bd904abbef5e0034a1ff7a78920");      // tshark
    CHECK(out.report.ja3s == "ccc514751b175866924439bdbb5bba34");
    CHECK(out.report.ja3s_full == "771,49199,65281-11-35");
    CHECK(out.report.established);
}

TEST_CASE("zeek tls-fragmented-handshake: a 10,000-name certificate over hundreds of segments",
          "[tls][capture]") {
    const Conversation conversation =
        capture("zeek/testing/btest/Traces/tls/tls-fragmented-handshake.pcap.gz");
    std::size_t server_segments = 0;
    for (const Chunk& chunk : conversation) server_segments += chunk.dir == Direction::ToClient ? 1 : 0;
    CHECK(server_segments > 200);
    // Under a smaller limit the Certificate message is skipped, not buffered.
    TlsSettings small;
    small.max_handshake_message = 256 * 1024;
    CHECK(run(conversation, small).anomalies ==
          std::vector<std::string>{
              "tls.handshake.too_long: certificate of 339629 bytes from the server, limit 262144"});
    const Outcome out = run(conversation);
    const TlsConnectionReport& r = out.report;
    CHECK(out.anomalies.empty());
    CHECK(r.version == "TLS 1.2");
    CHECK(r.cipher == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384");  // zeek ssl.log
    CHECK(r.ja3 == "799135475da362592a4be9199d258726");          // tshark
    CHECK(r.ja3s == "9099266b09da09a1d9e1839ae9ad5682");
    REQUIRE(r.server_certificates.size() == 1);
    REQUIRE(r.server_certificates[0].summary);
    // zeek: subject and issuer CN=Bro, 10000 names; the summary lists the first 100.
    CHECK(certificate_line(r.server_certificates[0]) == "der=339623 subject=CN=Bro/ san=100");
    CHECK(r.server_certificates[0].summary->san.size() == x509::kMaxSanListed);
    CHECK(r.records[1].handshake > 20);
    CHECK(r.handshake.back().type == "server_hello_done");  // the capture ends there
    CHECK_FALSE(r.established);
    check_chunking_law(conversation, TlsSettings{}, false);
}

TEST_CASE("zeek tls13_wolfssl: 4 encrypted handshake records from the server, 1 from the client",
          "[tls][capture]") {
    const Outcome out = run(capture("zeek/testing/btest/Traces/tls/tls13_wolfssl.pcap"));
    const TlsConnectionReport& r = out.report;
    CHECK(r.version == "TLS 1.3");
    CHECK(r.cipher == "TLS_AES_256_GCM_SHA384");
    CHECK(r.ja3s == "907bf3ecef1c987c889946b737b43de8");
    CHECK(r.records[1].encrypted_handshake == 4);  // zeek .stdout: 23, 716, 281 and 69 bytes
    CHECK(r.records[0].encrypted_handshake == 1);
    std::vector<std::uint32_t> sizes;
    for (const TlsHandshakeStep& step : r.handshake)
        if (step.type == "encrypted_handshake" && step.dir == Direction::ToClient)
            sizes.push_back(step.length);
    CHECK(sizes == std::vector<std::uint32_t>{23, 716, 281, 69});
    CHECK(r.established);
}

TEST_CASE("zeek client-certificate: mutual TLS 1.2", "[tls][capture]") {
    const Outcome out = run(capture("zeek/testing/btest/Traces/tls/client-certificate.pcap"));
    const TlsConnectionReport& r = out.report;
    CHECK(r.client_cert_requested);
    CHECK(r.client_cert_sent == true);
    CHECK(r.client_certificate_count == 2);  // tshark: certificates of 1512 and 1905 bytes
    CHECK(r.client_certificates.size() == 2);
    CHECK(r.ja3s == "d154fcfa5bb4f0748e1dd1992c681104");
    CHECK(r.established);
}

TEST_CASE("suricata-verify tls-certs-alert: a 3-certificate chain, listed up to the limit",
          "[tls][capture]") {
    const Conversation conversation = capture("suricata-verify/tests/tls/tls-certs-alert/input.pcap");
    TlsSettings settings;
    settings.max_certificates = 2;
    const Outcome out = run(conversation, settings);
    CHECK(out.report.server_certificate_count == 3);
    CHECK(out.report.server_certificates.size() == 2);
    CHECK(out.report.ja3s == "5d79edf64e03689ff559a54e9d9487bc");  // tls-ja3s/test.yaml
    CHECK(out.report.ja3s_full == "771,49199,65281-0-11-16-23");
}

TEST_CASE("suricata-verify sslv2-tls-upgrade-01: an SSL 2.0 hello answered in TLS 1.0",
          "[tls][capture][sslv2]") {
    const Outcome out = run(capture("suricata-verify/tests/sslv2-tls-upgrade-01/ssl-v2-s1.pcap"));
    const TlsConnectionReport& r = out.report;
    REQUIRE(r.client_hello);
    CHECK(r.client_hello->sslv2_format);
    CHECK(r.version == "TLS 1.0");  // test.yaml: TLSv1
    CHECK(r.ja3s_full == "769,57,");
    REQUIRE_FALSE(r.server_certificates.empty());
    REQUIRE(r.server_certificates[0].summary);
    CHECK(certificate_line(r.server_certificates[0]).find("CN=sigdb.secteam.netscreen.com/") !=
          std::string::npos);
    CHECK(out.raised("tls.hello.sslv2"));
}

TEST_CASE("suricata-verify tls13-draft28: the draft version is named", "[tls][capture]") {
    const Outcome first = run(capture("suricata-verify/tests/tls/tls13-draft28/tls13_draft28.pcap", 0));
    CHECK(first.report.version == "TLS 1.3 (draft 28)");
    CHECK(first.report.sni == "localhost");
    CHECK(first.report.ja3 == "43202faa1c8c1760d6f7f4bd9adde4ab");  // test.yaml
    const Outcome second = run(capture("suricata-verify/tests/tls/tls13-draft28/tls13_draft28.pcap", 1));
    CHECK(
        second.report.ja3_full ==
        "771,4866-4867-4865-4868-49196-52393-49325-49162-49195-49324-49161-49200-52392-49172-49199-49171-157-"
        "49309-53-156-49308-47-159-52394-49311-57-158-49310-51,5-10-11-13-22-23-35-51-43-65281-0-45-41,23,0");
    CHECK(second.report.ja3 == "d00857e0c8e7a7f35e446508c6233460");
}

TEST_CASE("zeek hrr: a HelloRetryRequest, then TLS 1.3", "[tls][capture]") {
    const Outcome out = run(capture("zeek/testing/btest/Traces/tls/hrr.pcap"));
    CHECK(out.report.hello_retry_request);
    CHECK(out.report.version == "TLS 1.3");
    CHECK(out.report.cipher == "TLS_AES_256_GCM_SHA384");  // zeek ssl-out.log
    REQUIRE(out.report.server_hello);
    CHECK(out.report.server_hello->key_share_groups == std::vector<std::uint16_t>{23});  // secp256r1
    CHECK(out.report.ja3 == "0f14b679807628ec7f9c02cada3ee941");
}
