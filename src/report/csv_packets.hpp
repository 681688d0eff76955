#pragma once
// `--format csv`: one row per MQTT packet, written as it is decoded, for a
// spreadsheet or a script. The columns are documented in README.md.

#include <cstdio>
#include <string>
#include <string_view>

#include "mqscan/events.hpp"
#include "report/csv_field.hpp"
#include "report/reporters.hpp"

namespace mqscan {

// The header row, without its line end.
inline constexpr std::string_view kCsvPacketHeader =
    "connection,frame,time,dir,client,broker,version,type,dup,qos,retain,packet_id,topic,"
    "payload_len,payload_encoding,payload,client_id,username,password,keepalive,reason_code,"
    "session_present,filters,malformed";

// The row of one packet, without its line end.
std::string csv_packet_row(const MqttPacketEvent& event, TimePrecision precision,
                           const ReportOptions& options);

// Writes the header row at construction, then a row per packet. Lines end in
// CRLF. Rows go through stdio's buffer and are never flushed here: the caller
// flushes (and checks for errors) at the end.
class CsvPacketWriter final : public EventSink {
public:
    CsvPacketWriter(std::FILE* out, TimePrecision precision, const ReportOptions& options);
    void on_mqtt_packet(const MqttPacketEvent& event) override;

private:
    void write_line(std::string_view line);

    std::FILE* out_;
    TimePrecision precision_;
    ReportOptions options_;
};

}  // namespace mqscan
