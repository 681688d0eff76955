#pragma once
// Classic pcap files read in place: a frame's bytes are handed over where
// they lie in the read buffer, without libpcap's per-record reads and copy.
// Only the plain case takes this path (version 2.4, a link type mqscan
// decodes); every other file goes through libpcap.

#include <memory>
#include <optional>

#include "capture/byte_stream.hpp"
#include "mqscan/capture_info.hpp"
#include "mqscan/packet_source.hpp"

namespace mqscan {

struct PcapFileHeader {
    bool swapped = false;  // written in the other byte order
    TimePrecision precision = TimePrecision::Micro;
    int link_type = 0;     // as a DLT value, like libpcap's pcap_datalink()
    std::uint32_t snaplen = 0;
};

inline constexpr std::size_t kPcapFileHeaderSize = 24;

// The header when the file can be read in place; nullopt when it needs libpcap.
std::optional<PcapFileHeader> in_place_pcap_header(Bytes leading_bytes);

// Reads the records after the file header. `info` gets the link type and snaplen.
std::unique_ptr<PacketSource> open_pcap_records(std::unique_ptr<ByteStream> stream,
                                                const PcapFileHeader& header, CaptureInfo info);

}  // namespace mqscan
