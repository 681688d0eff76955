#include "capture/pcap_records.hpp"

#include "capture/capture_header.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <fmt/core.h>

namespace mqscan {
namespace {

constexpr std::size_t kRecordHeaderSize = 16;
// libpcap's largest sane capture length for the link types read here
// (MAXIMUM_SNAPLEN); a larger record means a damaged file.
constexpr std::uint32_t kMaxCaptureLength = 262144;

// File link types (LINKTYPE_*) read in place, with the DLT value libpcap maps each to.
struct LinkTypeMapping {
    std::uint32_t file_value;
    int dlt;
};
constexpr LinkTypeMapping kInPlaceLinkTypes[] = {
    {0, DLT_NULL},        {1, DLT_EN10MB},      {101, DLT_RAW},         {108, DLT_LOOP},
    {113, DLT_LINUX_SLL}, {228, DLT_IPV4},      {229, DLT_IPV6},        {276, DLT_LINUX_SLL2},
};

class PcapRecords final : public PacketSource {
public:
    PcapRecords(std::unique_ptr<ByteStream> stream, const PcapFileHeader& header, CaptureInfo info)
        : stream_(std::move(stream)), header_(header), info_(std::move(info)) {}

    ReadStatus next(RawFrame& frame) override {
        const Bytes record_header = stream_->peek(kRecordHeaderSize);
        if (record_header.empty()) return stream_->error().empty() ? ReadStatus::End : read_error();
        if (record_header.size() < kRecordHeaderSize)
            return damaged(fmt::format("truncated dump file; tried to read {} header bytes, only got {}",
                                       kRecordHeaderSize, record_header.size()),
                           true);
        ByteReader reader(record_header);
        const std::uint32_t seconds = *u32(reader);
        const std::uint32_t fraction = *u32(reader);
        std::uint32_t captured = *u32(reader);
        const std::uint32_t original = *u32(reader);
        if (captured > kMaxCaptureLength)
            return damaged(fmt::format("invalid packet capture length {}, bigger than snaplen of {}",
                                       captured, header_.snaplen),
                           false);
        // Like libpcap: a record longer than the snaplen is cut to it.
        const std::uint32_t kept = std::min(captured, header_.snaplen);
        const Bytes record = stream_->peek(kRecordHeaderSize + captured);
        if (record.size() < kRecordHeaderSize + captured) {
            if (!stream_->error().empty()) return read_error();
            return damaged(fmt::format("truncated dump file; tried to read {} captured bytes, only got {}",
                                       captured, record.size() - kRecordHeaderSize),
                           true);
        }
        frame.number = ++frames_;
        // Signed, as libpcap reads it: the 32-bit field predates the 2038 question.
        const std::int64_t signed_seconds = static_cast<std::int32_t>(seconds);
        const auto clamped = std::clamp<std::int64_t>(signed_seconds, -kMaxCaptureSeconds, kMaxCaptureSeconds);
        frame.time_clamped = clamped != signed_seconds;
        const std::int64_t signed_fraction = static_cast<std::int32_t>(fraction);  // as libpcap
        const std::int64_t nanoseconds =
            header_.precision == TimePrecision::Nano ? signed_fraction : signed_fraction * 1000;
        frame.time.ns = clamped * 1'000'000'000 + nanoseconds;
        frame.data = record.subspan(kRecordHeaderSize, kept);
        frame.original_length = original;
        stream_->advance(kRecordHeaderSize + captured);
        return ReadStatus::Frame;
    }

    [[nodiscard]] const CaptureInfo& info() const override { return info_; }
    [[nodiscard]] std::string error() const override { return error_; }
    [[nodiscard]] bool error_is_truncation() const override { return truncation_; }

private:
    std::optional<std::uint32_t> u32(ByteReader& reader) const {
        return header_.swapped ? reader.u32be() : reader.u32le();
    }

    ReadStatus read_error() { return damaged("error reading dump file: " + stream_->error(), false); }

    ReadStatus damaged(const std::string& message, bool truncation) {
        truncation_ = truncation;
        error_ = fmt::format("{} (after frame {}, at byte {})", message, frames_, stream_->offset());
        return ReadStatus::Error;
    }

    std::unique_ptr<ByteStream> stream_;
    PcapFileHeader header_;
    CaptureInfo info_;
    std::uint64_t frames_ = 0;
    std::string error_;
    bool truncation_ = false;
};

}  // namespace

std::optional<PcapFileHeader> in_place_pcap_header(Bytes leading_bytes) {
    ByteReader reader(leading_bytes);
    const auto magic = reader.u32le();
    if (!magic) return std::nullopt;
    PcapFileHeader header;
    header.swapped = byte_swap32(*magic) == kPcapMagicMicro || byte_swap32(*magic) == kPcapMagicNano;
    const std::uint32_t native = header.swapped ? byte_swap32(*magic) : *magic;
    if (native != kPcapMagicMicro && native != kPcapMagicNano) return std::nullopt;
    header.precision = native == kPcapMagicNano ? TimePrecision::Nano : TimePrecision::Micro;
    auto u16 = [&] { return header.swapped ? reader.u16be() : reader.u16le(); };
    auto u32 = [&] { return header.swapped ? reader.u32be() : reader.u32le(); };
    const auto major = u16();
    const auto minor = u16();
    // Versions before 2.4 may have the two lengths swapped: libpcap's guesswork.
    if (!major || !minor || *major != 2 || *minor != 4 || !reader.skip(8)) return std::nullopt;
    const auto snaplen = u32();
    const auto link_type = u32();
    if (!snaplen || !link_type) return std::nullopt;
    const auto mapping = std::find_if(std::begin(kInPlaceLinkTypes), std::end(kInPlaceLinkTypes),
                                      [&](const LinkTypeMapping& m) { return m.file_value == *link_type; });
    if (mapping == std::end(kInPlaceLinkTypes)) return std::nullopt;
    header.link_type = mapping->dlt;
    // libpcap takes 0, or anything past the maximum, as the maximum.
    header.snaplen = *snaplen == 0 || *snaplen > kMaxCaptureLength ? kMaxCaptureLength : *snaplen;
    return header;
}

std::unique_ptr<PacketSource> open_pcap_records(std::unique_ptr<ByteStream> stream,
                                                const PcapFileHeader& header, CaptureInfo info) {
    stream->advance(stream->peek(kPcapFileHeaderSize).size());
    info.format = CaptureFormat::Pcap;
    info.precision = header.precision;
    info.link_type = header.link_type;
    const char* name = pcap_datalink_val_to_name(header.link_type);
    info.link_type_name = name != nullptr ? name : fmt::format("DLT {}", header.link_type);
    info.snaplen = header.snaplen;
    return std::make_unique<PcapRecords>(std::move(stream), header, std::move(info));
}

}  // namespace mqscan
