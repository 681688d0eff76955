#include <array>

#include "mqscan/mqtt.hpp"

namespace mqscan::mqtt {

std::string_view to_string(Version v) {
    switch (v) {
        case Version::V31: return "3.1";
        case Version::V311: return "3.1.1";
        case Version::V5: return "5.0";
        case Version::Unknown: break;
    }
    return "unknown";
}

std::string_view to_string(PacketType t) {
    static constexpr std::array<std::string_view, 16> names = {
        "RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
        "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT",
        "AUTH"};
    return names[static_cast<std::size_t>(t) & 0x0f];
}

}  // namespace mqscan::mqtt
