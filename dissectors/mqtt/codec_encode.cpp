// Encoding one MQTT control packet: the inverse of codec_parse.cpp.
#include "mqtt/codec.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/varint.hpp"
#include "mqtt/wire_writer.hpp"

namespace mqscan::mqtt {
namespace {

class Encoder {
public:
    Encoder(const Packet& packet, Version version) : p_(packet), v5_(version == Version::V5) {}

    std::string run() {
        body();
        std::string frame;
        frame += static_cast<char>(static_cast<std::uint8_t>(p_.type) << 4 | flags());
        encode_varint(static_cast<std::uint32_t>(body_.size()), frame);
        frame += body_;
        return frame;
    }

private:
    std::uint8_t flags() const {
        if (p_.type != PacketType::Publish) return required_flags(p_.type);
        return static_cast<std::uint8_t>((p_.dup ? 0x08 : 0) | (p_.qos & 0x3) << 1 | (p_.retain ? 0x01 : 0));
    }

    void u8(std::uint8_t v) { body_ += static_cast<char>(v); }
    void u16(std::uint16_t v) { append_u16(body_, v); }
    void string(const std::string& s) { append_string(body_, s); }
    void properties(const std::vector<Property>& props) {
        if (v5_) encode_properties(props, body_);
    }
    void packet_id() { u16(p_.packet_id.value_or(0)); }

    void body() {
        switch (p_.type) {
            case PacketType::Connect: return connect();
            case PacketType::Connack:
                u8(p_.session_present ? 1 : 0);
                u8(p_.reason_code.value_or(0));
                return properties(p_.properties);
            case PacketType::Publish:
                string(p_.topic);
                if (p_.qos > 0) packet_id();
                properties(p_.properties);
                body_ += p_.payload;
                return;
            case PacketType::Puback:
            case PacketType::Pubrec:
            case PacketType::Pubrel:
            case PacketType::Pubcomp:
                packet_id();
                if (v5_) reason_and_properties();
                return;
            case PacketType::Subscribe:
                packet_id();
                properties(p_.properties);
                for (const Subscription& s : p_.subscriptions) {
                    string(s.filter);
                    u8(s.options);
                }
                return;
            case PacketType::Suback:
                packet_id();
                properties(p_.properties);
                return codes();
            case PacketType::Unsubscribe:
                packet_id();
                properties(p_.properties);
                for (const std::string& f : p_.unsubscribe_filters) string(f);
                return;
            case PacketType::Unsuback:
                packet_id();
                if (!v5_) return;
                properties(p_.properties);
                return codes();
            case PacketType::Disconnect:
            case PacketType::Auth:
                if (v5_) reason_and_properties();
                return;
            case PacketType::Pingreq:
            case PacketType::Pingresp:
            case PacketType::Reserved: return;
        }
    }

    void connect() {
        string(p_.protocol_name);
        u8(p_.protocol_level);
        u8(p_.connect_flags);
        u16(p_.keepalive);
        properties(p_.properties);
        string(p_.client_id);
        if (p_.will) {
            properties(p_.will->properties);
            string(p_.will->topic);
            string(p_.will->payload);
        }
        if (p_.username) string(*p_.username);
        if (p_.password) string(*p_.password);
    }

    // The short forms: nothing when the code is absent, no properties when
    // none; AUTH has only the first [MQTT 5.0 3.15.2.1].
    void reason_and_properties() {
        if (!p_.reason_code && p_.properties.empty()) return;
        u8(p_.reason_code.value_or(0));
        if (!p_.properties.empty() || p_.type == PacketType::Auth) properties(p_.properties);
    }

    void codes() {
        for (std::uint8_t c : p_.reason_codes) u8(c);
    }

    const Packet& p_;
    bool v5_;
    std::string body_;
};

}  // namespace

std::string encode_packet(const Packet& packet, Version version) {
    return Encoder(packet, version).run();
}

}  // namespace mqscan::mqtt
