#include "report/csv_packets.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/utf8.hpp"
#include "report/json_mqtt.hpp"
#include "report/time_format.hpp"

namespace mqscan {
namespace {

using mqtt::Packet;
using mqtt::PacketType;

constexpr std::string_view kLineEnd = "\r\n";  // RFC 4180 §2
constexpr std::string_view kHidden = "<hidden>";

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t length = utf8_sequence_length(text, at);
        if (length == 0) {
            out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
            ++at;
        } else {
            out.append(text.substr(at, length));
            at += length;
        }
    }
    return out;
}

// "21.5", "-3", "+33": [+-]digits[.digits]
bool is_plain_number(std::string_view text) {
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
    auto digits = [](std::string_view part) {
        return !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos;
    };
    const std::size_t point = text.find('.');
    if (point == std::string_view::npos) return digits(text);
    return digits(text.substr(0, point)) && digits(text.substr(point + 1));
}

// Spreadsheets read a cell starting with one of these as a formula.
bool could_be_formula(std::string_view text) {
    return !text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos &&
           !is_plain_number(text);
}

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// RFC 4180 §2.6
bool needs_quotes(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return c == ',' || c == '"' || c == '\r' || c == '\n'; });
}

// csv_field, appended to `out`: it runs for every field of every row.
void append_csv_field(std::string& out, std::string_view text) {
    std::string repaired;
    if (!is_ascii(text) && !is_valid_utf8(text)) text = repaired = valid_utf8(text);
    const std::string_view guard = could_be_formula(text) ? "'" : "";
    if (!needs_quotes(text)) {
        out.append(guard).append(text);
        return;
    }
    out.append("\"").append(guard);
    for (char c : text) {
        if (c == '"') out += '"';  // RFC 4180 §2.7
        out += c;
    }
    out += '"';
}

// Appends fields separated by commas.
class CsvRow {
public:
    void add(std::string_view text) {
        separate();
        append_csv_field(out_, text);
    }
    void add(std::uint64_t number) {
        separate();
        fmt::format_to(std::back_inserter(out_), "{}", number);
    }
    void add_flag(bool flag) { add(std::uint64_t{flag ? 1U : 0U}); }
    void skip(int fields) {
        for (int i = 0; i < fields; ++i) separate();
    }
    std::string take() { return std::move(out_); }

private:
    void separate() {
        if (started_) out_ += ',';
        started_ = true;
    }

    std::string out_;
    bool started_ = false;
};

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

std::string csv_field(std::string_view text) {
    std::string field;
    append_csv_field(field, text);
    return field;
}

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
    std::fwrite(kLineEnd.data(), 1, kLineEnd.size(), out_);
}

}  // namespace mqscan
