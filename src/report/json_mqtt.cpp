#include "report/json_mqtt.hpp"

#include "core/hex.hpp"
#include "core/utf8.hpp"
#include "mqtt/properties.hpp"
#include "report/time_format.hpp"

namespace mqscan {
namespace {

using mqtt::Packet;
using mqtt::PacketType;

constexpr const char* kHidden = "<hidden>";

bool printable(const std::string& bytes) {
    for (unsigned char c : bytes)
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
    return is_valid_utf8(bytes);
}

std::string hex(const std::string& bytes) {
    return to_hex(Bytes(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

class MqttJson {
public:
    MqttJson(JsonWriter& json, TimePrecision precision, const ReportOptions& options)
        : json_(json), precision_(precision), options_(options) {}

    void connection(const MqttConnectionReport& mqtt) {
        json_.begin_object();
        json_.field("version", mqtt::to_string(mqtt.version));
        json_.field("version_source", mqtt.version_from_connect ? "connect" : "guessed");
        if (mqtt.connect) session_fields(*mqtt.connect);
        json_.field("packet_count", mqtt.packet_count);
        json_.field("packets_unlisted", mqtt.packet_count - mqtt.packets.size());
        json_.key("packets").begin_array();
        for (const MqttPacketRecord& record : mqtt.packets) packet(record);
        json_.end_array();
        json_.end_object();
    }

    void packet(const MqttPacketRecord& record) {
        const Packet& p = record.packet;
        json_.begin_object();
        json_.field("frame", record.frame);
        json_.key("time").raw_number(epoch_seconds(record.time, precision_));
        json_.field("dir", to_string(record.dir));
        json_.field("type", mqtt::to_string(p.type));
        json_.field("header_flags", static_cast<std::uint64_t>(p.flags));
        json_.field("length", static_cast<std::uint64_t>(p.remaining_length));
        if (record.malformed) json_.field("malformed", true);
        if (record.trimmed) json_.field("fields_truncated", true);
        fields(p);
        json_.end_object();
    }

private:
    void session_fields(const Packet& connect) {
        json_.field("client_id", connect.client_id);
        json_.field("keepalive", static_cast<std::uint64_t>(connect.keepalive));
        json_.field("clean_session", connect.clean_session());
        credentials(connect);
        if (connect.will) will(*connect.will);
    }

    void credentials(const Packet& p) {
        if (p.username) json_.field("username", *p.username);
        if (p.password) json_.field("password", options_.show_secrets ? *p.password : kHidden);
    }

    void will(const mqtt::Will& w) {
        json_.key("will").begin_object();
        json_.field("qos", static_cast<std::uint64_t>(w.qos));
        json_.field("retain", w.retain);
        json_.field("topic", w.topic);
        payload(w.payload, static_cast<std::uint32_t>(w.payload.size()));
        properties(w.properties);
        json_.end_object();
    }

    void payload(const std::string& bytes, std::uint32_t length) {
        const EncodedBytes encoded = encode_payload(bytes);
        json_.field("payload", encoded.text);
        json_.field("payload_encoding", encoded.encoding);
        json_.field("payload_len", static_cast<std::uint64_t>(length));
        if (length > bytes.size()) json_.field("payload_truncated", true);
    }

    void properties(const std::vector<mqtt::Property>& props) {
        if (props.empty()) return;
        json_.key("properties").begin_array();
        for (const mqtt::Property& p : props) property(p);
        json_.end_array();
    }

    void property(const mqtt::Property& p);

    void packet_id(const Packet& p) {
        if (p.packet_id) json_.field("packet_id", static_cast<std::uint64_t>(*p.packet_id));
    }

    void reason_code(const Packet& p) {
        if (p.reason_code) json_.field("reason_code", static_cast<std::uint64_t>(*p.reason_code));
    }

    void codes(const Packet& p) {
        json_.key("reason_codes").begin_array();
        for (std::uint8_t c : p.reason_codes) json_.value(static_cast<std::uint64_t>(c));
        json_.end_array();
    }

    void fields(const Packet& p);
    void connect(const Packet& p);
    void publish(const Packet& p);
    void subscribe(const Packet& p);

    JsonWriter& json_;
    TimePrecision precision_;
    const ReportOptions& options_;
};

void MqttJson::property(const mqtt::Property& p) {
    const mqtt::PropertyInfo* info = mqtt::find_property(p.id);
    json_.begin_object();
    json_.field("id", static_cast<std::uint64_t>(p.id));
    json_.field("name", info != nullptr ? info->name : std::string_view("unknown"));
    switch (p.kind) {
        case mqtt::PropertyKind::Byte:
        case mqtt::PropertyKind::TwoByte:
        case mqtt::PropertyKind::FourByte:
        case mqtt::PropertyKind::VarInt: json_.field("value", static_cast<std::uint64_t>(p.number)); break;
        case mqtt::PropertyKind::Utf8: json_.field("value", p.text); break;
        case mqtt::PropertyKind::Binary: json_.field("value", hex(p.text)); break;
        case mqtt::PropertyKind::Utf8Pair:
            json_.field("key", p.text);
            json_.field("value", p.value);
            break;
    }
    json_.end_object();
}

void MqttJson::fields(const Packet& p) {
    switch (p.type) {
        case PacketType::Connect: return connect(p);
        case PacketType::Connack:
            json_.field("session_present", p.session_present);
            reason_code(p);
            return properties(p.properties);
        case PacketType::Publish: return publish(p);
        case PacketType::Subscribe:
        case PacketType::Unsubscribe: return subscribe(p);
        case PacketType::Suback:
        case PacketType::Unsuback:
            packet_id(p);
            properties(p.properties);
            return codes(p);
        case PacketType::Puback:
        case PacketType::Pubrec:
        case PacketType::Pubrel:
        case PacketType::Pubcomp: packet_id(p); [[fallthrough]];
        case PacketType::Disconnect:
        case PacketType::Auth:
            reason_code(p);
            return properties(p.properties);
        case PacketType::Pingreq:
        case PacketType::Pingresp:
        case PacketType::Reserved: return;
    }
}

void MqttJson::connect(const Packet& p) {
    json_.field("protocol_name", p.protocol_name);
    json_.field("protocol_level", static_cast<std::uint64_t>(p.protocol_level));
    json_.field("connect_flags", static_cast<std::uint64_t>(p.connect_flags));
    json_.field("clean_session", p.clean_session());
    json_.field("keepalive", static_cast<std::uint64_t>(p.keepalive));
    properties(p.properties);
    json_.field("client_id", p.client_id);
    if (p.will) will(*p.will);
    credentials(p);
}

void MqttJson::publish(const Packet& p) {
    json_.field("qos", static_cast<std::uint64_t>(p.qos));
    json_.field("dup", p.dup);
    json_.field("retain", p.retain);
    json_.field("topic", p.topic);
    if (p.alias_topic) json_.field("alias_topic", *p.alias_topic);
    packet_id(p);
    properties(p.properties);
    payload(p.payload, p.payload_length);
}

void MqttJson::subscribe(const Packet& p) {
    packet_id(p);
    properties(p.properties);
    json_.key("topics").begin_array();
    for (const mqtt::Subscription& s : p.subscriptions) {
        json_.begin_object();
        json_.field("filter", s.filter);
        json_.field("qos", static_cast<std::uint64_t>(s.qos));
        json_.field("no_local", s.no_local);
        json_.field("retain_as_published", s.retain_as_published);
        json_.field("retain_handling", static_cast<std::uint64_t>(s.retain_handling));
        json_.end_object();
    }
    for (const std::string& filter : p.unsubscribe_filters) {
        json_.begin_object();
        json_.field("filter", filter);
        json_.end_object();
    }
    json_.end_array();
}

}  // namespace

EncodedBytes encode_payload(const std::string& bytes) {
    if (printable(bytes)) return {bytes, "utf8"};
    return {hex(bytes), "hex"};
}

void write_mqtt_json(JsonWriter& json, const MqttConnectionReport& mqtt, TimePrecision precision,
                     const ReportOptions& options) {
    MqttJson(json, precision, options).connection(mqtt);
}

void write_mqtt_packet_json(JsonWriter& json, const MqttPacketRecord& record, TimePrecision precision,
                            const ReportOptions& options) {
    MqttJson(json, precision, options).packet(record);
}

}  // namespace mqscan
