#pragma once
// What dissectors emit, as it is decoded: reporters and analyses listen.

#include "mqscan/connection.hpp"
#include "mqscan/frame.hpp"
#include "mqscan/mqtt.hpp"

namespace mqscan {

struct MqttPacketEvent {
    const ConnectionSummary& connection;
    Direction dir;
    FrameRef at;  // the frame that completed the packet
    mqtt::Version version;
    const mqtt::Packet& packet;
    bool malformed;  // fields after the damage are missing
};

class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void on_mqtt_packet(const MqttPacketEvent& event) = 0;
};

}  // namespace mqscan
