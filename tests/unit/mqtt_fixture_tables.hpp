#pragma once
// The tables of annotated MQTT fixtures, one per test file, so that the
// coverage test can check that together they cover the specifications.

#include <vector>

#include "mqtt_fixture.hpp"

namespace mqscan::test {

const std::vector<Fixture>& v31_packet_fixtures();
const std::vector<Fixture>& v311_packet_fixtures();
const std::vector<Fixture>& v5_packet_fixtures();
const std::vector<Fixture>& property_fixtures();
const std::vector<Fixture>& malformed_packet_fixtures();
const std::vector<Fixture>& malformed_property_fixtures();
const std::vector<Fixture>& malformed_connection_fixtures();
const std::vector<Fixture>& remaining_length_fixtures();

}  // namespace mqscan::test
