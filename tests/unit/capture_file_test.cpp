// Reading capture files: formats, compression, precision, and damaged files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "mqscan/analysis.hpp"

using namespace mqscan;
namespace fs = std::filesystem;

namespace {

const std::string corpus = MQSCAN_CORPUS_DIR;

std::vector<char> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A file in the temporary directory, removed at the end of the test.
class TempFile {
public:
    explicit TempFile(const std::string& name)
        : path_(fs::temp_directory_path() / ("mqscan-test-" + name)) {}
    ~TempFile() { fs::remove(path_); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    std::string write(const char* data, std::size_t size) const {
        std::ofstream(path_, std::ios::binary).write(data, static_cast<std::streamsize>(size));
        return path_.string();
    }

private:
    fs::path path_;
};

AnalysisResult analyze_path(const std::string& path) { return analyze_file(path, {}); }

}  // namespace

TEST_CASE("pcap and pcapng copies of the same packets give the same report", "[capture]") {
    const AnalysisResult pcap = analyze_path(corpus + "/zeek/testing/btest/Traces/mqtt.pcap");
    const AnalysisResult pcapng = analyze_path(corpus + "/peafowl/test/pcaps/mqtt-1.pcapng");
    REQUIRE(pcap.status == AnalysisStatus::Complete);
    REQUIRE(pcapng.status == AnalysisStatus::Complete);
    CHECK(pcap.report.capture.format == CaptureFormat::Pcap);
    CHECK(pcapng.report.capture.format == CaptureFormat::Pcapng);
    CHECK(pcapng.report.capture.precision == TimePrecision::Micro);
    REQUIRE(pcap.report.connections.size() == 2);
    REQUIRE(pcapng.report.connections.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        const ConnectionSummary& a = pcap.report.connections[i];
        const ConnectionSummary& b = pcapng.report.connections[i];
        CHECK(a.client == b.client);
        CHECK(a.start == b.start);
        for (Direction d : {Direction::ToServer, Direction::ToClient}) {
            CHECK(a.stats(d).bytes == b.stats(d).bytes);
            CHECK(a.stats(d).packets == b.stats(d).packets);
        }
    }
    // Cross-checked with `tshark -q -z conv,tcp`: 7 + 9 frames and 3 frames.
    CHECK(pcap.report.connections[0].stats(Direction::ToServer).packets == 7);
    CHECK(pcap.report.connections[0].stats(Direction::ToClient).packets == 9);
}

TEST_CASE("gzip-compressed captures are read as they stream", "[capture]") {
    const AnalysisResult result = analyze_path(corpus + "/wireshark/test/captures/dhe1.pcapng.gz");
    REQUIRE(result.status == AnalysisStatus::Complete);
    CHECK(result.report.capture.gzip);
    CHECK(result.report.capture.format == CaptureFormat::Pcapng);
    CHECK(result.report.capture.packets == 16);  // capinfos: 16 packets
    CHECK(result.report.connections.size() == 1);
}

TEST_CASE("A truncated capture keeps everything before the cut", "[capture]") {
    const std::string source = corpus + "/suricata-verify/tests/mqtt-limit-2/input.pcap";
    const std::vector<char> bytes = read_file(source);
    const AnalysisResult whole = analyze_path(source);
    REQUIRE(whole.status == AnalysisStatus::Complete);
    REQUIRE(whole.report.capture.packets == 37);

    // Offsets inside records (24-byte file header, 16-byte record headers).
    const std::size_t cut = GENERATE(40u, 24u + 16u + 5u, 100'000u, 204'000u, 204'990u);
    TempFile file("truncated.pcap");
    const std::string path = file.write(bytes.data(), std::min(cut, bytes.size() - 1));
    const AnalysisResult partial = analyze_path(path);

    CHECK(partial.status == AnalysisStatus::Damaged);
    CHECK_FALSE(partial.report.capture.complete);
    CHECK_THAT(partial.report.capture.error, Catch::Contains("truncated"));
    const std::uint64_t frames_read = partial.report.capture.packets;
    CHECK(frames_read < 37);
    CHECK(partial.report.anomaly_counts[static_cast<int>(AnomalyId::CaptureTruncated)] == 1);
    CHECK(std::any_of(partial.report.anomalies.begin(), partial.report.anomalies.end(),
                      [](const Anomaly& a) { return a.id == AnomalyId::CaptureTruncated; }));
    for (const ConnectionSummary& c : whole.report.connections) {
        if (c.first_frame > frames_read) continue;
        const auto found = std::find_if(partial.report.connections.begin(),
                                        partial.report.connections.end(),
                                        [&](const auto& p) { return p.id == c.id; });
        REQUIRE(found != partial.report.connections.end());
        CHECK(found->client == c.client);
        CHECK(found->stats(Direction::ToServer).bytes <= c.stats(Direction::ToServer).bytes);
    }
}

TEST_CASE("Files that are not captures get one clear message", "[capture]") {
    SECTION("missing") {
        const AnalysisResult r = analyze_path("/nonexistent/mqtt-nobody.pcap");
        CHECK(r.status == AnalysisStatus::Unreadable);
        CHECK_THAT(r.message, Catch::Contains("No such file"));
    }
    SECTION("empty") {
        TempFile file("empty.pcap");
        const AnalysisResult r = analyze_path(file.write("", 0));
        CHECK(r.status == AnalysisStatus::Unreadable);
        CHECK_THAT(r.message, Catch::Contains("empty"));
    }
    SECTION("text renamed .pcap") {
        TempFile file("text.pcap");
        const std::string text = "this is a lab report, not a capture\n";
        const AnalysisResult r = analyze_path(file.write(text.data(), text.size()));
        CHECK(r.status == AnalysisStatus::Unreadable);
        CHECK_THAT(r.message, Catch::Contains("not a pcap or pcapng"));
    }
    SECTION("a directory") {
        const AnalysisResult r = analyze_path(fs::temp_directory_path().string());
        CHECK(r.status == AnalysisStatus::Unreadable);
        CHECK_THAT(r.message, Catch::Contains("directory"));
    }
    SECTION("a header cut short") {
        TempFile file("short.pcap");
        const char header[] = {'\xd4', '\xc3', '\xb2', '\xa1', 2, 0};
        const AnalysisResult r = analyze_path(file.write(header, sizeof header));
        CHECK(r.status == AnalysisStatus::Unreadable);
        CHECK_THAT(r.message, Catch::Contains("truncated"));
    }
}

TEST_CASE("An unsupported link type is named, not reported empty", "[capture]") {
    // A pcap header for LINKTYPE_IEEE802_11 (105) and no packets.
    const unsigned char header[] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
                                    0,    0,    0,    0,    0, 0, 4, 0, 105, 0, 0, 0};
    TempFile file("wifi.pcap");
    const AnalysisResult r =
        analyze_path(file.write(reinterpret_cast<const char*>(header), sizeof header));
    CHECK(r.status == AnalysisStatus::Unreadable);
    CHECK_THAT(r.message, Catch::Contains("unsupported link type IEEE802_11"));
}

TEST_CASE("Nanosecond captures keep their precision", "[capture]") {
    // The mqtt.pcap records rewritten with the nanosecond magic: times read as ns.
    std::vector<char> bytes = read_file(corpus + "/zeek/testing/btest/Traces/mqtt.pcap");
    const unsigned char nano_magic[] = {0x4d, 0x3c, 0xb2, 0xa1};
    std::copy(std::begin(nano_magic), std::end(nano_magic), bytes.begin());
    TempFile file("nano.pcap");
    const AnalysisResult r = analyze_path(file.write(bytes.data(), bytes.size()));
    REQUIRE(r.status == AnalysisStatus::Complete);
    CHECK(r.report.capture.precision == TimePrecision::Nano);
    // The first record's timestamp: 1461170590 s and 509491 units, now nanoseconds.
    CHECK(r.report.capture.first_time->ns == 1461170590LL * 1'000'000'000 + 509491);
}

// Regressions found by the fuzzer (tests/fuzz/corpus/capture/crash-*): under
// UBSan these overflowed 64-bit nanoseconds.
TEST_CASE("Timestamps far from the epoch are clamped, and time spans stay positive", "[capture]") {
    const std::string dir = std::string(MQSCAN_SOURCE_DIR) + "/tests/fuzz/corpus/capture/";
    SECTION("a timestamp in the year 6379") {
        const AnalysisResult r = analyze_path(dir + "crash-timestamp-overflow.pcapng");
        CHECK(r.report.anomaly_counts[static_cast<int>(AnomalyId::TimestampOutOfRange)] > 0);
        CHECK(r.report.capture.first_time->ns <= kMaxCaptureSeconds * 1'000'000'000);
    }
    SECTION("frames 9e9 s before and after the epoch") {
        const AnalysisResult r = analyze_path(dir + "crash-time-span-overflow.pcapng");
        REQUIRE(r.report.capture.first_time.has_value());
        CHECK(r.report.capture.last_time->ns - r.report.capture.first_time->ns > 0);
        for (const ConnectionSummary& c : r.report.connections) CHECK(c.end.ns - c.start.ns >= 0);
    }
}
