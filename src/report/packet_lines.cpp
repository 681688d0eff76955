#include "report/packet_lines.hpp"

#include <fmt/format.h>

#include "report/json_mqtt.hpp"
#include "report/packet_fields.hpp"
#include "report/terminal_text.hpp"
#include "report/time_format.hpp"

namespace mqscan {
namespace {

using mqtt::Packet;
using mqtt::PacketType;

constexpr std::size_t kShownPayload = 40;

// A payload as a student reads it: quoted text, shortened, or hex.
std::string shown_payload(const Packet& p) {
    const EncodedBytes encoded = encode_payload(p.payload);
    std::string text;
    for (char c : encoded.text.substr(0, kShownPayload)) {
        if (c == '\n') text += "\\n";
        else if (c == '\r') text += "\\r";
        else if (c == '\t') text += "\\t";
        else text += c;
    }
    const bool cut = encoded.text.size() > kShownPayload || p.payload_length > p.payload.size();
    const std::string quoted = encoded.encoding == std::string_view("hex")
                                   ? "0x" + text + (cut ? "..." : "")
                                   : "\"" + text + (cut ? "...\"" : "\"");
    return fmt::format("{} ({} B)", quoted, p.payload_length);
}

std::string connect_fields(const Packet& p, const MqttPacketEvent& e, const ReportOptions& options) {
    std::string out = fmt::format(" v{} client '{}' {} keepalive {}", mqtt::to_string(e.version),
                                  p.client_id, p.clean_session() ? "clean" : "persistent", p.keepalive);
    if (p.username) out += fmt::format(" user '{}'", *p.username);
    if (p.password) out += fmt::format(" password {}", options.show_secrets ? *p.password : "<hidden>");
    if (p.will) out += fmt::format(" will '{}' q{}{}", p.will->topic, p.will->qos, p.will->retain ? " retain" : "");
    return out;
}

std::string fields(const MqttPacketEvent& e, const ReportOptions& options) {
    const Packet& p = e.packet;
    switch (p.type) {
        case PacketType::Connect: return connect_fields(p, e, options);
        case PacketType::Connack:
            return fmt::format(" rc={} session_present={}", p.reason_code.value_or(0), p.session_present ? 1 : 0);
        case PacketType::Publish: {
            std::string flags = fmt::format(" q{}", p.qos);
            if (p.dup) flags += " dup";
            if (p.retain) flags += " retain";
            const std::string alias = p.alias_topic ? " (alias)" : "";
            return fmt::format("{}{} '{}'{} {}", flags, packet_id_field(p), p.effective_topic(), alias, shown_payload(p));
        }
        case PacketType::Subscribe:
        case PacketType::Unsubscribe: return filters_field(p);
        case PacketType::Suback:
        case PacketType::Unsuback: return packet_id_field(p) + reason_codes_field(p);
        case PacketType::Puback:
        case PacketType::Pubrec:
        case PacketType::Pubrel:
        case PacketType::Pubcomp: return packet_id_field(p) + reason_code_field(p);
        case PacketType::Disconnect:
        case PacketType::Auth: return reason_code_field(p);
        case PacketType::Pingreq:
        case PacketType::Pingresp:
        case PacketType::Reserved: return "";
    }
    return "";
}

std::string time_of_day(Timestamp t, TimePrecision precision) {
    const std::string utc = utc_time(t, precision);  // "YYYY-MM-DD HH:MM:SS.ffffff UTC"
    return utc.substr(11, utc.size() - 11 - 4);
}

}  // namespace

std::string line_prefix(FrameRef at, TimePrecision precision, std::uint64_t connection, Direction dir) {
    return fmt::format("{}  #{}  {}", time_of_day(at.time, precision), connection,
                       dir == Direction::ToServer ? "->" : "<-");
}

std::string packet_line(const MqttPacketEvent& e, TimePrecision precision, const ReportOptions& options) {
    return fmt::format("{}  {}{}{}", line_prefix(e.at, precision, e.connection.id, e.dir),
                       mqtt::to_string(e.packet.type), fields(e, options), e.malformed ? "  [malformed]" : "");
}

void PacketLinePrinter::on_mqtt_packet(const MqttPacketEvent& event) {
    const std::string line = terminal_line(packet_line(event, precision_, options_)) + "\n";
    std::fwrite(line.data(), 1, line.size(), out_);
}

}  // namespace mqscan
