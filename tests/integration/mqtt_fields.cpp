#include "mqtt_fields.hpp"

#include <fmt/format.h>

#include "stream_digest.hpp"

void MqttFields::add_bytes(std::string name, std::string_view bytes) {
    fields.push_back({std::move(name), printable_bytes(bytes)});
}

std::string printable_bytes(std::string_view bytes) {
    std::string text;
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\') {
            text += "\\\\";
        } else if (byte >= 0x20 && byte < 0x7f) {
            text += c;
        } else {
            text += fmt::format("\\x{:02x}", byte);
        }
    }
    return text;
}

std::ostream& operator<<(std::ostream& out, const MqttFields& packet) {
    out << "frame " << packet.frame << ":";
    for (const MqttField& field : packet.fields)
        out << ' ' << field.name << '=' << shortened(field.value);
    return out << (packet.malformed ? " (malformed)" : "");
}

std::ostream& operator<<(std::ostream& out, const PacketPlace& place) {
    return out << "tcp.stream " << place.stream << " frame " << place.frame;
}
