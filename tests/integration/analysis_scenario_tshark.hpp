#pragma once
// What tshark shows of a capture made by make_analysis_captures.sh: the reference the analysis
// scenario test checks mqscan's report against. Frame numbers, connections (tcp.stream, which
// is mqscan's connection id), times and the MQTT packets all come from tshark, so the test
// hard-codes no frame number: loopback ACK timing may shift them from one run to the next.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt_fields.hpp"

// One frame's TCP facts (`-T fields`).
struct TsharkFrame {
    std::uint64_t number = 0;
    std::int64_t time_ns = 0;  // frame.time_epoch, in nanoseconds
    std::uint64_t stream = 0;  // tcp.stream
    std::uint16_t src_port = 0;
    bool fin = false;
    bool rst = false;
};

// One MQTT control packet as tshark decodes it (tshark_mqtt.hpp's fields and names).
struct TsharkPacket {
    std::uint64_t frame = 0;  // the frame that completed it
    std::uint64_t stream = 0;
    bool to_broker = false;
    unsigned type = 0;  // 1 CONNECT ... 14 DISCONNECT
    std::vector<MqttField> fields;

    // The first value of field `name` ("client_id", "topic", "payload", "packet_id", ...),
    // printable as printable_bytes writes it; nullopt when the packet has no such field.
    [[nodiscard]] std::optional<std::string> field(std::string_view name) const;
    // Every value of field `name`, in order (a SUBSCRIBE's "topic" filters).
    [[nodiscard]] std::vector<std::string> fields_named(std::string_view name) const;
    // A numeric field's value; throws std::runtime_error when absent.
    [[nodiscard]] std::uint64_t number(std::string_view name) const;
};

struct TsharkView {
    std::vector<TsharkFrame> frames;    // every frame, frames[n - 1] is frame n
    std::vector<TsharkPacket> packets;  // by frame, then in order inside a frame

    // Frame `number`; throws std::out_of_range.
    [[nodiscard]] const TsharkFrame& frame(std::uint64_t number) const;
    // The packets of `type` (and, when given, of that stream / direction), in order.
    [[nodiscard]] std::vector<const TsharkPacket*> packets_of(
        unsigned type, std::optional<std::uint64_t> stream = std::nullopt,
        std::optional<bool> to_broker = std::nullopt) const;
    // The one CONNECT with this client id: its stream. Throws std::runtime_error unless there
    // is exactly one (`nth` picks among several, 0-based, in order).
    [[nodiscard]] std::uint64_t stream_of_client(std::string_view client_id,
                                                 std::size_t nth = 0) const;
    // The first FIN frame of `stream` sent by the client (from_client) or the broker; 0: none.
    [[nodiscard]] std::uint64_t first_fin(std::uint64_t stream, bool from_client) const;
};

// Runs tshark twice over `path` (frames, then MQTT decoded on `broker_ports` with
// tshark_mqtt_packets); a packet goes to the broker when its sender's port is not one of
// `broker_ports`. Throws std::runtime_error when tshark fails.
TsharkView tshark_view(const std::string& path, const std::vector<std::uint16_t>& broker_ports);

// One QoS 1 or 2 exchange as tshark's packets show it, followed as the MQTT spec orders it:
// PUBLISH then PUBACK (QoS 1), PUBLISH, PUBREC, PUBREL, PUBCOMP (QoS 2), the acks matched by
// stream, direction and packet id; the steps stop at the first one not found.
struct ExpectedQosFlow {
    std::uint64_t stream = 0;
    bool to_broker = false;  // the PUBLISH's direction
    std::uint16_t packet_id = 0;
    unsigned qos = 0;
    std::string topic;
    std::vector<std::pair<unsigned, std::uint64_t>> steps;  // {type, frame}
    [[nodiscard]] bool complete() const { return steps.size() == (qos == 1 ? 2U : 4U); }
};

std::vector<ExpectedQosFlow> expected_qos_flows(const TsharkView& view);
