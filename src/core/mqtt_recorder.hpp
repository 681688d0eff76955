#pragma once

#include "analysis/listed_records.hpp"
#include "mqscan/events.hpp"
#include "mqscan/mqtt_report.hpp"

namespace mqscan {

// Keeps what the report lists of each connection's MQTT: the connections the
// report lists (ids below `max_connections`), and packets up to a count and a
// memory budget, each with its long strings and lists shortened to `field_cap`.
class MqttRecorder final : public EventSink {
public:
    MqttRecorder(std::size_t max_connections, std::size_t max_packets_listed, std::size_t field_cap)
        : max_connections_(max_connections), max_listed_(max_packets_listed), field_cap_(field_cap),
          connections_(max_connections) {}

    void on_mqtt_connection(const ConnectionSummary& connection) override;
    void on_mqtt_packet(const MqttPacketEvent& event) override;

    // The connections in id order, and how many packets were not listed.
    std::vector<MqttConnectionReport> take();
    [[nodiscard]] std::uint64_t unlisted() const { return unlisted_; }
    [[nodiscard]] std::uint64_t total() const { return total_; }

private:
    static constexpr std::size_t kListingBudget = 32 * 1024 * 1024;

    // A copy fit for the listing, and what it costs in memory.
    mqtt::Packet listed_copy(const mqtt::Packet& packet, bool& trimmed, std::size_t& cost) const;

    std::size_t max_connections_;
    std::size_t max_listed_;
    std::size_t field_cap_;
    std::size_t listing_bytes_ = 0;
    std::size_t listed_ = 0;
    std::uint64_t unlisted_ = 0;
    std::uint64_t total_ = 0;
    ListedRecords<MqttConnectionReport> connections_;  // in place by id: taken without a second copy
};

// Hands each event to two sinks (the second may be null).
class EventFanout final : public EventSink {
public:
    EventFanout(EventSink& first, EventSink* second) : first_(first), second_(second) {}
    void on_mqtt_connection(const ConnectionSummary& connection) override {
        first_.on_mqtt_connection(connection);
        if (second_ != nullptr) second_->on_mqtt_connection(connection);
    }
    void on_mqtt_packet(const MqttPacketEvent& event) override {
        first_.on_mqtt_packet(event);
        if (second_ != nullptr) second_->on_mqtt_packet(event);
    }
    void on_mqtt_end(const ConnectionSummary& connection) override {
        first_.on_mqtt_end(connection);
        if (second_ != nullptr) second_->on_mqtt_end(connection);
    }
    void on_tls_step(const TlsStepEvent& event) override {
        first_.on_tls_step(event);
        if (second_ != nullptr) second_->on_tls_step(event);
    }
    void on_tls_alert(const TlsAlertEvent& event) override {
        first_.on_tls_alert(event);
        if (second_ != nullptr) second_->on_tls_alert(event);
    }
    void on_finding(const Finding& finding) override {
        first_.on_finding(finding);
        if (second_ != nullptr) second_->on_finding(finding);
    }

private:
    EventSink& first_;
    EventSink* second_;
};

}  // namespace mqscan
