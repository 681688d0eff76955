#pragma once
// Builders of MQTT packets for the unit tests, and the encode-then-parse trip.

#include <cstdint>
#include <optional>
#include <string>

#include "mqscan/byte_reader.hpp"
#include "mqtt/codec.hpp"
#include "mqtt/varint.hpp"

namespace mqscan::test {

inline mqtt::Packet connect_packet(mqtt::Version v, const std::string& client_id) {
    mqtt::Packet p;
    p.type = mqtt::PacketType::Connect;
    p.protocol_name = v == mqtt::Version::V31 ? "MQIsdp" : "MQTT";
    p.protocol_level = static_cast<std::uint8_t>(v);
    p.connect_flags = 0x02;  // clean session
    p.keepalive = 60;
    p.client_id = client_id;
    return p;
}

inline mqtt::Packet publish_packet(std::uint8_t qos, std::uint16_t id, const std::string& topic,
                                   const std::string& payload) {
    mqtt::Packet p;
    p.type = mqtt::PacketType::Publish;
    p.qos = qos;
    if (qos > 0) p.packet_id = id;
    p.topic = topic;
    p.payload = payload;
    p.payload_length = static_cast<std::uint32_t>(payload.size());
    return p;
}

inline mqtt::Packet simple_packet(mqtt::PacketType type, std::optional<std::uint16_t> id = std::nullopt) {
    mqtt::Packet p;
    p.type = type;
    p.packet_id = id;
    return p;
}

inline Bytes bytes_of(const std::string& s) {
    return Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// A whole encoded frame split into its first byte and body, as the framer hands it over.
struct SplitFrame {
    std::uint8_t first_byte;
    Bytes body;
    std::uint32_t remaining_length;
};

inline std::optional<SplitFrame> split_frame(const std::string& frame) {
    ByteReader reader(bytes_of(frame));
    const auto first = reader.u8();
    const auto length = first ? mqtt::read_varint(reader) : std::nullopt;
    if (!length || *length != reader.remaining()) return std::nullopt;
    return SplitFrame{*first, reader.rest(), *length};
}

}  // namespace mqscan::test
