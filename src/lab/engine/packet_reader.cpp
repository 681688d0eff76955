#include "lab/engine/packet_reader.hpp"

#include <limits>
#include <utility>

#include "lab/engine/reason_codes.hpp"
#include "mqtt/codec.hpp"

namespace mqscan::lab {
namespace {

// What each codec finding makes of a packet an engine receives.
Violation violation_of(AnomalyId id) {
    switch (id) {
        // [MQTT 5.0 §1.5.4, §2.1.3, §2.2.2.2, §3.3.1.2, §3.8.3.1]: Malformed Packets
        case AnomalyId::MqttFieldPastEnd:
        case AnomalyId::MqttPropertyLengthPastEnd:
        case AnomalyId::MqttPropertyUnknown:
        case AnomalyId::MqttPropertyNotAllowed:
        case AnomalyId::MqttStringInvalidUtf8:
        case AnomalyId::MqttStringNullChar:
        case AnomalyId::MqttFlagsInvalid:
        case AnomalyId::MqttQosInvalid:
        case AnomalyId::MqttTopicWildcard:
        case AnomalyId::MqttSubscriptionOptionsInvalid:
            return Violation::Malformed;
        // Readable, but against the protocol: an empty topic or filter list,
        // packet id 0, a repeated property, CONNECT's reserved flag or will
        // flags, bytes after the last field, a reserved packet type.
        default:
            return Violation::ProtocolError;
    }
}

}  // namespace

std::uint8_t disconnect_reason(Violation violation) {
    switch (violation) {
        case Violation::Malformed: return reason::kMalformedPacket;
        case Violation::TooLarge: return reason::kPacketTooLarge;
        case Violation::ProtocolError:
        case Violation::None: return reason::kProtocolError;
    }
    return reason::kProtocolError;
}

IncomingPacket parse_frame(const Frame& frame, mqtt::Version version) {
    mqtt::ParsedPacket parsed = mqtt::parse_packet(frame.first_byte, frame.body, version,
                                                   std::numeric_limits<std::size_t>::max());
    IncomingPacket in{std::move(parsed.packet), Violation::None};
    for (const mqtt::CodecIssue& issue : parsed.issues) {
        const Violation v = violation_of(issue.id);
        if (v == Violation::Malformed || in.violation == Violation::None) in.violation = v;
    }
    // The codec stops at a reserved type too, which is a protocol error (mosquitto's read_handle.c).
    if (parsed.malformed && in.violation == Violation::None) in.violation = Violation::Malformed;
    return in;
}

std::vector<Frame> PacketReader::feed(Bytes bytes) {
    if (damage_ == Violation::None) framer_.feed(bytes, *this);
    return std::exchange(frames_, {});
}

void PacketReader::on_frame(std::uint8_t first_byte, Bytes body, bool) {
    // A non-minimal remaining length is read as mosquitto reads it: by its value.
    if (damage_ == Violation::None) frames_.push_back({first_byte, {body.begin(), body.end()}});
}

void PacketReader::on_oversized(std::uint8_t, std::uint32_t) {
    if (damage_ == Violation::None) damage_ = Violation::TooLarge;
}

void PacketReader::on_invalid_length(std::uint8_t) {
    if (damage_ == Violation::None) damage_ = Violation::Malformed;  // [MQTT-1.5.5]: at most 4 bytes
}

}  // namespace mqscan::lab
