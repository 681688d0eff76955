#include "mqtt/field_reader.hpp"

#include <fmt/core.h>

#include "core/utf8.hpp"
#include "mqtt/varint.hpp"

namespace mqscan::mqtt {

bool FieldReader::past_end(const char* what) {
    issue(AnomalyId::MqttFieldPastEnd, fmt::format("{}, {} bytes left", what, reader_.remaining()));
    return false;
}

bool FieldReader::u8(std::uint8_t& out, const char* what) {
    auto v = reader_.u8();
    if (!v) return past_end(what);
    out = *v;
    return true;
}

bool FieldReader::u16(std::uint16_t& out, const char* what) {
    auto v = reader_.u16be();
    if (!v) return past_end(what);
    out = *v;
    return true;
}

bool FieldReader::u32(std::uint32_t& out, const char* what) {
    auto v = reader_.u32be();
    if (!v) return past_end(what);
    out = *v;
    return true;
}

bool FieldReader::varint(std::uint32_t& out, const char* what) {
    const Varint v = peek_varint(reader_);
    if (v.status == VarintStatus::NeedMore || v.status == VarintStatus::TooLong)
        return past_end(what);
    if (v.status == VarintStatus::Overlong)
        issue(AnomalyId::MqttRemainingLengthOverlong, what);
    reader_.skip(v.length);
    out = v.value;
    return true;
}

bool FieldReader::binary(std::string& out, const char* what) {
    std::uint16_t length = 0;
    if (!u16(length, what)) return false;
    auto bytes = reader_.bytes(length);
    if (!bytes) {
        issue(AnomalyId::MqttFieldPastEnd,
              fmt::format("{} of {} bytes, {} left", what, length, reader_.remaining()));
        return false;
    }
    out.assign(bytes->begin(), bytes->end());
    return true;
}

bool FieldReader::utf8(std::string& out, const char* what) {
    if (!binary(out, what)) return false;
    if (!is_valid_utf8(out)) issue(AnomalyId::MqttStringInvalidUtf8, what);
    if (out.find('\0') != std::string::npos) issue(AnomalyId::MqttStringNullChar, what);
    return true;
}

}  // namespace mqscan::mqtt
