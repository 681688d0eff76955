#include "mqtt/varint.hpp"

namespace mqscan::mqtt {

Varint peek_varint(const ByteReader& reader) {
    Varint result;
    std::uint32_t multiplier = 1;
    for (std::uint8_t i = 0; i < 4; ++i) {
        const auto byte = reader.peek_u8(i);
        if (!byte) return result;  // NeedMore
        result.value += (*byte & 0x7fu) * multiplier;
        multiplier *= 128;
        if ((*byte & 0x80) == 0) {
            result.length = static_cast<std::uint8_t>(i + 1);
            // A last byte of 0 after the first means a shorter encoding existed.
            result.status = (i > 0 && *byte == 0) ? VarintStatus::Overlong : VarintStatus::Ok;
            return result;
        }
    }
    result.status = VarintStatus::TooLong;
    return result;
}

std::optional<std::uint32_t> read_varint(ByteReader& reader) {
    const Varint v = peek_varint(reader);
    if (v.status != VarintStatus::Ok && v.status != VarintStatus::Overlong) return std::nullopt;
    reader.skip(v.length);
    return v.value;
}

void encode_varint(std::uint32_t value, std::string& out) {
    do {
        std::uint8_t byte = value % 128;
        value /= 128;
        if (value > 0) byte |= 0x80;
        out += static_cast<char>(byte);
    } while (value > 0);
}

}  // namespace mqscan::mqtt
