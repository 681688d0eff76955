#pragma once
// Pure functions over one complete MQTT control packet: parse, and encode
// (the lab's generator and the round-trip tests reuse the encoder).

#include <cstdint>
#include <string>
#include <vector>

#include "mqscan/byte_reader.hpp"
#include "mqscan/mqtt.hpp"
#include "mqtt/field_reader.hpp"

namespace mqscan::mqtt {

struct ParsedPacket {
    Packet packet;
    std::vector<CodecIssue> issues;
    bool malformed = false;  // a field ran past the end: later fields are missing
};

// `first_byte` is the fixed header's first byte and `body` the remaining
// length's bytes. CONNECT carries its own version; other packets are read as
// `version` says (Unknown reads as 3.1.1). At most `payload_cap` payload bytes are kept.
ParsedPacket parse_packet(std::uint8_t first_byte, Bytes body, Version version,
                          std::size_t payload_cap);

// The version a CONNECT's protocol level announces (Unknown for others).
Version version_of_level(std::uint8_t level);

// The fixed-header flags a packet type requires [MQTT-2.2.2-1]; PUBLISH's are free (0 here).
constexpr std::uint8_t required_flags(PacketType type) {
    return type == PacketType::Pubrel || type == PacketType::Subscribe ||
                   type == PacketType::Unsubscribe
               ? 0x2
               : 0x0;
}

// The complete packet, fixed header included. Flags come from the type (and,
// for PUBLISH, from dup/qos/retain); remaining_length is computed.
std::string encode_packet(const Packet& packet, Version version);

}  // namespace mqscan::mqtt
