#pragma once

#include <cstdint>

#include "mqscan/byte_reader.hpp"
#include "mqscan/timestamp.hpp"

namespace mqscan {

// One captured frame as a PacketSource hands it over. `data` is only valid
// until the source is asked for the next frame.
struct RawFrame {
    std::uint64_t number = 0;  // 1-based, as Wireshark numbers frames
    Timestamp time;
    Bytes data;                // the captured bytes (caplen)
    std::uint32_t original_length = 0;  // the length on the wire (len)
    bool time_clamped = false;          // the file's time was out of range (see kMaxCaptureSeconds)
};

// Frame times are kept within +-2^32 s of the epoch (years 1834 to 2106), so
// that any difference of two times fits in 64-bit nanoseconds.
inline constexpr std::int64_t kMaxCaptureSeconds = std::int64_t{1} << 32;

// Where a stream event happened: the frame that delivered it.
struct FrameRef {
    std::uint64_t number = 0;
    Timestamp time;
};

}  // namespace mqscan
