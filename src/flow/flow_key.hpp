#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
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
        // Whole words through a multiply-xorshift mixer: hashing byte by byte
        // showed in profiles, as every packet looks its connection up.
        std::uint64_t hash = 0x9e3779b97f4a7c15ull;
        for (const Endpoint* e : {&key.low, &key.high}) {
            std::uint64_t words[2];
            std::memcpy(words, e->address.bytes.data(), sizeof words);
            hash = mix(hash ^ words[0]);
            hash = mix(hash ^ words[1]);
            hash = mix(hash ^ e->port);
        }
        return static_cast<std::size_t>(hash);
    }

private:
    static std::uint64_t mix(std::uint64_t x) {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdull;
        return x ^ (x >> 33);
    }
};

}  // namespace mqscan
