#include "lab/net/prng.hpp"

namespace mqscan::lab::net {

std::uint64_t Prng::next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

std::uint64_t Prng::between(std::uint64_t low, std::uint64_t high) {
    const std::uint64_t range = high - low + 1;  // 0: all 2^64 values
    if (range == 0) return next();
    // Rejection keeps every value equally likely: 2^64 - threshold is a multiple of range.
    const std::uint64_t threshold = (0 - range) % range;
    std::uint64_t draw = next();
    while (draw < threshold) draw = next();
    return low + draw % range;
}

bool Prng::chance(double probability) {
    constexpr double kUnit = 1.0 / static_cast<double>(std::uint64_t{1} << 53);
    return static_cast<double>(next() >> 11) * kUnit < probability;
}

}  // namespace mqscan::lab::net
