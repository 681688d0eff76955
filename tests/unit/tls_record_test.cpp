// The TLS record layer: the framer's records, limits and loss of sync, and
// the header probe.
#include <catch2/catch.hpp>

#include "tls/probe.hpp"
#include "tls/record_framer.hpp"
#include "tls_fixtures.hpp"

using namespace mqscan;
using namespace mqscan::tls;
using namespace mqscan::test::tls;

namespace {

// One line per framer call.
class RecordLog final : public RecordHandler {
public:
    void on_record(const RecordHeader& h, Bytes fragment) override {
        lines.push_back(fmt::format("record type={} version=0x{:04x} length={} sslv2={} first=0x{:02x}",
                                    h.type, h.version, h.length, h.sslv2,
                                    fragment.empty() ? 0 : ByteReader(fragment).peek_u8().value_or(0)));
    }
    void on_oversized(const RecordHeader& h) override {
        lines.push_back(fmt::format("oversized type={} length={}", h.type, h.length));
    }
    void on_invalid_header(const RecordHeader& h) override {
        lines.push_back(fmt::format("invalid type={} version=0x{:04x}", h.type, h.version));
    }
    void on_incomplete(const std::optional<RecordHeader>& h, std::size_t received) override {
        lines.push_back(fmt::format("incomplete header={} received={}", h.has_value(), received));
    }
    std::vector<std::string> lines;
};

struct FramerRun {
    std::vector<std::string> lines;
    std::uint64_t unread = 0;
};

FramerRun frame(const std::string& stream, std::size_t piece, bool client = false) {
    RecordFramer framer(client);
    RecordLog log;
    for (std::size_t at = 0; at < stream.size(); at += piece)
        framer.feed(bytes_of(stream.substr(at, piece)), log);
    framer.end(log);
    return {log.lines, framer.unread_bytes()};
}

// Three records back to back: a handshake, a ChangeCipherSpec and an alert.
const std::string kThreeRecords =
    record(kHandshake, 0x0303, handshake(14, ""))  // 16 03 03 00 04, server_hello_done
    + record(kChangeCipherSpec, 0x0303, u8(1))     // 14 03 03 00 01, change_cipher_spec
    + record(kAlert, 0x0303, u8(1) + u8(0));       // 15 03 03 00 02, warning close_notify

}  // namespace

TEST_CASE("Records are cut from the stream whatever the chunking", "[tls][record]") {
    const FramerRun whole = frame(kThreeRecords, kThreeRecords.size());
    REQUIRE(whole.lines == std::vector<std::string>{
                               "record type=22 version=0x0303 length=4 sslv2=false first=0x0e",
                               "record type=20 version=0x0303 length=1 sslv2=false first=0x01",
                               "record type=21 version=0x0303 length=2 sslv2=false first=0x01",
                           });
    for (const std::size_t piece : {1u, 2u, 3u, 7u}) CHECK(frame(kThreeRecords, piece).lines == whole.lines);
}

