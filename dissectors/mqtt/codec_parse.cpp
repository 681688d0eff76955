// Parsing one MQTT control packet, field by field as the specifications list them.
#include <algorithm>
#include <fmt/core.h>

#include "mqtt/codec.hpp"
#include "mqtt/properties.hpp"

namespace mqscan::mqtt {
namespace {

class Parser {
public:
    Parser(Bytes body, Version version, std::size_t payload_cap, ParsedPacket& out)
        : fields_(ByteReader(body), out.issues), version_(version), payload_cap_(payload_cap),
          out_(out), p_(out.packet) {}

    void run() {
        if (!check_type()) return;
        if (!body()) {
            out_.malformed = true;
            return;
        }
        if (fields_.remaining() > 0)
            fields_.issue(AnomalyId::MqttTrailingBytes, fmt::format("{} bytes", fields_.remaining()));
    }

private:
    bool v5() const { return version_ == Version::V5; }

    bool check_type() {
        const bool reserved = p_.type == PacketType::Reserved ||
                              (p_.type == PacketType::Auth && version_ != Version::V5 &&
                               version_ != Version::Unknown);
        if (reserved) {
            fields_.issue(AnomalyId::MqttTypeReserved, fmt::format("type {}", static_cast<int>(p_.type)));
            out_.malformed = true;
            return false;
        }
        if (p_.type != PacketType::Publish && header_flags_checked() != required_flags(p_.type))
            fields_.issue(AnomalyId::MqttFlagsInvalid,
                          fmt::format("{} with flags {:#x}", to_string(p_.type), p_.flags));
        return true;
    }

    // 3.1 has no fixed flags: a re-sent PUBREL, SUBSCRIBE or UNSUBSCRIBE
    // carries DUP (MQTT V3.1 "DUP flag"), which 3.1.1 forbids [MQTT-2.2.2-1].
    std::uint8_t header_flags_checked() const {
        constexpr std::uint8_t kDup = 0x08;
        const bool may_be_resent = p_.type == PacketType::Pubrel || p_.type == PacketType::Subscribe ||
                                   p_.type == PacketType::Unsubscribe;
        return version_ == Version::V31 && may_be_resent ? static_cast<std::uint8_t>(p_.flags & ~kDup) : p_.flags;
    }

    bool body() {
        switch (p_.type) {
            case PacketType::Connect: return connect();
            case PacketType::Connack: return connack();
            case PacketType::Publish: return publish();
            case PacketType::Puback:
            case PacketType::Pubrec:
            case PacketType::Pubrel:
            case PacketType::Pubcomp: return acknowledgement();
            case PacketType::Subscribe: return subscribe();
            case PacketType::Suback: return suback();
            case PacketType::Unsubscribe: return unsubscribe();
            case PacketType::Unsuback: return unsuback();
            case PacketType::Pingreq:
            case PacketType::Pingresp: return true;
            case PacketType::Disconnect: return !v5() || reason_and_properties();
            case PacketType::Auth: return reason_and_properties();
            case PacketType::Reserved: return false;
        }
        return false;
    }

    bool properties(PropertyContext context, std::vector<Property>& into) {
        return !v5() || parse_properties(fields_, context, into);
    }

    bool packet_id() {
        std::uint16_t id = 0;
        if (!fields_.u16(id, "packet identifier")) return false;
        if (id == 0) fields_.issue(AnomalyId::MqttPacketIdZero, std::string(to_string(p_.type)));
        p_.packet_id = id;
        return true;
    }

    bool connect() {
        if (!fields_.utf8(p_.protocol_name, "protocol name")) return false;
        if (!fields_.u8(p_.protocol_level, "protocol level")) return false;
        version_ = version_of_level(p_.protocol_level);
        const bool known = (p_.protocol_name == "MQTT" && (p_.protocol_level == 4 || p_.protocol_level == 5)) ||
                           (p_.protocol_name == "MQIsdp" && p_.protocol_level == 3);
        if (!known)
            fields_.issue(AnomalyId::MqttProtocolNameUnknown,
                          fmt::format("'{}' level {}", p_.protocol_name, p_.protocol_level));
        if (!fields_.u8(p_.connect_flags, "connect flags")) return false;
        if (!fields_.u16(p_.keepalive, "keep alive")) return false;
        check_connect_flags();
        if (!properties(context_of(PacketType::Connect), p_.properties)) return false;
        if (!fields_.utf8(p_.client_id, "client identifier")) return false;
        const std::uint8_t flags = p_.connect_flags;
        if ((flags & 0x04) != 0) {
            Will will;
            will.qos = (flags >> 3) & 0x3;
            will.retain = (flags & 0x20) != 0;
            if (!properties(kWillContext, will.properties)) return false;
            if (!fields_.utf8(will.topic, "will topic")) return false;
            if (!fields_.binary(will.payload, "will payload")) return false;
            p_.will = std::move(will);
        }
        if ((flags & 0x80) != 0 && !fields_.utf8(p_.username.emplace(), "user name")) return false;
        if ((flags & 0x40) != 0 && !fields_.binary(p_.password.emplace(), "password")) return false;
        return true;
    }

    void check_connect_flags() {
        const std::uint8_t flags = p_.connect_flags;
        if ((flags & 0x01) != 0) fields_.issue(AnomalyId::MqttConnectReservedFlag);
        const bool will = (flags & 0x04) != 0;
        const std::uint8_t will_qos = (flags >> 3) & 0x3;
        const bool will_retain = (flags & 0x20) != 0;
        if (!will && (will_qos != 0 || will_retain))
            fields_.issue(AnomalyId::MqttConnectFlagsInvalid, "will QoS or retain without a will");
        if (will_qos == 3) fields_.issue(AnomalyId::MqttConnectFlagsInvalid, "will QoS 3");
        const bool password_without_user = (flags & 0x40) != 0 && (flags & 0x80) == 0;
        if (password_without_user && version_ != Version::V5)
            fields_.issue(AnomalyId::MqttConnectFlagsInvalid, "password without user name");
    }

