#include "lab/scenario/scenario_recording.hpp"

#include <chrono>
#include <stdexcept>

namespace mqscan::lab {

std::unique_ptr<LabWorld> record_scenario(const Scenario& scenario, const RecordOptions& options) {
    if (options.tls && !scenario.default_tls)
        throw std::invalid_argument("scenario '" + std::string(scenario.name) + "' uses no TLS");

    net::NetworkOptions network;
    network.seed = options.seed;
    network.impairments = options.impairments;
    network.capture.snaplen = options.snaplen;
    network.capture.start_at = net::after(network.start, std::chrono::seconds(options.late_start));
    network.capture.client_to_server_only = options.one_direction;

    const auto crypto = CryptoLibrary::seeded(options.seed);
    auto world = std::make_unique<LabWorld>(network, crypto);
    const std::int64_t start_seconds = network.start.ns / 1'000'000'000;
    // A scenario without TLS opens no TLS listener: its version is never used.
    const TlsVersions tls = options.tls.value_or(scenario.default_tls.value_or(TlsVersions::Tls12Only));
    const LabSetting setting(options.student, tls, crypto, start_seconds);
    scenario.play(*world, setting);
    return world;
}

}  // namespace mqscan::lab
