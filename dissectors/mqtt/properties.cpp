#include "mqtt/properties.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <fmt/core.h>

#include "mqtt/varint.hpp"
#include "mqtt/wire_writer.hpp"

namespace mqscan::mqtt {
namespace {

constexpr PropertyContext ctx(std::initializer_list<PacketType> types, bool will = false) {
    PropertyContext bits = will ? kWillContext : 0;
    for (PacketType t : types) bits |= context_of(t);
    return bits;
}

using P = PacketType;
using K = PropertyKind;
constexpr PropertyContext kEverywhere =
    ctx({P::Connect, P::Connack, P::Publish, P::Puback, P::Pubrec, P::Pubrel, P::Pubcomp,
         P::Subscribe, P::Suback, P::Unsubscribe, P::Unsuback, P::Disconnect, P::Auth}, true);

// [MQTT-2.2.2.2] Table 2-4.
constexpr std::array kProperties = {
    PropertyInfo{1, "payload_format_indicator", K::Byte, ctx({P::Publish}, true), 0},
    PropertyInfo{2, "message_expiry_interval", K::FourByte, ctx({P::Publish}, true), 0},
    PropertyInfo{3, "content_type", K::Utf8, ctx({P::Publish}, true), 0},
    PropertyInfo{8, "response_topic", K::Utf8, ctx({P::Publish}, true), 0},
    PropertyInfo{9, "correlation_data", K::Binary, ctx({P::Publish}, true), 0},
    // Several in a PUBLISH (one per matching subscription), one in a SUBSCRIBE [MQTT 5.0 3.8.2.1.2].
    PropertyInfo{11, "subscription_identifier", K::VarInt, ctx({P::Publish, P::Subscribe}),
                 ctx({P::Publish})},
    PropertyInfo{17, "session_expiry_interval", K::FourByte,
                 ctx({P::Connect, P::Connack, P::Disconnect}), 0},
    PropertyInfo{18, "assigned_client_identifier", K::Utf8, ctx({P::Connack}), 0},
    PropertyInfo{19, "server_keep_alive", K::TwoByte, ctx({P::Connack}), 0},
    PropertyInfo{21, "authentication_method", K::Utf8, ctx({P::Connect, P::Connack, P::Auth}), 0},
    PropertyInfo{22, "authentication_data", K::Binary, ctx({P::Connect, P::Connack, P::Auth}), 0},
    PropertyInfo{23, "request_problem_information", K::Byte, ctx({P::Connect}), 0},
    PropertyInfo{24, "will_delay_interval", K::FourByte, ctx({}, true), 0},
    PropertyInfo{25, "request_response_information", K::Byte, ctx({P::Connect}), 0},
    PropertyInfo{26, "response_information", K::Utf8, ctx({P::Connack}), 0},
    PropertyInfo{28, "server_reference", K::Utf8, ctx({P::Connack, P::Disconnect}), 0},
    PropertyInfo{31, "reason_string", K::Utf8,
                 ctx({P::Connack, P::Puback, P::Pubrec, P::Pubrel, P::Pubcomp, P::Suback,
                      P::Unsuback, P::Disconnect, P::Auth}), 0},
    PropertyInfo{33, "receive_maximum", K::TwoByte, ctx({P::Connect, P::Connack}), 0},
    PropertyInfo{34, "topic_alias_maximum", K::TwoByte, ctx({P::Connect, P::Connack}), 0},
    PropertyInfo{35, "topic_alias", K::TwoByte, ctx({P::Publish}), 0},
    PropertyInfo{36, "maximum_qos", K::Byte, ctx({P::Connack}), 0},
    PropertyInfo{37, "retain_available", K::Byte, ctx({P::Connack}), 0},
    PropertyInfo{38, "user_property", K::Utf8Pair, kEverywhere, kEverywhere},
    PropertyInfo{39, "maximum_packet_size", K::FourByte, ctx({P::Connect, P::Connack}), 0},
    PropertyInfo{40, "wildcard_subscription_available", K::Byte, ctx({P::Connack}), 0},
    PropertyInfo{41, "subscription_identifier_available", K::Byte, ctx({P::Connack}), 0},
    PropertyInfo{42, "shared_subscription_available", K::Byte, ctx({P::Connack}), 0},
};

bool read_value(FieldReader& fields, const PropertyInfo& info, Property& p) {
    const char* what = info.name.data();
    switch (info.kind) {
        case K::Byte: {
            std::uint8_t v = 0;
            if (!fields.u8(v, what)) return false;
            p.number = v;
            return true;
        }
        case K::TwoByte: {
            std::uint16_t v = 0;
            if (!fields.u16(v, what)) return false;
            p.number = v;
            return true;
        }
        case K::FourByte: return fields.u32(p.number, what);
        case K::VarInt: return fields.varint(p.number, what);
        case K::Utf8: return fields.utf8(p.text, what);
        case K::Binary: return fields.binary(p.text, what);
        case K::Utf8Pair: return fields.utf8(p.text, what) && fields.utf8(p.value, what);
    }
    return false;
}

}  // namespace

const PropertyInfo* find_property(std::uint8_t id) {
    for (const PropertyInfo& info : kProperties)
        if (info.id == id) return &info;
    return nullptr;
}

bool parse_properties(FieldReader& fields, PropertyContext context, std::vector<Property>& out) {
    std::uint32_t length = 0;
    if (!fields.varint(length, "property length")) return false;
    auto block = fields.raw().sub(length);
    if (!block) {
        fields.issue(AnomalyId::MqttPropertyLengthPastEnd,
                     fmt::format("{} bytes of properties, {} left", length, fields.remaining()));
        return false;
    }
    FieldReader props(*block, fields.issues());
    std::bitset<256> seen;
    while (props.remaining() > 0) {
        std::uint32_t id = 0;
        if (!props.varint(id, "property identifier")) return false;
        const PropertyInfo* info = id <= 0xff ? find_property(static_cast<std::uint8_t>(id)) : nullptr;
        if (info == nullptr) {
            props.issue(AnomalyId::MqttPropertyUnknown, fmt::format("identifier {}", id));
            return false;
        }
        Property p;
        p.id = info->id;
        p.kind = info->kind;
        if (!read_value(props, *info, p)) return false;
        if ((info->allowed & context) == 0) props.issue(AnomalyId::MqttPropertyNotAllowed, info->name.data());
        if (seen[info->id] && (info->repeatable & context) == 0)
            props.issue(AnomalyId::MqttPropertyDuplicate, info->name.data());
        seen[info->id] = true;
        out.push_back(std::move(p));
    }
    return true;
}

void encode_properties(const std::vector<Property>& properties, std::string& out) {
    std::string block;
    for (const Property& p : properties) {
        encode_varint(p.id, block);
        switch (p.kind) {
            case K::Byte: block += static_cast<char>(p.number); break;
            case K::TwoByte: append_u16(block, static_cast<std::uint16_t>(p.number)); break;
            case K::FourByte:
                append_u16(block, static_cast<std::uint16_t>(p.number >> 16));
                append_u16(block, static_cast<std::uint16_t>(p.number & 0xffff));
                break;
            case K::VarInt: encode_varint(p.number, block); break;
            case K::Utf8:
            case K::Binary: append_string(block, p.text); break;
            case K::Utf8Pair:
                append_string(block, p.text);
                append_string(block, p.value);
                break;
        }
    }
    encode_varint(static_cast<std::uint32_t>(block.size()), out);
    out += block;
}

namespace property {

const Property* find(const std::vector<Property>& properties, std::uint8_t id) {
    const auto found = std::find_if(properties.begin(), properties.end(), [id](const Property& p) { return p.id == id; });
    return found == properties.end() ? nullptr : &*found;
}

std::optional<std::uint32_t> number(const std::vector<Property>& properties, std::uint8_t id) {
    const Property* found = find(properties, id);
    if (found == nullptr) return std::nullopt;
    return found->number;
}

Property numeric(std::uint8_t id, std::uint32_t value) {
    Property p;
    p.id = id;
    p.kind = find_property(id)->kind;
    p.number = value;
    return p;
}

Property text(std::uint8_t id, std::string value) {
    Property p;
    p.id = id;
    p.kind = PropertyKind::Utf8;
    p.text = std::move(value);
    return p;
}

}  // namespace property

}  // namespace mqscan::mqtt
