#include "lab/net/capture_recorder.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "capture/pcap_writer.hpp"
#include "lab/net/frame_builder.hpp"

namespace mqscan::lab::net {

void CaptureRecorder::record(Timestamp time, Bytes frame, Side sender) {
    if (time < settings_.start_at) return;
    if (settings_.client_to_server_only && sender != Side::Client) return;
    const Bytes kept = frame.first(std::min<std::size_t>(frame.size(), settings_.snaplen));
    frames_.push_back({time, {kept.begin(), kept.end()}, static_cast<std::uint32_t>(frame.size())});
}

Result<std::size_t, std::string> CaptureRecorder::write_pcap(const std::string& path) const {
    auto writer = PcapWriter::open(path, kLinkTypeEthernet, settings_.snaplen, TimePrecision::Nano);
    if (!writer) return fail(writer.error());
    std::uint64_t number = 0;
    for (const CapturedFrame& frame : frames_)
        (*writer)->write(RawFrame{++number, frame.time, frame.data, frame.original_length});
    if (!(*writer)->close()) return fail(fmt::format("cannot write all of '{}'", path));
    return frames_.size();
}

}  // namespace mqscan::lab::net
