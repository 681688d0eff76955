#include "mqtt/probe.hpp"

#include <string_view>

#include "mqtt/varint.hpp"

namespace mqscan::mqtt {

ProbeResult probe_connect(Bytes first_bytes) {
    ByteReader reader(first_bytes);
    auto first = reader.u8();
    if (!first) return ProbeResult::NeedMore;
    if (*first != 0x10) return ProbeResult::No;
    const Varint length = peek_varint(reader);
    if (length.status == VarintStatus::NeedMore) return ProbeResult::NeedMore;
    if (length.status != VarintStatus::Ok) return ProbeResult::No;
    reader.skip(length.length);
    auto name_length = reader.u16be();
    if (!name_length) return ProbeResult::NeedMore;
    const std::string_view expected = *name_length == 4 ? "MQTT" : *name_length == 6 ? "MQIsdp" : "";
    if (expected.empty()) return ProbeResult::No;
    for (char c : expected) {
        auto byte = reader.u8();
        if (!byte) return ProbeResult::NeedMore;
        if (*byte != static_cast<std::uint8_t>(c)) return ProbeResult::No;
    }
    return ProbeResult::Yes;
}

bool holds_whole_packet(Bytes first_bytes) {
    ByteReader reader(first_bytes);
    const auto first = reader.u8();
    if (!first || (*first >> 4) == 0) return false;  // type 0 is reserved
    const Varint length = peek_varint(reader);
    return length.status == VarintStatus::Ok && reader.skip(length.length) &&
           reader.remaining() >= length.value;
}

}  // namespace mqscan::mqtt
