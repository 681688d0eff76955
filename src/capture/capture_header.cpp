#include "capture/capture_header.hpp"

namespace mqscan {
namespace {

constexpr std::uint32_t kPcapngSectionHeader = 0x0a0d0d0a;
constexpr std::uint32_t kPcapngByteOrder = 0x1a2b3c4d;
constexpr std::uint32_t kPcapngInterfaceDescription = 1;
constexpr std::uint16_t kOptionEnd = 0;
constexpr std::uint16_t kOptionTsresol = 9;  // pcapng if_tsresol
constexpr int kMaxBlocksScanned = 16;

// Reads the endianness-dependent integers of one pcapng section.
class SectionReader {
public:
    SectionReader(ByteReader reader, bool little_endian) : r_(reader), le_(little_endian) {}
    std::optional<std::uint16_t> u16() { return le_ ? r_.u16le() : r_.u16be(); }
    std::optional<std::uint32_t> u32() { return le_ ? r_.u32le() : r_.u32be(); }
    ByteReader& raw() { return r_; }

private:
    ByteReader r_;
    bool le_;
};

TimePrecision precision_of_tsresol(std::uint8_t tsresol) {
    // MSB clear: 10^-v seconds; MSB set: 2^-v seconds. 2^-20 is about a microsecond.
    const bool power_of_two = (tsresol & 0x80) != 0;
    const int exponent = tsresol & 0x7f;
    const bool finer_than_micro = power_of_two ? exponent > 20 : exponent > 6;
    return finer_than_micro ? TimePrecision::Nano : TimePrecision::Micro;
}

// The interface options of an IDB body: linktype(2) reserved(2) snaplen(4) options.
std::optional<TimePrecision> idb_precision(SectionReader idb) {
    if (!idb.raw().skip(8)) return std::nullopt;
    while (true) {
        auto code = idb.u16();
        auto length = idb.u16();
        if (!code || !length || *code == kOptionEnd) return std::nullopt;
        auto value = idb.raw().sub(*length);
        if (!value) return std::nullopt;
        if (*code == kOptionTsresol && *length == 1) return precision_of_tsresol(*value->u8());
        idb.raw().skip((4 - *length % 4) % 4);
    }
}

// The precision of the first interface: its if_tsresol option, else microseconds.
// `reader` is positioned just after the section header's block type.
TimePrecision pcapng_precision(ByteReader reader) {
    auto length_bytes = reader.bytes(4);
    auto byte_order = reader.u32le();
    if (!length_bytes || !byte_order) return TimePrecision::Micro;
    const bool little_endian = *byte_order == kPcapngByteOrder;
    SectionReader section(ByteReader(*length_bytes), little_endian);
    auto shb_length = section.u32();
    if (!shb_length || *shb_length < 16 || !reader.skip(*shb_length - 12)) return TimePrecision::Micro;
    SectionReader blocks(reader, little_endian);
    for (int block = 0; block < kMaxBlocksScanned; ++block) {
        auto type = blocks.u32();
        auto total_length = blocks.u32();
        if (!type || !total_length || *total_length < 12) break;
        auto body = blocks.raw().sub(*total_length - 8);
        if (!body) break;
        if (*type != kPcapngInterfaceDescription) continue;
        return idb_precision(SectionReader(*body, little_endian)).value_or(TimePrecision::Micro);
    }
    return TimePrecision::Micro;
}

}  // namespace

std::optional<CaptureHeader> parse_capture_header(Bytes leading_bytes) {
    ByteReader reader(leading_bytes);
    auto magic = reader.u32le();
    if (!magic) return std::nullopt;
    if (*magic == kPcapMagicMicro || byte_swap32(*magic) == kPcapMagicMicro)
        return CaptureHeader{CaptureFormat::Pcap, TimePrecision::Micro};
    if (*magic == kPcapMagicNano || byte_swap32(*magic) == kPcapMagicNano)
        return CaptureHeader{CaptureFormat::Pcap, TimePrecision::Nano};
    if (*magic != kPcapngSectionHeader) return std::nullopt;
    return CaptureHeader{CaptureFormat::Pcapng, pcapng_precision(reader)};
}

}  // namespace mqscan
