#pragma once
// What `mqscan lab sub` prints for a message, as mosquitto_sub prints it.

#include <cstdio>
#include <string>

#include "lab/engine/message.hpp"

namespace mqscan::lab::real {

// mosquitto_sub's line for a message: its payload, or with -v "topic payload".
std::string subscriber_line(const Message& message, bool with_topic);

// The line and a newline, flushed at once (a reader sees each message as it
// comes); false when `out` did not take it (a closed pipe, a full disk).
[[nodiscard]] bool write_subscriber_line(std::FILE* out, const Message& message, bool with_topic);

}  // namespace mqscan::lab::real
