#pragma once
// Reads MQTT's primitive fields from one packet, recording what is wrong with
// them. A read past the end is fatal for the packet; a bad string is not.

#include <cstdint>
#include <string>
#include <vector>

#include "mqscan/anomaly.hpp"
#include "mqscan/byte_reader.hpp"

namespace mqscan::mqtt {

struct CodecIssue {
    AnomalyId id;
    std::string detail;
    bool operator==(const CodecIssue&) const = default;
};

class FieldReader {
public:
    FieldReader(ByteReader reader, std::vector<CodecIssue>& issues)
        : reader_(reader), issues_(issues) {}

    // Each returns false (and records mqtt.field.past_end) when the bytes run out.
    bool u8(std::uint8_t& out, const char* what);
    bool u16(std::uint16_t& out, const char* what);
    bool u32(std::uint32_t& out, const char* what);
    bool varint(std::uint32_t& out, const char* what);
    // A two-byte length then UTF-8 [MQTT-1.5.4]; bad UTF-8 or U+0000 is recorded, kept as is.
    bool utf8(std::string& out, const char* what);
    // A two-byte length then bytes [MQTT-1.5.6].
    bool binary(std::string& out, const char* what);

    bool past_end(const char* what);
    void issue(AnomalyId id, std::string detail = {}) { issues_.push_back({id, std::move(detail)}); }

    ByteReader& raw() { return reader_; }
    [[nodiscard]] std::size_t remaining() const { return reader_.remaining(); }
    std::vector<CodecIssue>& issues() { return issues_; }

private:
    ByteReader reader_;
    std::vector<CodecIssue>& issues_;
};

}  // namespace mqscan::mqtt
