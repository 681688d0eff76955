#include "mqscan/endpoint.hpp"

#include <arpa/inet.h>

#include <fmt/core.h>

namespace mqscan {

std::string IpAddress::to_string() const {
    char text[INET6_ADDRSTRLEN] = {0};
    const int family = version == IpVersion::V4 ? AF_INET : AF_INET6;
    inet_ntop(family, bytes.data(), text, sizeof text);
    return text;
}

std::string Endpoint::to_string() const {
    if (address.version == IpVersion::V6) return fmt::format("[{}]:{}", address.to_string(), port);
    return fmt::format("{}:{}", address.to_string(), port);
}

}  // namespace mqscan
