#pragma once
// --connection, --client-id, --topic: a report narrowed to what concerns
// some connections, clients and topics (README.md, "Narrowing the report").

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mqscan/capture_report.hpp"
#include "mqscan/events.hpp"

namespace mqscan {

struct Narrowing {
    std::vector<std::uint64_t> connections;
    std::vector<std::string> client_ids;
    std::vector<std::string> topics;  // MQTT topic filters, wildcards allowed

    [[nodiscard]] bool active() const { return !connections.empty() || !client_ids.empty() || !topics.empty(); }
    // "connection #3, topic 'maison/#'", for the report's header.
    [[nodiscard]] std::string describe() const;
    [[nodiscard]] bool selects_topic(std::string_view topic) const;
    // A subscription's filter and one of --topic's can match a common topic.
    [[nodiscard]] bool selects_filter(std::string_view filter) const;
};

// Decides packet by packet, in capture order, which MQTT packets the
// narrowing keeps. With --topic: PUBLISH on a selected topic, SUBSCRIBE and
// UNSUBSCRIBE with a filter that can match one, and the acks of those (by
// packet id); connection-level packets (CONNECT, PINGREQ, ...) are left out.
class PacketSelection {
public:
    explicit PacketSelection(const Narrowing& narrowing) : narrowing_(narrowing) {}

    bool keep(std::uint64_t connection, Direction dir, const mqtt::Packet& packet);
    // The connection ended: its state is dropped.
    void forget(std::uint64_t connection);
    [[nodiscard]] bool selects_connection(std::uint64_t connection, const std::string& client_id) const;

private:
    bool keep_for_topic(std::uint64_t connection, Direction dir, const mqtt::Packet& packet);

    const Narrowing& narrowing_;
    std::unordered_map<std::uint64_t, std::string> client_ids_;
    // Kept PUBLISH, SUBSCRIBE and UNSUBSCRIBE awaiting acks, per connection:
    // the sender's direction and the packet id (each side numbers its own).
    std::unordered_map<std::uint64_t, std::unordered_set<std::uint32_t>> awaited_;
};

// Keeps in `report` what concerns the selected connections, clients and
// topics. Capture-wide parts (verdict, totals, capture quality) stay whole.
void narrow(CaptureReport& report, const Narrowing& narrowing);

// Streams the selected packets only (the packets and csv outputs).
class NarrowingSink final : public EventSink {
public:
    NarrowingSink(const Narrowing& narrowing, EventSink& next) : selection_(narrowing), next_(next) {}
    void on_mqtt_connection(const ConnectionSummary& connection) override { next_.on_mqtt_connection(connection); }
    void on_mqtt_packet(const MqttPacketEvent& event) override {
        if (selection_.keep(event.connection.id, event.dir, event.packet)) next_.on_mqtt_packet(event);
    }
    void on_mqtt_end(const ConnectionSummary& connection) override {
        selection_.forget(connection.id);
        next_.on_mqtt_end(connection);
    }

private:
    PacketSelection selection_;
    EventSink& next_;
};

}  // namespace mqscan
