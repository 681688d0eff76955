#include "report/ladder.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/utf8.hpp"
#include "report/json_mqtt.hpp"
#include "report/packet_fields.hpp"
#include "report/terminal_text.hpp"
#include "report/time_format.hpp"

namespace mqscan {
namespace {

using mqtt::Packet;
using mqtt::PacketType;

// Columns between the two bars: with the margin, a diagram fits in 80 columns.
constexpr std::size_t kArrowWidth = 56;
// "-- " + label + " " + at least "-->" (or the mirror image).
constexpr std::size_t kMaxLabel = kArrowWidth - 7;
constexpr std::size_t kShownPayload = 12;
constexpr std::size_t kShownClientId = 32;
constexpr std::size_t kMinShownTopic = 8;
constexpr std::string_view kCut = "...";

// Columns a terminal gives to valid UTF-8 text: one per code point (wide and
// combining characters are not told apart; capture text is rarely either).
std::size_t width(std::string_view text) {
    auto starts_code_point = [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; };
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), starts_code_point));
}

// The first `count` code points of valid UTF-8 text.
std::string_view first_code_points(std::string_view text, std::size_t count) {
    std::size_t at = 0;
    for (; at < text.size() && count > 0; --count)
        at += std::max<std::size_t>(1, utf8_sequence_length(text, at));
    return text.substr(0, at);
}

// Text that fits in `columns`, cut with "..." when it does not.
std::string fit(std::string_view text, std::size_t columns) {
    if (width(text) <= columns) return std::string(text);
    return std::string(first_code_points(text, columns - kCut.size())) + std::string(kCut);
}

std::string padded(std::string_view text, std::size_t columns, char fill) {
    return std::string(text) + std::string(columns - std::min(columns, width(text)), fill);
}

// "hello" or 0x0102..., shortened and escaped: the arrow only hints at the payload.
std::string shown_payload(const Packet& p) {
    const EncodedBytes encoded = encode_payload(p.payload);
    const bool hex = encoded.encoding == std::string_view("hex");
    const std::string_view kept = first_code_points(encoded.text, kShownPayload);
    const bool cut = kept.size() < encoded.text.size() || p.payload_length > p.payload.size();
    const std::string text = terminal_line(kept) + (cut ? std::string(kCut) : "");
    return hex ? "0x" + text : "\"" + text + "\"";
}

std::string connect_label(const Packet& p) {
    std::string out = fmt::format(" {} k{}", p.clean_session() ? "clean" : "persistent", p.keepalive);
    if (p.username) out += fmt::format(" user '{}'", *p.username);
    if (p.password) out += " password hidden";
    if (p.will) out += fmt::format(" will '{}'", p.will->topic);
    return out;
}

// The topic is shortened first, so that the payload still shows.
std::string publish_label(const Packet& p) {
    const std::string head =
        fmt::format(" q{}{}{}{}", p.qos, p.dup ? " dup" : "", p.retain ? " retain" : "", packet_id_field(p));
    const std::string payload = shown_payload(p);
    const std::size_t fixed =
        width(mqtt::to_string(p.type)) + width(head) + width(" '' ") + width(payload);
    const std::size_t room = kMaxLabel > fixed ? kMaxLabel - fixed : 0;
    const std::string topic = fit(terminal_line(p.effective_topic()), std::max(room, kMinShownTopic));
    return fmt::format("{} '{}' {}", head, topic, payload);
}

