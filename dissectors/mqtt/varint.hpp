#pragma once
// The Variable Byte Integer [MQTT-1.5.5]: 1 to 4 bytes, 7 bits each,
// at most 268,435,455, minimally encoded [MQTT-1.5.5-1].

#include <cstdint>
#include <string>

#include "mqscan/byte_reader.hpp"

namespace mqscan::mqtt {

enum class VarintStatus : std::uint8_t {
    Ok,
    NeedMore,  // the bytes end inside the integer
    TooLong,   // a fifth byte would be needed
    Overlong,  // valid value, but not in the fewest bytes
};

struct Varint {
    VarintStatus status = VarintStatus::NeedMore;
    std::uint32_t value = 0;
    std::uint8_t length = 0;  // bytes the integer takes
};

inline constexpr std::uint32_t kVarintMax = 268'435'455;

// Reads without consuming: the caller decides what to do with each status.
Varint peek_varint(const ByteReader& reader);
// Reads and consumes an Ok or Overlong integer; nullopt otherwise (reader unchanged).
std::optional<std::uint32_t> read_varint(ByteReader& reader);

void encode_varint(std::uint32_t value, std::string& out);

}  // namespace mqscan::mqtt
