// The in-place pcap reader against libpcap: a classic pcap patched to version
// 2.3 takes libpcap's path, so both readers can be run over the same records.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "capture/read_ahead.hpp"
#include "mqscan/packet_source.hpp"

using namespace mqscan;

namespace {

using FileBytes = std::vector<std::uint8_t>;

FileBytes read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The same records with the header's minor version set to 3: libpcap reads
// such a file (its lengths are not swapped when caplen <= len), mqscan's
// in-place reader leaves it to libpcap.
FileBytes as_version_2_3(FileBytes file) {
    const bool big_endian = file[0] == 0xa1;
    file[big_endian ? 7 : 6] = 3;
    return file;
}

// The file in the other byte order: the file header's and every record header's fields swapped.
FileBytes byte_swapped(const FileBytes& file) {
    FileBytes out = file;
    auto swap_field = [&out](std::size_t at, std::size_t width) {
        std::reverse(out.begin() + static_cast<std::ptrdiff_t>(at),
                     out.begin() + static_cast<std::ptrdiff_t>(at + width));
    };
    swap_field(0, 4);
    swap_field(4, 2);
    swap_field(6, 2);
    for (std::size_t at = 8; at < 24; at += 4) swap_field(at, 4);
    std::size_t at = 24;
    while (at + 16 <= file.size()) {
        const std::uint32_t caplen = file[at + 8] | file[at + 9] << 8 | file[at + 10] << 16 |
                                     static_cast<std::uint32_t>(file[at + 11]) << 24;
        for (std::size_t field = 0; field < 16; field += 4) swap_field(at + field, 4);
        at += 16 + caplen;
    }
    return out;
}

struct FrameCopy {
    std::int64_t time_ns;
    std::vector<std::uint8_t> data;
    std::uint32_t original_length;
    bool operator==(const FrameCopy&) const = default;
};

struct Reading {
    std::vector<FrameCopy> frames;
    ReadStatus end = ReadStatus::End;
    bool truncation = false;
    int link_type = 0;
    std::uint32_t snaplen = 0;
};

void read_frames(PacketSource& s, Reading& reading) {
    reading.link_type = s.info().link_type;
    reading.snaplen = s.info().snaplen;
    RawFrame frame;
    while ((reading.end = s.next(frame)) == ReadStatus::Frame)
        reading.frames.push_back({frame.time.ns, {frame.data.begin(), frame.data.end()},
                                  frame.original_length});
    reading.truncation = reading.end == ReadStatus::Error && s.error_is_truncation();
}

Reading read_all(const FileBytes& file) {
    Reading reading;
    auto source = open_capture_bytes(Bytes(file.data(), file.size()), "test.pcap");
    REQUIRE(source.ok());
    read_frames(**source, reading);
    return reading;
}

// The same bytes read from a file: in blocks, read ahead on another thread.
Reading read_file_path(const FileBytes& file) {
    const auto path = std::filesystem::temp_directory_path() / "mqscan-test-blocks.pcap";
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
    Reading reading;
    {
        auto source = open_capture_file(path.string());
        REQUIRE(source.ok());
        read_frames(**source, reading);
    }
    std::filesystem::remove(path);
    return reading;
}

void check_same(const Reading& in_place, const Reading& libpcap) {
    CHECK(in_place.link_type == libpcap.link_type);
    CHECK(in_place.snaplen == libpcap.snaplen);
    CHECK(in_place.end == libpcap.end);
    CHECK(in_place.truncation == libpcap.truncation);
    REQUIRE(in_place.frames.size() == libpcap.frames.size());
    for (std::size_t i = 0; i < in_place.frames.size(); ++i) {
        INFO("frame " << i + 1);
        CHECK(in_place.frames[i] == libpcap.frames[i]);
    }
}

const std::string corpus = MQSCAN_CORPUS_DIR;

}  // namespace

