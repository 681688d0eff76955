#include "report/csv_packets.hpp"

#include <fmt/format.h>

#include "report/csv_field.hpp"
#include "report/json_mqtt.hpp"
#include "report/time_format.hpp"

namespace mqscan {
namespace {

using mqtt::Packet;
using mqtt::PacketType;

constexpr std::string_view kHidden = "<hidden>";

// Captured bytes as text when they are printable UTF-8, else "0x" and hex
// digits, so that a spreadsheet keeps them as text rather than a number.
std::string shown_bytes(EncodedBytes encoded) {
    return encoded.encoding == std::string_view("hex") ? "0x" + encoded.text : std::move(encoded.text);
}

// dup, qos, retain
void publish_flags(CsvRow& row, const Packet& p) {
    if (p.type != PacketType::Publish) return row.skip(3);
    row.add_flag(p.dup);
    row.add(std::uint64_t{p.qos});
    row.add_flag(p.retain);
}

// topic, payload_len, payload_encoding, payload
void publish_body(CsvRow& row, const Packet& p) {
    if (p.type != PacketType::Publish) return row.skip(4);
    row.add(p.effective_topic());
    row.add(std::uint64_t{p.payload_length});
    EncodedBytes payload = encode_payload(p.payload);
    row.add(payload.encoding);
    row.add(shown_bytes(std::move(payload)));
}

// client_id, username, password, keepalive
void connect_fields(CsvRow& row, const Packet& p, const ReportOptions& options) {
    if (p.type != PacketType::Connect) return row.skip(4);
    row.add(p.client_id);
    row.add(p.username.value_or(""));
    if (!p.password) row.skip(1);
    else if (options.show_secrets) row.add(shown_bytes(encode_payload(*p.password)));
    else row.add(kHidden);
    row.add(std::uint64_t{p.keepalive});
}

// A SUBACK (and a 5.0 UNSUBACK) has one code per filter: space-separated.
void reason_code(CsvRow& row, const Packet& p) {
    if (p.reason_code) return row.add(std::uint64_t{*p.reason_code});
    row.add(fmt::format("{}", fmt::join(p.reason_codes, " ")));
}

// "filter:qos" of a SUBSCRIBE, or the filters of an UNSUBSCRIBE, space-separated.
std::string filters(const Packet& p) {
    std::string out;
    for (const mqtt::Subscription& s : p.subscriptions)
        fmt::format_to(std::back_inserter(out), "{}{}:{}", out.empty() ? "" : " ", s.filter, s.qos);
    for (const std::string& f : p.unsubscribe_filters) out += (out.empty() ? "" : " ") + f;
    return out;
}

}  // namespace

std::string csv_packet_row(const MqttPacketEvent& e, TimePrecision precision,
                           const ReportOptions& options) {
    const Packet& p = e.packet;
    CsvRow row;
    row.add(e.connection.id);
    row.add(e.at.number);
    row.add(epoch_seconds(e.at.time, precision));
    row.add(to_string(e.dir));
    row.add(e.connection.client.to_string());
    row.add(e.connection.server.to_string());
    row.add(mqtt::to_string(e.version));
    row.add(mqtt::to_string(p.type));
    publish_flags(row, p);
    if (p.packet_id) row.add(std::uint64_t{*p.packet_id});
    else row.skip(1);
    publish_body(row, p);
    connect_fields(row, p, options);
    reason_code(row, p);
    if (p.type == PacketType::Connack) row.add_flag(p.session_present);
    else row.skip(1);
    row.add(filters(p));
    row.add_flag(e.malformed);
    return row.take();
}

CsvPacketWriter::CsvPacketWriter(std::FILE* out, TimePrecision precision, const ReportOptions& options)
    : out_(out), precision_(precision), options_(options) {
    write_line(kCsvPacketHeader);
}

void CsvPacketWriter::on_mqtt_packet(const MqttPacketEvent& event) {
    write_line(csv_packet_row(event, precision_, options_));
}

void CsvPacketWriter::write_line(std::string_view line) {
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fwrite(kCsvLineEnd.data(), 1, kCsvLineEnd.size(), out_);
}

}  // namespace mqscan
