#pragma once
// Puts a TCP segment in an Ethernet II frame over IPv4 or IPv6, with every
// length and checksum right, as a Linux host on a LAN would send it.

#include <array>
#include <cstdint>
#include <vector>

#include "lab/net/tcp_segment.hpp"
#include "mqscan/endpoint.hpp"

namespace mqscan::lab::net {

inline constexpr int kLinkTypeEthernet = 1;  // libpcap's DLT_EN10MB
inline constexpr std::size_t kEthernetHeaderLength = 14;

// IPv4 without options, IPv6 without extension headers.
[[nodiscard]] std::size_t ip_header_length(IpVersion version);

// A host's MAC address: unicast with the locally administered bit set (02:00,
// RFC 7042 §2.1), then the last 4 bytes of its IP address, so each host keeps one.
[[nodiscard]] std::array<std::uint8_t, 6> mac_address(const IpAddress& address);

// The frame of `segment` from `source` to `destination` (same IP version).
// IPv4: identification `ip_id`, DF set, TTL 64, header checksum (RFC 791).
// IPv6: traffic class and flow label 0, hop limit 64 (RFC 8200); `ip_id` unused.
// The TCP checksum covers the pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1).
std::vector<std::uint8_t> build_frame(const Endpoint& source, const Endpoint& destination,
                                      std::uint16_t ip_id, const Segment& segment);

}  // namespace mqscan::lab::net