TEST_CASE("A record of 2^14+2049 bytes is reported and skipped, the next one is read", "[tls][record]") {
    const std::string stream =
        record(kApplicationData, 0x0303, std::string((1u << 14) + 2049, 'x'))  // too long
        + record(kAlert, 0x0303, u8(2) + u8(40));                              // fatal alert
    for (const std::size_t piece : {stream.size(), std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
        const FramerRun run = frame(stream, piece);
        CHECK(run.lines == std::vector<std::string>{
                               "oversized type=23 length=18433",
                               "record type=21 version=0x0303 length=2 sslv2=false first=0x02",
                           });
    }
}

TEST_CASE("A record of exactly 2^14+2048 bytes is read", "[tls][record]") {
    const std::string stream = record(kApplicationData, 0x0303, std::string(kMaxRecordLength, 'x'));
    CHECK(frame(stream, 1000).lines ==
          std::vector<std::string>{"record type=23 version=0x0303 length=18432 sslv2=false first=0x78"});
}

TEST_CASE("Bytes that are not a record header lose the stream for good", "[tls][record]") {
    // An MQTT CONNECT sent to the TLS port: type 0x10, then "00 0c 00 04".
    const std::string mqtt_connect = hex("10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00");
    const FramerRun run = frame(mqtt_connect, 3);
    CHECK(run.lines == std::vector<std::string>{"invalid type=16 version=0x0c00"});
    CHECK(run.unread == mqtt_connect.size());

    const std::string bad_version = kThreeRecords + record(kHandshake, 0x0305, "abc") + kThreeRecords;
    const FramerRun after = frame(bad_version, 2);
    REQUIRE(after.lines.size() == 4);
    CHECK(after.lines[3] == "invalid type=22 version=0x0305");
    CHECK(after.unread == 8 + kThreeRecords.size());
}

TEST_CASE("A record cut by the end of the stream is reported", "[tls][record]") {
    const std::string cut = record(kHandshake, 0x0301, std::string(100, 'h')).substr(0, 60);
    CHECK(frame(cut, 7).lines == std::vector<std::string>{"incomplete header=true received=60"});
    CHECK(frame(cut.substr(0, 3), 1).lines == std::vector<std::string>{"incomplete header=false received=3"});
}

TEST_CASE("The client's stream may start with an SSL 2.0-compatible ClientHello", "[tls][record]") {
    const std::string body =
        u8(1)                       // msg_type CLIENT-HELLO
        + u16(0x0301)               // version TLS 1.0
        + u16(6)                    // cipher_spec_length
        + u16(0)                    // session_id_length
        + u16(16)                   // challenge_length
        + hex("00 00 2f 07 00 c0")  // TLS_RSA_WITH_AES_128_CBC_SHA, SSL2_DES_192_EDE3_CBC_WITH_MD5
        + std::string(16, 'c');     // challenge
    const std::string hello = u16(0x8000 | static_cast<unsigned>(body.size())) + body;
    const std::string stream = hello + kThreeRecords;
    const FramerRun client = frame(stream, 2, true);
    REQUIRE(client.lines.size() == 4);
    CHECK(client.lines[0] == "record type=22 version=0x0301 length=31 sslv2=true first=0x01");
    // Only as the first record of the client's stream.
    CHECK(frame(stream, 2, false).lines == std::vector<std::string>{"invalid type=128 version=0x1f01"});
    CHECK(frame(kThreeRecords + hello, 2, true).lines.back() == "invalid type=128 version=0x1f01");
}

TEST_CASE("The probe answers from the record header", "[tls][probe]") {
    const std::string client_hello = illustrated(3, "clienthello");
    CHECK(probe_record(bytes_of(client_hello)) == ProbeResult::Yes);
    CHECK(probe_record(bytes_of(client_hello.substr(0, 4))) == ProbeResult::NeedMore);
    CHECK(probe_record(bytes_of("")) == ProbeResult::NeedMore);
    // Every content type, SSL 3.0 to TLS 1.3.
    for (unsigned type = 20; type <= 24; ++type)
        for (unsigned minor = 0; minor <= 4; ++minor)
            CHECK(probe_record(bytes_of(record(type, 0x0300 | minor, "x"))) == ProbeResult::Yes);
    CHECK(probe_record(bytes_of(hex("10"))) == ProbeResult::No);               // MQTT CONNECT
    CHECK(probe_record(bytes_of(hex("16 02"))) == ProbeResult::No);            // major version 2
    CHECK(probe_record(bytes_of(hex("16 03 05 00 10"))) == ProbeResult::No);   // minor version 5
    CHECK(probe_record(bytes_of(hex("17 03 03 00 00"))) == ProbeResult::No);   // empty record
    CHECK(probe_record(bytes_of(hex("17 03 03 48 01"))) == ProbeResult::No);   // 2^14+2049 bytes
    CHECK(probe_record(bytes_of(hex("80 2e 01 03 01"))) == ProbeResult::Yes);  // SSL 2.0 ClientHello
    CHECK(probe_record(bytes_of(hex("80 2e 02"))) == ProbeResult::No);
    CHECK(probe_record(bytes_of(hex("47 45 54 20 2f"))) == ProbeResult::No);  // "GET /"
}
