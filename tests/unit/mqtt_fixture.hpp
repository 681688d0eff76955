#pragma once
// An annotated byte fixture of one MQTT control packet and what the spec says
// it decodes to. check_fixture() puts every fixture through the same law:
// fed as a stream (after a CONNECT of its version, with a good packet after
// it), it gives the expected event and anomalies; fed whole, 1, 2, 3 and 7
// bytes at a time, or split in two at any offset, it gives the same events.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqscan/anomaly.hpp"
#include "mqscan/connection.hpp"
#include "mqscan/mqtt.hpp"

// Fixture tables use designated initializers that name only the fields a
// packet sets; GCC 12 warns about the others (GCC bug 96868), whose defaults
// are meant.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace mqscan::test {

struct Fixture {
    std::string name;
    mqtt::Version version;  // the connection's version, as its events report it
    Direction dir;          // requests to_server, responses to_client
    std::vector<std::uint8_t> bytes;
    std::optional<mqtt::Packet> expected;  // none: the packet is skipped, not decoded
    std::vector<AnomalyId> anomalies = {};
    bool malformed = false;
    bool after_connect = true;  // a CONNECT announcing `version` is sent to_server first
    bool followed = true;       // false only where nothing can follow (a packet cut by the end)
    std::uint32_t body_filler = 0;  // zero bytes that end the packet, after `bytes`
    std::optional<std::uint32_t> max_packet;  // MqttSettings::max_packet, if not the default
};

void check_fixture(const Fixture& fixture);

// Property values, one builder per encoding of the spec's table [MQTT-2.2.2.2].
mqtt::Property byte_property(std::uint8_t id, std::uint8_t value);
mqtt::Property two_byte_property(std::uint8_t id, std::uint16_t value);
mqtt::Property four_byte_property(std::uint8_t id, std::uint32_t value);
mqtt::Property varint_property(std::uint8_t id, std::uint32_t value);
mqtt::Property utf8_property(std::uint8_t id, std::string value);
mqtt::Property binary_property(std::uint8_t id, std::string value);
mqtt::Property user_property(std::string name, std::string value);

}  // namespace mqscan::test
