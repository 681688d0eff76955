#pragma once

#include <cstdint>
#include <optional>

#include "mqscan/byte_reader.hpp"
#include "mqscan/capture_info.hpp"

namespace mqscan {

// The classic pcap magic numbers, as written in the file's own byte order.
inline constexpr std::uint32_t kPcapMagicMicro = 0xa1b2c3d4;
inline constexpr std::uint32_t kPcapMagicNano = 0xa1b23c4d;

struct CaptureHeader {
    CaptureFormat format;
    TimePrecision precision;
};

// Reads the file format and the clock precision from a capture's first bytes
// (libpcap hides both). nullopt when the bytes are neither pcap nor pcapng.
std::optional<CaptureHeader> parse_capture_header(Bytes leading_bytes);

}  // namespace mqscan
