#pragma once

#include "mqscan/mqtt_report.hpp"
#include "report/json_writer.hpp"
#include "report/reporters.hpp"

namespace mqscan {

// The `mqtt` object of one connection (docs/json-schema.md).
void write_mqtt_json(JsonWriter& json, const MqttConnectionReport& mqtt, TimePrecision precision,
                     const ReportOptions& options);

// One object of that `packets` list.
void write_mqtt_packet_json(JsonWriter& json, const MqttPacketRecord& record, TimePrecision precision,
                            const ReportOptions& options);

// "utf8" text when the bytes are printable UTF-8, else lower-case hex.
struct EncodedBytes {
    std::string text;
    const char* encoding;
};
EncodedBytes encode_payload(const std::string& bytes);

}  // namespace mqscan
