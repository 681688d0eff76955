#include "tshark_mqtt.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include "ordered_json.hpp"
#include "tshark_process.hpp"

namespace {

enum class ValueKind {
    Number,        // tshark's decimal or 0x-hex text
    LowNibble,     // the fixed header byte: its flags
    Bytes,         // the field's raw bytes
    CountedBytes,  // raw bytes after a 2-byte length (tshark's FT_UINT_STRING fields)
};

struct FieldRule {
    std::string_view tshark_field;
    std::string_view name;
    ValueKind kind;
};

// tshark's MQTT fields (4.0) and the names they are compared under; every other field is
// either implied by these (lengths, flag bits) or not decoded by mqscan.
constexpr std::array kRules{
    FieldRule{"mqtt.hdrflags", "flags", ValueKind::LowNibble},
    FieldRule{"mqtt.msgtype", "type", ValueKind::Number},
    FieldRule{"mqtt.dupflag", "dup", ValueKind::Number},
    FieldRule{"mqtt.qos", "qos", ValueKind::Number},
    FieldRule{"mqtt.retain", "retain", ValueKind::Number},
    FieldRule{"mqtt.len", "remaining_length", ValueKind::Number},
    FieldRule{"mqtt.protoname", "protocol_name", ValueKind::Bytes},
    FieldRule{"mqtt.ver", "protocol_level", ValueKind::Number},
    FieldRule{"mqtt.conflags", "connect_flags", ValueKind::Number},
    FieldRule{"mqtt.kalive", "keepalive", ValueKind::Number},
    FieldRule{"mqtt.clientid", "client_id", ValueKind::Bytes},
    FieldRule{"mqtt.willtopic", "will_topic", ValueKind::Bytes},
    FieldRule{"mqtt.willmsg", "will_payload", ValueKind::Bytes},
    FieldRule{"mqtt.username", "username", ValueKind::Bytes},
    FieldRule{"mqtt.passwd", "password", ValueKind::Bytes},
    FieldRule{"mqtt.conack.flags.sp", "session_present", ValueKind::Number},
    FieldRule{"mqtt.conack.val", "reason_code", ValueKind::Number},
    FieldRule{"mqtt.connack.reason_code", "reason_code", ValueKind::Number},
    FieldRule{"mqtt.puback.reason_code", "reason_code", ValueKind::Number},
    FieldRule{"mqtt.pubrec.reason_code", "reason_code", ValueKind::Number},
    FieldRule{"mqtt.pubrel.reason_code", "reason_code", ValueKind::Number},
    FieldRule{"mqtt.pubcomp.reason_code", "reason_code", ValueKind::Number},
    FieldRule{"mqtt.suback.qos", "reason_code", ValueKind::Number},
    FieldRule{"mqtt.suback.reason_code", "reason_code", ValueKind::Number},
    FieldRule{"mqtt.unsuback.reason_code", "reason_code", ValueKind::Number},
    FieldRule{"mqtt.disconnect.reason_code", "reason_code", ValueKind::Number},
    FieldRule{"mqtt.auth.reason_code", "reason_code", ValueKind::Number},
    FieldRule{"mqtt.msgid", "packet_id", ValueKind::Number},
    FieldRule{"mqtt.topic", "topic", ValueKind::Bytes},
    FieldRule{"mqtt.sub.qos", "subscription_options", ValueKind::Number},
    FieldRule{"mqtt.subscription_options", "subscription_options", ValueKind::Number},
    FieldRule{"mqtt.msg", "payload", ValueKind::Bytes},
    FieldRule{"mqtt.property_id", "property", ValueKind::Number},
    FieldRule{"mqtt.prop_number", "property_value", ValueKind::Number},
    FieldRule{"mqtt.property.topic_alias", "property_value", ValueKind::Number},
    FieldRule{"mqtt.property.max_qos", "property_value", ValueKind::Number},
    FieldRule{"mqtt.prop_string", "property_value", ValueKind::Bytes},
    FieldRule{"mqtt.property.content_type", "property_value", ValueKind::CountedBytes},
    FieldRule{"mqtt.prop_key", "property_key", ValueKind::Bytes},
    FieldRule{"mqtt.prop_value", "property_value", ValueKind::Bytes},
};

constexpr std::string_view kRawSuffix = "_raw";

const FieldRule* rule_for(std::string_view tshark_field) {
    const auto found = std::ranges::find(kRules, tshark_field, &FieldRule::tshark_field);
    return found == kRules.end() ? nullptr : &*found;
}

// With -x, tshark writes each field's bytes before it: "mqtt.topic_raw": ["6869", offset, ...],
// except for an empty field.
std::string raw_bytes(const JsonNode* raw, const JsonNode& value, std::string_view field) {
    if (raw == nullptr && value.scalar.empty()) return {};
    if (raw == nullptr || raw->members.empty())
        throw std::runtime_error(fmt::format("tshark wrote no raw bytes for {}", field));
    const std::vector<std::uint8_t> bytes = parse_hex(raw->members.front().value.scalar);
    return {bytes.begin(), bytes.end()};
}

std::string field_value(const FieldRule& rule, const JsonNode& value, const JsonNode* raw) {
    switch (rule.kind) {
        case ValueKind::Number:
            return std::to_string(parse_number(value.scalar));
        case ValueKind::LowNibble:
            return std::to_string(parse_number(value.scalar) & 0x0f);
        case ValueKind::Bytes:
            return printable_bytes(raw_bytes(raw, value, rule.tshark_field));
        case ValueKind::CountedBytes:
            return printable_bytes(raw_bytes(raw, value, rule.tshark_field).substr(2));
    }
    return {};
}

// For a PUBLISH whose topic is empty, tshark adds the topic its topic alias stands for after
// the properties: a generated mqtt.topic, without raw bytes. (It shows no empty topic.)
bool is_alias_topic(const JsonMember& member, const JsonNode* raw) {
    return member.key == "mqtt.topic" && raw == nullptr && !member.value.scalar.empty();
}

// Adds the compared fields of an MQTT PDU's tree, in order; `prefix` is "will_" inside the
// will properties.
void collect_fields(const JsonNode& tree, const std::string& prefix, MqttFields& out) {
    const JsonNode* raw = nullptr;  // the "<field>_raw" member just before a field
    for (const JsonMember& member : tree.members) {
        if (member.key.ends_with(kRawSuffix)) {
            raw = &member.value;
            continue;
        }
        if (is_alias_topic(member, raw)) {
            out.add_bytes("alias_topic", member.value.scalar);
        } else if (const FieldRule* rule = rule_for(member.key)) {
            out.fields.push_back(
                {prefix + std::string(rule->name), field_value(*rule, member.value, raw)});
        } else if (member.key == "mqtt.will_properties") {
            collect_fields(member.value, "will_", out);
        } else {
            collect_fields(member.value, prefix, out);  // a subtree (or nothing for a leaf)
        }
        raw = nullptr;
    }
}

// tshark also splits the flags of 3.1's SUBSCRIBE, UNSUBSCRIBE and PUBREL into DUP and QoS;
// "flags" compares those bits already, and only PUBLISH gives them a meaning of their own.
void drop_flag_bits_outside_publish(MqttFields& packet) {
    const auto type = std::ranges::find(packet.fields, "type", &MqttField::name);
    if (type != packet.fields.end() && type->value == "3") return;
    std::erase_if(packet.fields, [](const MqttField& field) {
        return field.name == "dup" || field.name == "qos" || field.name == "retain";
    });
}

MqttFields decode_pdu(const JsonNode& tree, std::uint64_t frame) {
    MqttFields packet{frame, {}};
    collect_fields(tree, "", packet);
    drop_flag_bits_outside_publish(packet);
    return packet;
}

// tshark's -T json output: an array of frames, each {"_source": {"layers": {...}}}, where
// "layers" has one "mqtt" member per MQTT PDU the frame completes, each followed by
// "_ws.malformed", "_ws.short" or "_ws.unreassembled" if tshark found that PDU damaged or
// lacked some of its bytes.
TsharkMqtt packets_by_flow(const JsonNode& frames) {
    TsharkMqtt result;
    for (const JsonMember& frame : frames.members) {
        const JsonNode& layers = frame.value.at("_source").at("layers");
        const JsonNode& tcp = layers.at("tcp");
        const PacketPlace place{parse_number(tcp.at("tcp.stream").scalar),
                                parse_number(layers.at("frame").at("frame.number").scalar)};
        const JsonNode& frame_layer = layers.at("frame");
        if (parse_number(frame_layer.at("frame.cap_len").scalar) < parse_number(frame_layer.at("frame.len").scalar))
            result.frames_cut.insert(place);
        const auto sender_port =
            static_cast<std::uint16_t>(parse_number(tcp.at("tcp.srcport").scalar));
        std::vector<MqttFields>& packets = result.flows[{place.stream, sender_port}];
        bool follows_pdu = false;  // the previous layer is this frame's last PDU so far
        for (const JsonMember& layer : layers.members) {
            const bool marks_pdu = follows_pdu;
            follows_pdu = layer.key == "mqtt";
            if (follows_pdu) {
                packets.push_back(decode_pdu(layer.value, place.frame));
            } else if (marks_pdu && layer.key == "_ws.malformed") {
                packets.back().malformed = true;
            } else if (marks_pdu && layer.key == "_ws.short") {
                packets.pop_back();
                result.cut_by_snaplen.insert(place);
            } else if (marks_pdu && layer.key == "_ws.unreassembled") {
                packets.pop_back();
                result.unreassembled.insert(place);
            }
        }
    }
    std::erase_if(result.flows, [](const auto& flow) { return flow.second.empty(); });
    return result;
}

}  // namespace

TsharkMqtt tshark_mqtt_packets(const std::string& path,
                               const std::vector<std::uint16_t>& mqtt_ports) {
    // -x adds each field's raw bytes; -J keeps the three layers needed, with their subtrees.
    std::string arguments =
        "-n -r " + shell_quote(path) + " -Y mqtt -T json -x -J 'frame tcp mqtt'";
    for (const std::uint16_t port : mqtt_ports)
        arguments += fmt::format(" -d tcp.port=={},mqtt", port);
    return packets_by_flow(parse_ordered_json(tshark_output(arguments)));
}
