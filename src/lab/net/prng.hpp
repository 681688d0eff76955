#pragma once
// The simulated network's only source of randomness: SplitMix64 (Steele, Lea
// and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).
// Its numbers depend on the seed alone, on every platform and library version,
// which std::random_device and the std::uniform_*_distribution adaptors do not promise.

#include <cstdint>

namespace mqscan::lab::net {

class Prng {
public:
    explicit Prng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next();
    std::uint32_t next_u32() { return static_cast<std::uint32_t>(next() >> 32); }
    // Uniform in [low, high]; low <= high.
    std::uint64_t between(std::uint64_t low, std::uint64_t high);
    // True with `probability` (0: never, 1: always).
    bool chance(double probability);
    // A generator of its own, seeded from this one: one per purpose, so that
    // drawing more numbers for one purpose shifts no other's.
    Prng fork() { return Prng(next()); }

private:
    std::uint64_t state_;
};

}  // namespace mqscan::lab::net
