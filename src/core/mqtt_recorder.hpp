#pragma once

#include <map>

#include "mqscan/events.hpp"
#include "mqscan/mqtt_report.hpp"

namespace mqscan {

// Keeps what the report lists of each connection's MQTT: the connections the
// report lists (ids below `max_connections`), and packets up to a total.
class MqttRecorder final : public EventSink {
public:
    MqttRecorder(std::size_t max_connections, std::size_t max_packets_listed)
        : max_connections_(max_connections), max_listed_(max_packets_listed) {}

    void on_mqtt_packet(const MqttPacketEvent& event) override;

    // The connections in id order, and how many packets were not listed.
    std::vector<MqttConnectionReport> take();
    [[nodiscard]] std::uint64_t unlisted() const { return unlisted_; }
    [[nodiscard]] std::uint64_t total() const { return total_; }

private:
    std::size_t max_connections_;
    std::size_t max_listed_;
    std::size_t listed_ = 0;
    std::uint64_t unlisted_ = 0;
    std::uint64_t total_ = 0;
    std::map<std::uint64_t, MqttConnectionReport> connections_;
};

// Hands each event to two sinks (the second may be null).
class EventFanout final : public EventSink {
public:
    EventFanout(EventSink& first, EventSink* second) : first_(first), second_(second) {}
    void on_mqtt_packet(const MqttPacketEvent& event) override {
        first_.on_mqtt_packet(event);
        if (second_ != nullptr) second_->on_mqtt_packet(event);
    }

private:
    EventSink& first_;
    EventSink* second_;
};

}  // namespace mqscan
