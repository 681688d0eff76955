#pragma once

#include <string_view>  // keepalive_report.hpp uses it without including it
#include <vector>

#include "mqscan/keepalive_report.hpp"
#include "mqscan/latency.hpp"
#include "mqscan/qos_report.hpp"
#include "report/json_writer.hpp"

namespace mqscan {

// The value of the report's "qos" key (docs/json-schema.md).
void write_qos_json(JsonWriter& json, const QosReport& qos, TimePrecision precision);
// The value of the report's "keepalive" key: one object per MQTT connection.
void write_keepalive_json(JsonWriter& json, const std::vector<KeepaliveReport>& keepalive,
                          TimePrecision precision);
// {count, min, median, max, median_exact}, in seconds; null times when count is 0.
void write_latency_json(JsonWriter& json, const LatencySummary& latency, TimePrecision precision);

}  // namespace mqscan