    bool connack() {
        std::uint8_t flags = 0;
        if (!fields_.u8(flags, "acknowledge flags")) return false;
        p_.session_present = (flags & 0x01) != 0;
        if ((flags & 0xfe) != 0)
            fields_.issue(AnomalyId::MqttFlagsInvalid, fmt::format("CONNACK acknowledge flags {:#x}", flags));
        if (!fields_.u8(p_.reason_code.emplace(), v5() ? "reason code" : "return code")) return false;
        return properties(context_of(PacketType::Connack), p_.properties);
    }

    bool publish() {
        p_.dup = (p_.flags & 0x08) != 0;
        p_.qos = (p_.flags >> 1) & 0x3;
        p_.retain = (p_.flags & 0x01) != 0;
        if (p_.qos == 3) fields_.issue(AnomalyId::MqttQosInvalid);
        if (!fields_.utf8(p_.topic, "topic name")) return false;
        if (p_.topic.find_first_of("+#") != std::string::npos)
            fields_.issue(AnomalyId::MqttTopicWildcard, p_.topic);
        if (p_.qos > 0 && !packet_id()) return false;
        if (!properties(context_of(PacketType::Publish), p_.properties)) return false;
        const bool has_alias = std::any_of(p_.properties.begin(), p_.properties.end(),
                                           [](const Property& q) { return q.id == kTopicAliasProperty; });
        if (p_.topic.empty() && !has_alias) fields_.issue(AnomalyId::MqttTopicEmpty);
        const Bytes payload = fields_.raw().rest();
        p_.payload_length = static_cast<std::uint32_t>(payload.size());
        const std::size_t kept = std::min(payload.size(), payload_cap_);
        p_.payload.assign(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(kept));
        fields_.raw().skip(payload.size());
        return true;
    }

    // PUBACK, PUBREC, PUBREL, PUBCOMP: 5.0 may omit the reason code and the
    // properties when they are "success" and empty [MQTT-3.4.2.1].
    bool acknowledgement() {
        if (!packet_id()) return false;
        return !v5() || reason_and_properties();
    }

    bool reason_and_properties() {
        if (fields_.remaining() == 0) return true;
        if (!fields_.u8(p_.reason_code.emplace(), "reason code")) return false;
        // Acks and DISCONNECT may stop after the reason code; AUTH omits both
        // or neither [MQTT 5.0 3.15.2.1].
        if (fields_.remaining() == 0 && p_.type != PacketType::Auth) return true;
        return properties(context_of(p_.type), p_.properties);
    }

    bool subscribe() {
        if (!packet_id()) return false;
        if (!properties(context_of(PacketType::Subscribe), p_.properties)) return false;
        while (fields_.remaining() > 0) {
            Subscription s;
            if (!fields_.utf8(s.filter, "topic filter")) return false;
            if (!fields_.u8(s.options, "subscription options")) return false;
            s.qos = s.options & 0x3;
            if (v5()) {
                s.no_local = (s.options & 0x04) != 0;
                s.retain_as_published = (s.options & 0x08) != 0;
                s.retain_handling = (s.options >> 4) & 0x3;
            }
            const std::uint8_t reserved = v5() ? 0xc0 : 0xfc;
            if (s.qos == 3 || s.retain_handling == 3 || (s.options & reserved) != 0)
                fields_.issue(AnomalyId::MqttSubscriptionOptionsInvalid,
                              fmt::format("'{}' options {:#04x}", s.filter, s.options));
            p_.subscriptions.push_back(std::move(s));
        }
        if (p_.subscriptions.empty()) fields_.issue(AnomalyId::MqttSubscribeEmpty, "SUBSCRIBE");
        return true;
    }

    bool unsubscribe() {
        if (!packet_id()) return false;
        if (!properties(context_of(PacketType::Unsubscribe), p_.properties)) return false;
        while (fields_.remaining() > 0)
            if (!fields_.utf8(p_.unsubscribe_filters.emplace_back(), "topic filter")) return false;
        if (p_.unsubscribe_filters.empty()) fields_.issue(AnomalyId::MqttSubscribeEmpty, "UNSUBSCRIBE");
        return true;
    }

    bool suback() {
        if (!packet_id()) return false;
        if (!properties(context_of(PacketType::Suback), p_.properties)) return false;
        return codes();
    }

    bool unsuback() {
        if (!packet_id()) return false;
        if (!v5()) return true;
        if (!properties(context_of(PacketType::Unsuback), p_.properties)) return false;
        return codes();
    }

    bool codes() {
        const Bytes rest = fields_.raw().rest();
        p_.reason_codes.assign(rest.begin(), rest.end());
        fields_.raw().skip(rest.size());
        return true;
    }

    FieldReader fields_;
    Version version_;
    std::size_t payload_cap_;
    ParsedPacket& out_;
    Packet& p_;
};

}  // namespace

Version version_of_level(std::uint8_t level) {
    switch (level) {
        case 3: return Version::V31;
        case 4: return Version::V311;
        case 5: return Version::V5;
        default: return Version::Unknown;
    }
}

ParsedPacket parse_packet(std::uint8_t first_byte, Bytes body, Version version,
                          std::size_t payload_cap) {
    ParsedPacket out;
    out.packet.type = static_cast<PacketType>(first_byte >> 4);
    out.packet.flags = first_byte & 0x0f;
    out.packet.remaining_length = static_cast<std::uint32_t>(body.size());
    Parser(body, version, payload_cap, out).run();
    return out;
}

}  // namespace mqscan::mqtt
