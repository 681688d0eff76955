#pragma once
// `mqscan mosquitto`: the capture written as a `mosquitto -v` 2.0 broker logs it,
// so it can be set beside the broker's own log. docs/mosquitto-view.md gives
// each line's source in mosquitto and what a capture cannot know.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "mqscan/events.hpp"
#include "mqscan/stream_consumer.hpp"

namespace mqscan {

// Decoded packets in, in capture order; the broker's log lines out, each
// "SECONDS: message" as mosquitto writes them.
class MosquittoLog {
public:
    MosquittoLog();
    ~MosquittoLog();

    // The lines the broker writes while it handles (or sends) this packet.
    std::vector<std::string> lines_for(const MqttPacketEvent& event);
    // The lines the broker writes when the connection ends without a DISCONNECT.
    std::vector<std::string> lines_at_end(const ConnectionSummary& connection);

private:
    struct Clients;
    std::unique_ptr<Clients> clients_;  // what the broker knows of each connection
};

// Writes the view as the analysis runs: packets come as events, connection
// ends through the stream hooks.
class MosquittoLogPrinter final : public EventSink, public StreamConsumer {
public:
    explicit MosquittoLogPrinter(std::FILE* out) : out_(out) {}

    void on_mqtt_packet(const MqttPacketEvent& event) override { write(log_.lines_for(event)); }
    void on_end(const ConnectionSummary& connection) override {
        write(log_.lines_at_end(connection));
    }
    void on_data(const ConnectionSummary&, Direction, Bytes, FrameRef) override {}
    void on_gap(const ConnectionSummary&, Direction, std::uint64_t, FrameRef) override {}

private:
    void write(const std::vector<std::string>& lines);

    std::FILE* out_;
    MosquittoLog log_;
};

}  // namespace mqscan
