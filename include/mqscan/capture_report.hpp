#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "mqscan/anomaly.hpp"
#include "mqscan/capture_info.hpp"
#include "mqscan/connection.hpp"
#include "mqscan/counters.hpp"
#include "mqscan/mqtt_report.hpp"

namespace mqscan {

// Everything one analysis found: what reporters print.
struct CaptureReport {
    CaptureInfo capture;
    Counters counters;
    std::vector<ConnectionSummary> connections;  // by id; the first Limits::max_connections_listed
    std::vector<Anomaly> anomalies;              // in order; the first Limits::max_anomalies_listed
    std::vector<std::uint64_t> anomaly_counts;   // every occurrence, indexed by AnomalyId
    std::vector<MqttConnectionReport> mqtt;      // the connections carrying MQTT, by id
    std::uint64_t mqtt_packets_total = 0;
    std::uint64_t mqtt_packets_unlisted = 0;
};

// The MQTT record of connection `id`, or nullptr when it carried no MQTT.
inline const MqttConnectionReport* find_mqtt(const CaptureReport& report, std::uint64_t id) {
    const auto& all = report.mqtt;
    const auto found = std::lower_bound(all.begin(), all.end(), id,
                                        [](const MqttConnectionReport& m, std::uint64_t v) { return m.connection < v; });
    return found != all.end() && found->connection == id ? &*found : nullptr;
}

}  // namespace mqscan
