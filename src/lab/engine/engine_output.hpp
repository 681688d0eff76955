#pragma once
// What the sans-I/O engines ask of their driver, in the order they ask it.

#include <cstdint>
#include <string>

#include "mqscan/timestamp.hpp"

namespace mqscan::lab {

// A connection as the I/O layer names it to the broker.
using ConnectionId = std::uint64_t;

struct Action {
    enum class Kind : std::uint8_t {
        Send,   // write `bytes` (one whole MQTT packet) to the connection
        Close,  // close the connection, after what was sent before
    };
    Kind kind = Kind::Send;
    ConnectionId connection = 0;  // 0 for a client engine's own connection
    std::string bytes;

    bool operator==(const Action&) const = default;
};

// One line of the broker's log, worded as `mosquitto -v` words it.
struct LogLine {
    Timestamp time;
    std::string message;

    // "SECONDS: message", as mosquitto stamps a line by default (src/logging.c).
    [[nodiscard]] std::string text() const;
};

}  // namespace mqscan::lab
