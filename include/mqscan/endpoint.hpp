#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>

namespace mqscan {

enum class IpVersion : std::uint8_t { V4 = 4, V6 = 6 };

// An IPv4 address is kept in the first 4 bytes, the rest zero.
struct IpAddress {
    IpVersion version = IpVersion::V4;
    std::array<std::uint8_t, 16> bytes{};

    auto operator<=>(const IpAddress&) const = default;
    [[nodiscard]] std::string to_string() const;
};

struct Endpoint {
    IpAddress address;
    std::uint16_t port = 0;

    auto operator<=>(const Endpoint&) const = default;
    // "192.0.2.1:1883" or "[::1]:1883".
    [[nodiscard]] std::string to_string() const;
};

}  // namespace mqscan
