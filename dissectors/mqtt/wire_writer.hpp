#pragma once
// MQTT's fixed-width fields on the writer side [MQTT-1.5.2, 1.5.4, 1.5.6].

#include <cstdint>
#include <string>

namespace mqscan::mqtt {

inline void append_u16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v & 0xff);
}

// A two-byte length, then the bytes (UTF-8 strings and binary data alike).
inline void append_string(std::string& out, const std::string& s) {
    append_u16(out, static_cast<std::uint16_t>(s.size()));
    out += s;
}

}  // namespace mqscan::mqtt
