#pragma once
// MQTT control packets as mqscan reports them: 3.1, 3.1.1 and 5.0.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqscan::mqtt {

// The protocol level byte of CONNECT.
enum class Version : std::uint8_t { Unknown = 0, V31 = 3, V311 = 4, V5 = 5 };

enum class PacketType : std::uint8_t {
    Reserved = 0,
    Connect = 1,
    Connack = 2,
    Publish = 3,
    Puback = 4,
    Pubrec = 5,
    Pubrel = 6,
    Pubcomp = 7,
    Subscribe = 8,
    Suback = 9,
    Unsubscribe = 10,
    Unsuback = 11,
    Pingreq = 12,
    Pingresp = 13,
    Disconnect = 14,
    Auth = 15,
};

[[nodiscard]] std::string_view to_string(Version v);       // "3.1", "3.1.1", "5.0", "unknown"
[[nodiscard]] std::string_view to_string(PacketType t);    // "CONNECT", ... (the spec's names)

// How a property's value is encoded [MQTT-2.2.2.2].
enum class PropertyKind : std::uint8_t { Byte, TwoByte, FourByte, VarInt, Utf8, Binary, Utf8Pair };

// A 5.0 property. Numbers in `number`; strings and binary data in `text`
// (binary as raw bytes); a user property's name in `text` and value in `value`.
struct Property {
    std::uint8_t id = 0;
    PropertyKind kind = PropertyKind::Byte;
    std::uint32_t number = 0;
    std::string text;
    std::string value;

    bool operator==(const Property&) const = default;
};

struct Will {
    std::uint8_t qos = 0;
    bool retain = false;
    std::vector<Property> properties;
    std::string topic;
    std::string payload;

    bool operator==(const Will&) const = default;
};

// One topic filter of a SUBSCRIBE, with its options byte split out.
struct Subscription {
    std::string filter;
    std::uint8_t qos = 0;
    bool no_local = false;             // 5.0
    bool retain_as_published = false;  // 5.0
    std::uint8_t retain_handling = 0;  // 5.0
    std::uint8_t options = 0;          // the raw byte

    bool operator==(const Subscription&) const = default;
};

// One control packet. Only the fields of its type are set.
struct Packet {
    PacketType type = PacketType::Reserved;
    std::uint8_t flags = 0;                // the fixed header's low nibble
    std::uint32_t remaining_length = 0;

    // PUBLISH fixed-header flags
    bool dup = false;
    std::uint8_t qos = 0;
    bool retain = false;

    std::optional<std::uint16_t> packet_id;
    std::vector<Property> properties;

    // CONNECT
    std::string protocol_name;
    std::uint8_t protocol_level = 0;
    std::uint8_t connect_flags = 0;
    std::uint16_t keepalive = 0;
    std::string client_id;
    std::optional<Will> will;
    std::optional<std::string> username;
    std::optional<std::string> password;

    // CONNACK
    bool session_present = false;

    // CONNACK return code (3.x) or reason code (5.0); the acks', DISCONNECT's
    // and AUTH's reason code when present.
    std::optional<std::uint8_t> reason_code;

    // PUBLISH
    std::string topic;
    std::optional<std::string> alias_topic;  // an empty topic resolved through its alias
    std::string payload;                    // the first bytes, up to the payload cap
    std::uint32_t payload_length = 0;       // always exact

    // SUBSCRIBE / UNSUBSCRIBE
    std::vector<Subscription> subscriptions;
    std::vector<std::string> unsubscribe_filters;
    // SUBACK / UNSUBACK (5.0) codes, one per filter
    std::vector<std::uint8_t> reason_codes;

    bool operator==(const Packet&) const = default;

    [[nodiscard]] bool clean_session() const { return (connect_flags & 0x02) != 0; }
    // The topic a subscriber sees: the topic, or the one its alias stands for.
    [[nodiscard]] const std::string& effective_topic() const {
        return alias_topic ? *alias_topic : topic;
    }
};

struct MqttSettings {
    std::vector<std::uint16_t> ports{1883};    // MQTT is expected on these server ports
    Version default_version = Version::V311;  // for a connection whose CONNECT was not captured
    std::uint32_t max_packet = 1024 * 1024;   // larger packets are reported and skipped
    std::size_t payload_cap = 1024;           // payload bytes kept per PUBLISH
    std::size_t max_topic_aliases = 1024;     // aliases remembered per direction
    std::size_t max_packets_listed = 10'000;  // packets listed in a report, over all connections
};

}  // namespace mqscan::mqtt
