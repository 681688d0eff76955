#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "mqscan/anomaly.hpp"
#include "mqscan/capture_info.hpp"
#include "mqscan/connection.hpp"
#include "mqscan/counters.hpp"
#include "mqscan/delivery_report.hpp"
#include "mqscan/finding.hpp"
#include "mqscan/keepalive_report.hpp"
#include "mqscan/mqtt_report.hpp"
#include "mqscan/qos_report.hpp"
#include "mqscan/session_report.hpp"
#include "mqscan/tls.hpp"
#include "mqscan/verdict.hpp"

namespace mqscan {

// Everything one analysis found: what reporters print.
struct CaptureReport {
    CaptureInfo capture;
    Counters counters;
    std::vector<ConnectionSummary> connections;  // by id; the first Limits::max_connections_listed
    std::vector<Anomaly> anomalies;              // in order; the first Limits::max_anomalies_listed
    std::vector<std::uint64_t> anomaly_counts;   // every occurrence, indexed by AnomalyId
    std::vector<MqttConnectionReport> mqtt;      // the connections carrying MQTT, by id
    std::vector<TlsConnectionReport> tls;        // the connections carrying TLS, by id
    std::uint64_t mqtt_packets_total = 0;
    std::uint64_t mqtt_packets_unlisted = 0;

    // The analyses (docs/json-schema.md).
    std::vector<SessionReport> sessions;      // by connection: MQTT, TLS, and undecided on their ports
    QosReport qos;
    std::vector<KeepaliveReport> keepalive;   // by connection, the MQTT ones
    DeliveryReport delivery;
    std::vector<Finding> findings;            // by severity, then frame; the first Limits::max_findings_listed
    std::vector<std::uint64_t> finding_counts;  // every occurrence, indexed by FindingId
    Verdict verdict;
    CaptureQuality quality;
};

// The record of connection `id` in a list sorted by connection, or nullptr.
template <typename Record>
const Record* find_connection_record(const std::vector<Record>& all, std::uint64_t id) {
    const auto found = std::lower_bound(all.begin(), all.end(), id,
                                        [](const Record& r, std::uint64_t v) { return r.connection < v; });
    return found != all.end() && found->connection == id ? &*found : nullptr;
}

// The MQTT record of connection `id`, or nullptr when it carried no MQTT.
inline const MqttConnectionReport* find_mqtt(const CaptureReport& report, std::uint64_t id) {
    return find_connection_record(report.mqtt, id);
}

// The TLS record of connection `id`, or nullptr when it carried no TLS.
inline const TlsConnectionReport* find_tls(const CaptureReport& report, std::uint64_t id) {
    return find_connection_record(report.tls, id);
}

}  // namespace mqscan
