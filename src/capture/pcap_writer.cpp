#include "capture/pcap_writer.hpp"

#include <pcap/pcap.h>

#include <cstdio>

#include <fmt/core.h>

namespace mqscan {

struct PcapWriter::Handles {
    pcap_t* dead = nullptr;
    pcap_dumper_t* dumper = nullptr;
    TimePrecision precision = TimePrecision::Micro;
};

Result<std::unique_ptr<PcapWriter>, std::string> PcapWriter::open(const std::string& path,
                                                                  int link_type,
                                                                  std::uint32_t snaplen,
                                                                  TimePrecision precision) {
    auto handles = std::make_unique<Handles>();
    handles->precision = precision;
    const unsigned pcap_precision = precision == TimePrecision::Nano ? PCAP_TSTAMP_PRECISION_NANO
                                                                     : PCAP_TSTAMP_PRECISION_MICRO;
    handles->dead = pcap_open_dead_with_tstamp_precision(link_type, static_cast<int>(snaplen),
                                                         pcap_precision);
    if (handles->dead == nullptr) return fail(std::string("cannot create a pcap writer"));
    handles->dumper = pcap_dump_open(handles->dead, path.c_str());
    if (handles->dumper == nullptr) {
        std::string error = fmt::format("cannot write '{}': {}", path, pcap_geterr(handles->dead));
        pcap_close(handles->dead);
        return fail(std::move(error));
    }
    return std::unique_ptr<PcapWriter>(new PcapWriter(std::move(handles)));
}

PcapWriter::PcapWriter(std::unique_ptr<Handles> handles) : handles_(std::move(handles)) {}

PcapWriter::~PcapWriter() { close(); }

void PcapWriter::write(const RawFrame& frame) {
    pcap_pkthdr header{};
    const std::int64_t unit = handles_->precision == TimePrecision::Nano ? 1 : 1000;
    header.ts.tv_sec = static_cast<time_t>(frame.time.ns / 1'000'000'000);
    header.ts.tv_usec = static_cast<suseconds_t>((frame.time.ns % 1'000'000'000) / unit);
    header.caplen = static_cast<bpf_u_int32>(frame.data.size());
    header.len = frame.original_length;
    pcap_dump(reinterpret_cast<u_char*>(handles_->dumper), &header, frame.data.data());
}

bool PcapWriter::close() {
    if (handles_->dumper == nullptr) return true;
    // A write that failed earlier (disk full) leaves the stream's error flag set.
    const bool ok = pcap_dump_flush(handles_->dumper) == 0 && std::ferror(pcap_dump_file(handles_->dumper)) == 0;
    pcap_dump_close(handles_->dumper);
    pcap_close(handles_->dead);
    handles_->dumper = nullptr;
    handles_->dead = nullptr;
    return ok;
}

}  // namespace mqscan
