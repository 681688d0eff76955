#pragma once

#include <optional>

#include "mqscan/byte_reader.hpp"
#include "mqscan/capture_info.hpp"

namespace mqscan {

struct CaptureHeader {
    CaptureFormat format;
    TimePrecision precision;
};

// Reads the file format and the clock precision from a capture's first bytes
// (libpcap hides both). nullopt when the bytes are neither pcap nor pcapng.
std::optional<CaptureHeader> parse_capture_header(Bytes leading_bytes);

}  // namespace mqscan