TEST_CASE("The in-place reader gives libpcap's frames", "[capture][pcap]") {
    const std::string name = GENERATE(
        "/suricata-verify/tests/mqtt-limit-2/input.pcap",              // Ethernet, 100 KB messages
        "/arkime/tests/pcap/mqtt_synthetic.pcap",                      // raw IPv4
        "/illustrated-tls13/captures/capture.pcap",                   // BSD loopback
        "/suricata-verify/tests/websocket-ping/input.pcap",            // Linux cooked v1
        "/suricata-verify/tests/decode-sll2-01/input.pcap");           // Linux cooked v2
    INFO(name);
    const FileBytes file = read_file(corpus + name);
    REQUIRE(file.size() > 24);
    const Reading libpcap = read_all(as_version_2_3(file));
    REQUIRE(!libpcap.frames.empty());

    SECTION("as written") { check_same(read_all(file), libpcap); }
    SECTION("in the other byte order") {
        check_same(read_all(byte_swapped(file)), read_all(as_version_2_3(byte_swapped(file))));
    }
    SECTION("cut anywhere in the last records") {
        for (std::size_t cut = file.size() - 1; cut + 300 > file.size() && cut > 24; --cut) {
            INFO("cut at " << cut);
            const FileBytes partial(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(cut));
            check_same(read_all(partial), read_all(as_version_2_3(partial)));
        }
    }
}

TEST_CASE("A file read in blocks gives the frames of the same bytes in memory", "[capture][pcap]") {
    // mqtt-limit-2's records (up to 1.5 KB, and odd sizes) repeated past
    // several read-ahead blocks, so that records straddle every boundary.
    const FileBytes one = read_file(corpus + "/suricata-verify/tests/mqtt-limit-2/input.pcap");
    FileBytes many(one.begin(), one.end());
    while (many.size() < 3 * ReadAhead::kBlocks * ReadAhead::kBlockSize)
        many.insert(many.end(), one.begin() + 24, one.end());
    const std::size_t cut = GENERATE(0u, 1u, 7u, 17u, 1000u);
    const FileBytes file(many.begin(), many.end() - static_cast<std::ptrdiff_t>(cut));
    INFO("cut " << cut);
    const Reading from_memory = read_all(file);
    REQUIRE(from_memory.frames.size() > 800);
    check_same(read_file_path(file), from_memory);
}

TEST_CASE("The in-place reader refuses a record larger than any snaplen", "[capture][pcap]") {
    FileBytes file = read_file(corpus + "/suricata-verify/tests/mqtt-ping/input.pcap");
    // The first record's caplen (at 24 + 8) set to 300,000: past libpcap's 262,144 maximum.
    const std::uint32_t huge = 300000;
    for (int i = 0; i < 4; ++i) file[32 + i] = static_cast<std::uint8_t>(huge >> (8 * i));
    auto source = open_capture_bytes(Bytes(file.data(), file.size()), "huge.pcap");
    REQUIRE(source.ok());
    RawFrame frame;
    CHECK((*source)->next(frame) == ReadStatus::Error);
    CHECK_FALSE((*source)->error_is_truncation());
    CHECK_THAT((*source)->error(), Catch::Contains("invalid packet capture length 300000"));
    CHECK_THAT((*source)->error(), Catch::Contains("after frame 0, at byte 24"));
}

TEST_CASE("The in-place reader cuts a record longer than the snaplen to it", "[capture][pcap]") {
    FileBytes file = read_file(corpus + "/suricata-verify/tests/mqtt-ping/input.pcap");
    const Reading whole = read_all(file);
    REQUIRE(whole.frames.size() == 2);
    const std::size_t first_length = whole.frames[0].data.size();
    // Snaplen (header offset 16) set below the first frame's captured length.
    const std::uint32_t snaplen = static_cast<std::uint32_t>(first_length - 10);
    for (int i = 0; i < 4; ++i) file[16 + i] = static_cast<std::uint8_t>(snaplen >> (8 * i));
    const Reading cut = read_all(file);
    check_same(cut, read_all(as_version_2_3(file)));
    REQUIRE(cut.frames.size() == 2);
    CHECK(cut.frames[0].data.size() == snaplen);
    CHECK(std::equal(cut.frames[0].data.begin(), cut.frames[0].data.end(),
                     whole.frames[0].data.begin()));
}
