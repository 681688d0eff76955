#pragma once
// A peer's bytes as whole MQTT packets, through the shared framer and codec,
// with what is wrong with each. Unlike a capture's reader, it does not look
// for a way back into a damaged stream: the engines close the connection.

#include <cstdint>
#include <vector>

#include "mqscan/byte_reader.hpp"
#include "mqscan/mqtt.hpp"
#include "mqtt/framer.hpp"

namespace mqscan::lab {

// Each ends the connection [MQTT-4.8.0-1]; a 5.0 peer is told which first
// [MQTT 5.0 §4.13], with disconnect_reason().
enum class Violation : std::uint8_t {
    None,
    Malformed,      // a field past the end, bad UTF-8, reserved bits set, a remaining length over 4 bytes
    ProtocolError,  // well formed, but not allowed here
    TooLarge,       // over the receiver's maximum packet size
};

[[nodiscard]] std::uint8_t disconnect_reason(Violation violation);

struct Frame {
    std::uint8_t first_byte = 0;
    std::vector<std::uint8_t> body;
};

struct IncomingPacket {
    mqtt::Packet packet;
    Violation violation = Violation::None;
};

// The packet in `frame`, read as `version` (a CONNECT carries its own), payload whole.
IncomingPacket parse_frame(const Frame& frame, mqtt::Version version);

class PacketReader : private mqtt::FrameHandler {
public:
    // `max_packet`: the largest remaining length accepted.
    explicit PacketReader(std::uint32_t max_packet) : framer_(max_packet) {}

    // The frames these bytes complete, in order, up to the first framing violation;
    // after one, nothing more is read.
    std::vector<Frame> feed(Bytes bytes);
    [[nodiscard]] Violation damage() const { return damage_; }

private:
    void on_frame(std::uint8_t first_byte, Bytes body, bool overlong_length) override;
    void on_oversized(std::uint8_t first_byte, std::uint32_t length) override;
    void on_invalid_length(std::uint8_t first_byte) override;
    void on_incomplete(std::uint8_t, std::uint32_t) override {}
    void on_skipped(std::uint64_t, bool) override {}
    bool plausible(std::uint8_t, Bytes) override { return false; }

    mqtt::MqttFramer framer_;
    std::vector<Frame> frames_;
    Violation damage_ = Violation::None;
};

}  // namespace mqscan::lab
