#pragma once
// Plays a scenario on a fresh simulated network: what `mqscan lab record` does.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "lab/scenario/lab_world.hpp"
#include "lab/scenario/scenario.hpp"

namespace mqscan::lab {

struct RecordOptions {
    std::string student = "Alice Martin";
    // The TLS version the broker allows; unset: the scenario's own.
    std::optional<TlsVersions> tls;
    // Everything random comes from it: TCP, TLS, keys and certificates.
    std::uint64_t seed = 1;
    net::Impairments impairments;
    std::uint32_t snaplen = 262144;
    // Virtual seconds after the start before the capture starts.
    std::uint32_t late_start = 0;
    bool one_direction = false;  // only what the clients send
};

// The world after the scenario, its capture and key log ready to write.
// std::invalid_argument for options the scenario or the network cannot take
// (a TLS version for a scenario without TLS, impairments that are not probabilities).
std::unique_ptr<LabWorld> record_scenario(const Scenario& scenario, const RecordOptions& options);

}  // namespace mqscan::lab
