#pragma once
// A canonical one-line rendering of an mqtt::Packet, so that a failed
// comparison shows which field differs. Only fields that differ from a
// default Packet are written; long strings are cut, with their length.

#include <catch2/catch.hpp>

#include <fmt/core.h>

#include <string>
#include <vector>

#include "mqscan/mqtt.hpp"

namespace mqscan::test {

inline std::string escaped(const std::string& s) {
    constexpr std::size_t kShown = 48;
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size() && i < kShown; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        const bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        out += plain ? std::string(1, static_cast<char>(c)) : fmt::format("\\x{:02x}", c);
    }
    out += "\"";
    if (s.size() > kShown) out += "...(" + std::to_string(s.size()) + " bytes)";
    return out;
}

inline std::string render(const mqtt::Property& p) {
    std::string out = "{" + std::to_string(p.id) + " ";
    switch (p.kind) {
        case mqtt::PropertyKind::Byte:
        case mqtt::PropertyKind::TwoByte:
        case mqtt::PropertyKind::FourByte:
        case mqtt::PropertyKind::VarInt: out += std::to_string(p.number); break;
        case mqtt::PropertyKind::Utf8:
        case mqtt::PropertyKind::Binary: out += escaped(p.text); break;
        case mqtt::PropertyKind::Utf8Pair: out += escaped(p.text) + "=" + escaped(p.value); break;
    }
    // The kind is part of the value: a mismatch there must show too.
    return out + " kind=" + std::to_string(static_cast<int>(p.kind)) + "}";
}

inline std::string render(const std::vector<mqtt::Property>& properties) {
    std::string out = "[";
    for (const mqtt::Property& p : properties) out += render(p);
    return out + "]";
}

inline std::string render(const mqtt::Packet& p) {
    const mqtt::Packet none;
    std::string out = std::string(to_string(p.type)) + " flags=" + std::to_string(p.flags) +
                      " rl=" + std::to_string(p.remaining_length);
    const auto field = [&out](bool set, const std::string& name, const std::string& value) {
        if (set) out += " " + name + "=" + value;
    };
    field(p.dup, "dup", "1");
    field(p.qos != 0, "qos", std::to_string(p.qos));
    field(p.retain, "retain", "1");
    field(p.packet_id.has_value(), "id", std::to_string(p.packet_id.value_or(0)));
    field(!p.properties.empty(), "props", render(p.properties));
    field(p.protocol_name != none.protocol_name, "name", escaped(p.protocol_name));
    field(p.protocol_level != 0, "level", std::to_string(p.protocol_level));
    field(p.connect_flags != 0, "connect_flags", std::to_string(p.connect_flags));
    field(p.keepalive != 0, "keepalive", std::to_string(p.keepalive));
    field(!p.client_id.empty(), "client_id", escaped(p.client_id));
    if (p.will) {
        out += " will={qos=" + std::to_string(p.will->qos) + " retain=" + std::to_string(p.will->retain) +
               " props=" + render(p.will->properties) + " topic=" + escaped(p.will->topic) +
               " payload=" + escaped(p.will->payload) + "}";
    }
    field(p.username.has_value(), "user", escaped(p.username.value_or("")));
    field(p.password.has_value(), "password", escaped(p.password.value_or("")));
    field(p.session_present, "session_present", "1");
    field(p.reason_code.has_value(), "reason", std::to_string(p.reason_code.value_or(0)));
    field(!p.topic.empty(), "topic", escaped(p.topic));
    field(p.alias_topic.has_value(), "alias_topic", escaped(p.alias_topic.value_or("")));
    field(!p.payload.empty(), "payload", escaped(p.payload));
    field(p.payload_length != 0, "payload_length", std::to_string(p.payload_length));
    for (const mqtt::Subscription& s : p.subscriptions) {
        out += " sub={" + escaped(s.filter) + " qos=" + std::to_string(s.qos) + " nl=" +
               std::to_string(s.no_local) + " rap=" + std::to_string(s.retain_as_published) +
               " rh=" + std::to_string(s.retain_handling) + " options=" + std::to_string(s.options) + "}";
    }
    for (const std::string& f : p.unsubscribe_filters) out += " unsub=" + escaped(f);
    if (!p.reason_codes.empty()) {
        out += " codes=[";
        for (std::uint8_t c : p.reason_codes) out += " " + std::to_string(c);
        out += " ]";
    }
    return out;
}

}  // namespace mqscan::test

namespace Catch {
template <>
struct StringMaker<mqscan::mqtt::Packet> {
    static std::string convert(const mqscan::mqtt::Packet& p) { return mqscan::test::render(p); }
};
}  // namespace Catch
