#include "analysis/connack_codes.hpp"

#include <array>
#include <utility>

namespace mqscan {
namespace {

// MQTT 3.1 and 3.1.1, section 3.2.2.3.
constexpr std::array<std::string_view, 6> kReturnCodes = {
    "connection accepted",
    "unacceptable protocol version",
    "identifier rejected",
    "server unavailable",
    "bad user name or password",
    "not authorized",
};

// MQTT 5.0, section 3.2.2.2.
constexpr std::array<std::pair<std::uint8_t, std::string_view>, 22> kReasonCodes = {{
    {0x00, "success"},
    {0x80, "unspecified error"},
    {0x81, "malformed packet"},
    {0x82, "protocol error"},
    {0x83, "implementation specific error"},
    {0x84, "unsupported protocol version"},
    {0x85, "client identifier not valid"},
    {0x86, "bad user name or password"},
    {0x87, "not authorized"},
    {0x88, "server unavailable"},
    {0x89, "server busy"},
    {0x8A, "banned"},
    {0x8C, "bad authentication method"},
    {0x90, "topic name invalid"},
    {0x95, "packet too large"},
    {0x97, "quota exceeded"},
    {0x99, "payload format invalid"},
    {0x9A, "retain not supported"},
    {0x9B, "QoS not supported"},
    {0x9C, "use another server"},
    {0x9D, "server moved"},
    {0x9F, "connection rate exceeded"},
}};

}  // namespace

std::string_view connack_meaning(mqtt::Version version, std::uint8_t code) {
    if (version != mqtt::Version::V5) return code < kReturnCodes.size() ? kReturnCodes[code] : "";
    for (const auto& [value, meaning] : kReasonCodes)
        if (value == code) return meaning;
    return "";
}

}  // namespace mqscan
