#pragma once
// Steps the scenarios share, paced like a student at a terminal.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "lab/scenario/lab_world.hpp"

namespace mqscan::lab {

// The time between two commands a student types.
inline constexpr net::Duration kStep = std::chrono::seconds(1);

mqtt::Subscription topic_filter(std::string filter, std::uint8_t qos);
// A 5.0 user property (MQTTX's "User Properties").
mqtt::Property user_property(std::string name, std::string value);

// A subscriber connects and subscribes to `topic`; a publisher connects and
// publishes each payload there at `qos`; the publisher disconnects, then the
// subscriber. One step between each command.
void publish_to_a_subscriber(LabWorld& world, const ClientSpec& subscriber, const ClientSpec& publisher,
                             const std::string& topic, std::uint8_t qos, const std::vector<std::string>& payloads);

// Connects, waits a step, subscribes to `filter` at `qos`, waits a step.
LinkId subscribed_client(LabWorld& world, const ClientSpec& spec, const std::string& filter, std::uint8_t qos);

}  // namespace mqscan::lab
