// Opening a capture file: plain pcap is read in place (pcap_records.cpp), pcapng,
// gzip and unusual pcap files through libpcap.
#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/core.h>

#include "capture/capture_header.hpp"
#include "capture/gzip_file.hpp"
#include "capture/pcap_records.hpp"
#include "mqscan/packet_source.hpp"

namespace mqscan {
namespace {

constexpr std::size_t kSniffBytes = 4096;
constexpr std::size_t kReadBuffer = 256 * 1024;

class CaptureFile final : public PacketSource {
public:
    CaptureFile(pcap_t* handle, std::FILE* stream, CaptureInfo info)
        : handle_(handle), stream_(stream), info_(std::move(info)) {}
    ~CaptureFile() override { pcap_close(handle_); }  // also closes stream_
    CaptureFile(const CaptureFile&) = delete;
    CaptureFile& operator=(const CaptureFile&) = delete;

    ReadStatus next(RawFrame& frame) override {
        pcap_pkthdr* header = nullptr;
        const u_char* data = nullptr;
        const int rc = pcap_next_ex(handle_, &header, &data);
        if (rc == 1) {
            frame.number = ++frames_;
            const auto seconds = static_cast<std::int64_t>(header->ts.tv_sec);
            const std::int64_t kept = std::clamp(seconds, -kMaxCaptureSeconds, kMaxCaptureSeconds);
            frame.time_clamped = kept != seconds;
            // Opened with nanosecond precision: tv_usec holds nanoseconds.
            frame.time.ns = kept * 1'000'000'000 + static_cast<std::int64_t>(header->ts.tv_usec);
            frame.data = Bytes(data, header->caplen);
            frame.original_length = header->len;
            return ReadStatus::Frame;
        }
        if (rc == PCAP_ERROR_BREAK) return ReadStatus::End;
        const char* message = pcap_geterr(handle_);
        truncation_ = std::strstr(message, "truncated") != nullptr;
        const long offset = std::ftell(stream_);
        error_ = fmt::format("{} (after frame {}, at byte {}{})", message, frames_, offset,
                             info_.gzip ? " of the decompressed data" : "");
        return ReadStatus::Error;
    }

    [[nodiscard]] const CaptureInfo& info() const override { return info_; }
    [[nodiscard]] std::string error() const override { return error_; }
    [[nodiscard]] bool error_is_truncation() const override { return truncation_; }

private:
    pcap_t* handle_;
    std::FILE* stream_;
    CaptureInfo info_;
    std::uint64_t frames_ = 0;
    std::string error_;
    bool truncation_ = false;
};

std::string describe_errno(const std::string& path) {
    return fmt::format("cannot open '{}': {}", path, std::strerror(errno));
}

// Opens an already-identified capture stream with libpcap; takes ownership of `stream`.
Result<std::unique_ptr<PacketSource>, std::string> open_stream(std::FILE* stream,
                                                               const CaptureHeader& header,
                                                               CaptureInfo info) {
    char errbuf[PCAP_ERRBUF_SIZE] = {0};
    pcap_t* handle =
        pcap_fopen_offline_with_tstamp_precision(stream, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (handle == nullptr) {
        std::fclose(stream);
        return fail(fmt::format("cannot read '{}': {}", info.file, errbuf));
    }
    info.format = header.format;
    info.precision = header.precision;
    info.link_type = pcap_datalink(handle);
    const char* name = pcap_datalink_val_to_name(info.link_type);
    info.link_type_name = name != nullptr ? name : fmt::format("DLT {}", info.link_type);
    info.snaplen = static_cast<std::uint32_t>(pcap_snapshot(handle));
    return std::unique_ptr<PacketSource>(std::make_unique<CaptureFile>(handle, stream, info));
}

std::optional<CaptureHeader> identify(Bytes leading, const std::string& name,
                                      std::string& error) {
    if (leading.empty()) {
        error = fmt::format("'{}' is empty: not a capture file", name);
        return std::nullopt;
    }
    auto header = parse_capture_header(leading);
    if (!header)
        error = fmt::format("'{}' is not a pcap or pcapng capture (unknown file signature)", name);
    return header;
}

}  // namespace

Result<std::unique_ptr<PacketSource>, std::string> open_capture_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return fail(fmt::format("cannot read '{}': it is a directory", path));

    unsigned char leading[kSniffBytes];
    const long leading_count = read_leading_bytes(path, leading, sizeof leading);
    if (leading_count < 0) return fail(describe_errno(path));
    std::string error;
    auto header = identify(Bytes(leading, static_cast<std::size_t>(leading_count)), path, error);
    if (!header) return fail(error);

    CaptureInfo info;
    info.file = path;
    info.gzip = is_gzip_file(path);
    const Bytes leading_bytes(leading, static_cast<std::size_t>(leading_count));
    if (const auto in_place = info.gzip ? std::nullopt : in_place_pcap_header(leading_bytes)) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return fail(describe_errno(path));
        return open_pcap_records(std::make_unique<ByteStream>(fd), *in_place, std::move(info));
    }
    // zlib reads plain files too, but with an extra copy: only gzip goes through it.
    std::FILE* stream = info.gzip ? open_decompressing(path) : std::fopen(path.c_str(), "rb");
    if (stream == nullptr) return fail(describe_errno(path));
    // Large reads: a system call per 4 KiB (stdio's default) costs more than the decoding.
    if (!info.gzip) std::setvbuf(stream, nullptr, _IOFBF, kReadBuffer);
    return open_stream(stream, *header, std::move(info));
}

Result<std::unique_ptr<PacketSource>, std::string> open_capture_bytes(Bytes bytes,
                                                                     const std::string& name) {
    std::string error;
    auto header = identify(bytes.first(std::min(bytes.size(), kSniffBytes)), name, error);
    if (!header) return fail(error);
    CaptureInfo info;
    info.file = name;
    if (const auto in_place = in_place_pcap_header(bytes))
        return open_pcap_records(std::make_unique<ByteStream>(bytes), *in_place, std::move(info));
    // fmemopen never writes through a read-only stream.
    std::FILE* stream = fmemopen(const_cast<std::uint8_t*>(bytes.data()), bytes.size(), "rb");
    if (stream == nullptr) return fail(describe_errno(name));
    return open_stream(stream, *header, std::move(info));
}

const char* to_string(CaptureFormat format) {
    return format == CaptureFormat::Pcap ? "pcap" : "pcapng";
}

}  // namespace mqscan