// What follows the packet type on its arrow.
std::string label_fields(const Packet& p) {
    switch (p.type) {
        case PacketType::Connect: return connect_label(p);
        case PacketType::Connack:
            return fmt::format(" rc={}{}", p.reason_code.value_or(0),
                               p.session_present ? " session present" : "");
        case PacketType::Publish: return publish_label(p);
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

// The label, escaped for the terminal, within kMaxLabel columns; the
// malformed mark is kept whole.
std::string arrow_label(const MqttPacketRecord& record) {
    const std::string body = terminal_line(fmt::format("{}{}", mqtt::to_string(record.packet.type),
                                                       label_fields(record.packet)));
    const std::string_view mark = record.malformed ? " [malformed]" : "";
    return fit(body, kMaxLabel - mark.size()) + std::string(mark);
}

// "-- CONNECT ... ------>" from the client, "<------ ... CONNACK rc=0 --" from the broker.
std::string arrow(const MqttPacketRecord& record) {
    const std::string label = arrow_label(record);
    if (record.dir == Direction::ToServer)
        return padded(fmt::format("-- {} ", label), kArrowWidth - 1, '-') + ">";
    return fmt::format("<{} {} --", std::string(kArrowWidth - 5 - width(label), '-'), label);
}

std::string relative_time(Timestamp t, Timestamp origin, TimePrecision precision) {
    const std::int64_t ns = t.ns - origin.ns;
    return fmt::format("{}{} s", ns < 0 ? "" : "+", duration_seconds(ns, precision));
}

std::string client_identity(const MqttConnectionReport& mqtt) {
    if (!mqtt.connect) return "CONNECT not captured";
    if (mqtt.connect->client_id.empty()) return "empty client id";  // the broker assigns one
    return fmt::format("client id '{}'", fit(mqtt.connect->client_id, kShownClientId));
}

// "#5  client 127.0.0.1:60558 (client id 'x')  <->  broker 127.0.0.1:1883  MQTT 3.1.1"
std::string title(const MqttConnectionReport& mqtt, const ConnectionSummary* connection) {
    const std::string client = connection ? connection->client.to_string() : "?";
    const std::string broker = connection ? connection->server.to_string() : "?";
    return fmt::format("#{}  client {} ({})  <->  broker {}  MQTT {}{}", mqtt.connection, client,
                       client_identity(mqtt), broker, mqtt::to_string(mqtt.version),
                       mqtt.version_from_connect ? "" : " (guessed)");
}

// ConnectionSummary keys on `id`, so find_connection_record does not apply.
const ConnectionSummary* find_summary(const CaptureReport& report, std::uint64_t id) {
    const auto& all = report.connections;
    const auto found =
        std::lower_bound(all.begin(), all.end(), id,
                         [](const ConnectionSummary& c, std::uint64_t v) { return c.id < v; });
    return found != all.end() && found->id == id ? &*found : nullptr;
}

// One connection's diagram; every line but the title has the same width.
class Ladder {
public:
    Ladder(const MqttConnectionReport& mqtt, TimePrecision precision)
        : mqtt_(mqtt), precision_(precision) {
        for (const MqttPacketRecord& record : mqtt.packets) {
            frame_width_ = std::max(frame_width_, fmt::formatted_size("{}", record.frame));
            time_width_ = std::max(time_width_, time_of(record).size());
        }
    }

    void render(const ConnectionSummary* connection, std::string& out) {
        line(out, title(mqtt_, connection));
        const std::size_t bars_width = kArrowWidth + 2;
        line(out, margin("frame", "time") + padded("client", bars_width - width("broker"), ' ') + "broker");
        line(out, bars(std::string(kArrowWidth, ' ')));
        for (const MqttPacketRecord& record : mqtt_.packets)
            line(out, margin(fmt::format("{}", record.frame), time_of(record)) + "|" + arrow(record) + "|");
        const std::uint64_t unlisted = mqtt_.packet_count - mqtt_.packets.size();
        if (mqtt_.packet_count == 0) line(out, bars(centred("no MQTT packet")));
        if (unlisted > 0)
            line(out, bars(centred(fmt::format("... {} more packets not listed", unlisted))));
        line(out, bars(std::string(kArrowWidth, ' ')));
    }

private:
    // Labels are escaped before they are measured; this escapes the title (a
    // no-op on the other lines).
    static void line(std::string& out, const std::string& text) {
        out += terminal_line(text);
        out += '\n';
    }

    std::string time_of(const MqttPacketRecord& record) const {
        return relative_time(record.time, mqtt_.packets.front().time, precision_);
    }

    std::string margin(std::string_view frame, std::string_view time) const {
        return fmt::format("{:>{}}  {:>{}}  ", frame, frame_width_, time, time_width_);
    }

    std::string bars(std::string_view between) const {
        return margin("", "") + "|" + std::string(between) + "|";
    }

    static std::string centred(std::string_view text) {
        const std::size_t left = (kArrowWidth - text.size()) / 2;
        return padded(std::string(left, ' ') + std::string(text), kArrowWidth, ' ');
    }

    const MqttConnectionReport& mqtt_;
    TimePrecision precision_;
    std::size_t frame_width_ = std::string_view("frame").size();
    std::size_t time_width_ = std::string_view("time").size();
};

}  // namespace

std::string render_ladder(const CaptureReport& report) {
    std::string out;
    for (const MqttConnectionReport& mqtt : report.mqtt) {
        if (!out.empty()) out += '\n';
        Ladder(mqtt, report.capture.precision).render(find_summary(report, mqtt.connection), out);
    }
    return out;
}

}  // namespace mqscan
