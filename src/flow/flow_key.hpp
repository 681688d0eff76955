#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "mqscan/endpoint.hpp"

namespace mqscan {

// A TCP connection's addresses and ports, the same whichever direction a packet goes.
struct FlowKey {
    Endpoint low;
    Endpoint high;

    static FlowKey of(const Endpoint& a, const Endpoint& b) {
        return a < b ? FlowKey{a, b} : FlowKey{b, a};
    }
    bool operator==(const FlowKey&) const = default;
};

struct FlowKeyHash {
    std::size_t operator()(const FlowKey& key) const {
        // FNV-1a over the bytes that make the key.
        std::uint64_t hash = 1469598103934665603ull;
        auto mix = [&hash](std::uint8_t byte) {
            hash ^= byte;
            hash *= 1099511628211ull;
        };
        for (const Endpoint* e : {&key.low, &key.high}) {
            const std::size_t width = e->address.version == IpVersion::V4 ? 4 : 16;
            for (std::size_t i = 0; i < width; ++i) mix(e->address.bytes[i]);
            mix(static_cast<std::uint8_t>(e->port >> 8));
            mix(static_cast<std::uint8_t>(e->port));
        }
        return static_cast<std::size_t>(hash);
    }
};

}  // namespace mqscan
