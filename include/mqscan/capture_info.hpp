#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mqscan/timestamp.hpp"

namespace mqscan {

enum class CaptureFormat : std::uint8_t { Pcap, Pcapng };

struct CaptureInfo {
    std::string file;
    CaptureFormat format = CaptureFormat::Pcap;
    bool gzip = false;
    int link_type = 0;           // libpcap's DLT value
    std::string link_type_name;  // e.g. "EN10MB"
    std::uint32_t snaplen = 0;
    TimePrecision precision = TimePrecision::Micro;
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;     // captured bytes of all frames
    std::uint64_t truncated_frames = 0;  // frames cut by the snaplen
    std::optional<Timestamp> first_time;
    std::optional<Timestamp> last_time;
    bool complete = true;        // false when the file was cut or damaged
    std::string error;           // why it is not complete
};

[[nodiscard]] const char* to_string(CaptureFormat format);

}  // namespace mqscan
