#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mqscan/anomaly.hpp"
#include "mqscan/byte_reader.hpp"
#include "mqscan/counters.hpp"
#include "mqscan/endpoint.hpp"

namespace mqscan {

namespace tcp_flags {
constexpr std::uint8_t Fin = 0x01;
constexpr std::uint8_t Syn = 0x02;
constexpr std::uint8_t Rst = 0x04;
constexpr std::uint8_t Psh = 0x08;
constexpr std::uint8_t Ack = 0x10;
}  // namespace tcp_flags

struct TcpSegment {
    Endpoint src;
    Endpoint dst;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0;
    std::uint16_t window = 0;
    Bytes payload;                    // the captured payload bytes
    std::uint32_t payload_missing = 0;  // payload bytes cut by the snaplen

    [[nodiscard]] bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
    [[nodiscard]] std::uint64_t payload_length() const { return payload.size() + payload_missing; }
};

struct DecodeNote {
    AnomalyId id;
    std::string detail;
};

// What decoding one frame gave: its class for the counters and, for TCP, the segment.
struct DecodedPacket {
    PacketClass klass = PacketClass::Malformed;
    TcpSegment segment;
    std::vector<DecodeNote> notes;  // anomalies met on the way (rarely any)

    void note(AnomalyId id, std::string detail = {}) { notes.push_back({id, std::move(detail)}); }
};

// State shared by the layers while one frame is decoded.
struct DecodeContext {
    DecodedPacket& out;
    bool frame_cut;  // the frame is shorter on file than on the wire (snaplen)

    // Running out of bytes inside a header: not captured, or really too short.
    void ran_out(AnomalyId invalid_id, std::string detail) {
        if (frame_cut) {
            out.klass = PacketClass::Truncated;
        } else {
            out.klass = PacketClass::Malformed;
            out.note(invalid_id, std::move(detail));
        }
    }
    void invalid(AnomalyId id, std::string detail) {
        out.klass = PacketClass::Malformed;
        out.note(id, std::move(detail));
    }
};

}  // namespace mqscan
