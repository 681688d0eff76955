#pragma once
// An MqttDissector wired to recorders of everything it emits, for the tests
// that feed it streams: each event in full, each anomaly with its detail.

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "mqtt/mqtt_dissector.hpp"
#include "mqtt_packet_text.hpp"

namespace mqscan::test {

struct RecordedEvent {
    Direction dir = Direction::ToServer;
    mqtt::Version version = mqtt::Version::Unknown;
    bool version_from_connect = false;
    bool malformed = false;
    mqtt::Packet packet;

    bool operator==(const RecordedEvent&) const = default;
};

class EventLog final : public EventSink {
public:
    void on_mqtt_packet(const MqttPacketEvent& e) override {
        events.push_back({e.dir, e.version, e.version_from_connect, e.malformed, e.packet});
    }
    std::vector<RecordedEvent> events;
};

struct RecordedAnomaly {
    AnomalyId id;
    std::string detail;

    bool operator==(const RecordedAnomaly&) const = default;
};

// Holds what the dissector refers to, so it stays in place: not copyable.
struct DissectorHarness {
    explicit DissectorHarness(RoleSource roles = RoleSource::Syn) { connection.role_source = roles; }
    DissectorHarness(const DissectorHarness&) = delete;
    DissectorHarness& operator=(const DissectorHarness&) = delete;

    // Built after the settings are adjusted.
    mqtt::MqttDissector& make() {
        dissector.emplace(settings, connection, log, [this](AnomalyId id, std::uint64_t, std::string detail) {
            anomalies.push_back({id, std::move(detail)});
        });
        return *dissector;
    }
    [[nodiscard]] std::size_t count(AnomalyId id) const {
        const auto same = [id](const RecordedAnomaly& a) { return a.id == id; };
        return static_cast<std::size_t>(std::count_if(anomalies.begin(), anomalies.end(), same));
    }
    [[nodiscard]] bool raised(AnomalyId id) const { return count(id) > 0; }

    mqtt::MqttSettings settings;
    ConnectionSummary connection;
    EventLog log;
    std::vector<RecordedAnomaly> anomalies;
    std::optional<mqtt::MqttDissector> dissector;
};

}  // namespace mqscan::test

namespace Catch {
template <>
struct StringMaker<mqscan::test::RecordedEvent> {
    static std::string convert(const mqscan::test::RecordedEvent& e) {
        return std::string(to_string(e.dir)) + " v" + std::string(to_string(e.version)) +
               (e.version_from_connect ? "" : " (guessed)") + (e.malformed ? " MALFORMED " : " ") +
               mqscan::test::render(e.packet);
    }
};
template <>
struct StringMaker<mqscan::test::RecordedAnomaly> {
    static std::string convert(const mqscan::test::RecordedAnomaly& a) {
        return std::string(mqscan::describe(a.id).id) + " (" + a.detail + ")";
    }
};
}  // namespace Catch
