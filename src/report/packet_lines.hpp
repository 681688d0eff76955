#pragma once
// `mqscan packets`: one line per MQTT packet, written as it is decoded.

#include <cstdio>
#include <string>

#include "mqscan/events.hpp"
#include "report/reporters.hpp"

namespace mqscan {

// "10:00:01.250000  #0  ->": when, on which connection, which way.
std::string line_prefix(FrameRef at, TimePrecision precision, std::uint64_t connection, Direction dir);

// "10:00:01.250000  #0  ->  PUBLISH q1 id=3 'ciel' "hello" (5 B)"
std::string packet_line(const MqttPacketEvent& event, TimePrecision precision,
                        const ReportOptions& options);

class PacketLinePrinter final : public EventSink {
public:
    PacketLinePrinter(std::FILE* out, TimePrecision precision, ReportOptions options)
        : out_(out), precision_(precision), options_(options) {}
    void on_mqtt_packet(const MqttPacketEvent& event) override;

private:
    std::FILE* out_;
    TimePrecision precision_;
    ReportOptions options_;
};

}  // namespace mqscan
