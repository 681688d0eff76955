#pragma once
// The capture point between the hosts: it records each frame as it passes,
// filtered and cut the way a student's capture may be.

#include <cstdint>
#include <string>
#include <vector>

#include "lab/net/network_event.hpp"
#include "mqscan/byte_reader.hpp"
#include "mqscan/result.hpp"

namespace mqscan::lab::net {

struct CaptureSettings {
    // Bytes kept of each frame, also in the file header (tcpdump's default).
    std::uint32_t snaplen = 262144;
    Timestamp start_at;              // frames before it are not recorded: the capture started late
    bool client_to_server_only = false;  // a capture filtered to one direction
};

struct CapturedFrame {
    Timestamp time;
    std::vector<std::uint8_t> data;    // at most snaplen bytes
    std::uint32_t original_length = 0;  // on the wire
};

class CaptureRecorder {
public:
    explicit CaptureRecorder(const CaptureSettings& settings) : settings_(settings) {}

    void record(Timestamp time, Bytes frame, Side sender);
    [[nodiscard]] const std::vector<CapturedFrame>& frames() const { return frames_; }
    // A pcap file (Ethernet, nanosecond timestamps): the number of frames written, or why not.
    [[nodiscard]] Result<std::size_t, std::string> write_pcap(const std::string& path) const;

private:
    CaptureSettings settings_;
    std::vector<CapturedFrame> frames_;
};

}  // namespace mqscan::lab::net
