#pragma once
// What the embedded client tells its driver, in the order it happened.

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "lab/engine/message.hpp"
#include "mqscan/mqtt.hpp"

namespace mqscan::lab {

// A CONNACK: `code` 0 is accepted; anything else is a refusal, and a
// Disconnected follows.
struct Connected {
    bool session_present = false;
    std::uint8_t code = 0;
    std::vector<mqtt::Property> properties;
};

struct Subscribed {
    std::uint16_t packet_id = 0;
    std::vector<std::uint8_t> codes;  // granted QoS or failure, per filter
};

struct Unsubscribed {
    std::uint16_t packet_id = 0;
    std::vector<std::uint8_t> codes;  // 5.0 only
};

// A message for the application: at QoS 0 and 1 when its PUBLISH arrives, at
// QoS 2 when its PUBREL does, as libmosquitto and paho hand it over. Its
// properties are the PUBLISH's, as received. `dup` is the DUP flag of a QoS 0
// or 1 PUBLISH (false at QoS 2).
struct MessageReceived {
    Message message;
    bool dup = false;
    std::optional<std::uint16_t> packet_id;
};

// A QoS 1 or 2 PUBLISH of ours is done: acknowledged, or refused by a 5.0 reason code.
struct Published {
    std::uint16_t packet_id = 0;
    std::uint8_t reason = 0;
};

struct PingAnswered {};

enum class DisconnectCause : std::uint8_t {
    Requested,         // disconnect() was called
    Refused,           // the CONNACK refused the connection
    ServerDisconnect,  // the broker sent a 5.0 DISCONNECT
    KeepaliveTimeout,  // no PINGRESP (or CONNACK) in time
    ProtocolError,     // the broker sent something malformed or not allowed
    PeerClosed,        // the connection closed under it
};

struct Disconnected {
    DisconnectCause cause = DisconnectCause::Requested;
    std::optional<std::uint8_t> reason;  // the code of a refusal or a DISCONNECT
};

using ClientEvent =
    std::variant<Connected, Subscribed, Unsubscribed, MessageReceived, Published, PingAnswered, Disconnected>;

}  // namespace mqscan::lab
