#pragma once

#include <memory>
#include <string>

#include "mqscan/frame.hpp"
#include "mqscan/result.hpp"

namespace mqscan {

// Writes frames to a pcap file with libpcap's writer (nanosecond timestamps
// when asked). Used by the benchmark generator and the lab's captures.
class PcapWriter {
public:
    static Result<std::unique_ptr<PcapWriter>, std::string> open(const std::string& path,
                                                                  int link_type,
                                                                  std::uint32_t snaplen,
                                                                  TimePrecision precision);
    ~PcapWriter();
    PcapWriter(const PcapWriter&) = delete;
    PcapWriter& operator=(const PcapWriter&) = delete;

    void write(const RawFrame& frame);
    // Flushes and closes; false if anything failed to be written.
    bool close();

private:
    struct Handles;
    explicit PcapWriter(std::unique_ptr<Handles> handles);
    std::unique_ptr<Handles> handles_;
};

}  // namespace mqscan
