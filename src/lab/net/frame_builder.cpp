#include "lab/net/frame_builder.hpp"

#include "lab/net/internet_checksum.hpp"
#include "lab/net/wire_bytes.hpp"

namespace mqscan::lab::net {
namespace {

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr std::uint8_t kProtocolTcp = 6;
constexpr std::uint8_t kHopLimit = 64;  // Linux's default TTL and hop limit
constexpr std::uint16_t kDontFragment = 0x4000;
constexpr std::size_t kIpv4ChecksumOffset = 10;
constexpr std::size_t kTcpChecksumOffset = 16;

Bytes address_bytes(const IpAddress& address) {
    return Bytes(address.bytes).first(address.version == IpVersion::V4 ? 4 : 16);
}

void append_ethernet(std::vector<std::uint8_t>& out, const IpAddress& source,
                     const IpAddress& destination) {
    append_bytes(out, mac_address(destination));
    append_bytes(out, mac_address(source));
    append_u16(out, source.version == IpVersion::V4 ? kEtherTypeIpv4 : kEtherTypeIpv6);
}

void append_ipv4(std::vector<std::uint8_t>& out, const IpAddress& source,
                 const IpAddress& destination, std::uint16_t ip_id, std::size_t tcp_length) {
    const std::size_t start = out.size();
    append_u8(out, 0x45);  // version 4, header of 5 words
    append_u8(out, 0);     // DSCP, ECN
    append_u16(out, static_cast<std::uint16_t>(ip_header_length(IpVersion::V4) + tcp_length));
    append_u16(out, ip_id);
    append_u16(out, kDontFragment);
    append_u8(out, kHopLimit);
    append_u8(out, kProtocolTcp);
    append_u16(out, 0);  // checksum, computed below
    append_bytes(out, address_bytes(source));
    append_bytes(out, address_bytes(destination));
    InternetChecksum checksum;
    checksum.add(Bytes(out).subspan(start));
    store_u16(out, start + kIpv4ChecksumOffset, checksum.value());
}

void append_ipv6(std::vector<std::uint8_t>& out, const IpAddress& source,
                 const IpAddress& destination, std::size_t tcp_length) {
    append_u32(out, 0x60000000);  // version 6, traffic class 0, flow label 0
    append_u16(out, static_cast<std::uint16_t>(tcp_length));
    append_u8(out, kProtocolTcp);
    append_u8(out, kHopLimit);
    append_bytes(out, address_bytes(source));
    append_bytes(out, address_bytes(destination));
}

// RFC 9293 §3.1 (IPv4) and RFC 8200 §8.1 (IPv6): addresses, protocol, TCP length.
void add_pseudo_header(InternetChecksum& checksum, const IpAddress& source,
                       const IpAddress& destination, std::size_t tcp_length) {
    checksum.add(address_bytes(source));
    checksum.add(address_bytes(destination));
    std::vector<std::uint8_t> rest;
    if (source.version == IpVersion::V4) {
        append_u8(rest, 0);
        append_u8(rest, kProtocolTcp);
        append_u16(rest, static_cast<std::uint16_t>(tcp_length));
    } else {
        append_u32(rest, static_cast<std::uint32_t>(tcp_length));
        append_u32(rest, kProtocolTcp);
    }
    checksum.add(rest);
}

}  // namespace

std::size_t ip_header_length(IpVersion version) { return version == IpVersion::V4 ? 20 : 40; }

std::array<std::uint8_t, 6> mac_address(const IpAddress& address) {
    const Bytes ip = address_bytes(address);
    const Bytes tail = ip.last(4);
    return {0x02, 0x00, tail[0], tail[1], tail[2], tail[3]};
}

std::vector<std::uint8_t> build_frame(const Endpoint& source, const Endpoint& destination,
                                      std::uint16_t ip_id, const Segment& segment) {
    const std::vector<std::uint8_t> options = encode_tcp_options(segment.options);
    const std::size_t tcp_length = kTcpHeaderLength + options.size() + segment.payload.size();
    const IpVersion version = source.address.version;

    std::vector<std::uint8_t> out;
    out.reserve(kEthernetHeaderLength + ip_header_length(version) + tcp_length);
    append_ethernet(out, source.address, destination.address);
    if (version == IpVersion::V4)
        append_ipv4(out, source.address, destination.address, ip_id, tcp_length);
    else
        append_ipv6(out, source.address, destination.address, tcp_length);

    const std::size_t tcp_start = out.size();
    append_u16(out, source.port);
    append_u16(out, destination.port);
    append_u32(out, segment.seq);
    append_u32(out, segment.ack);
    append_u8(out, static_cast<std::uint8_t>((kTcpHeaderLength + options.size()) / 4 << 4));
    append_u8(out, segment.flags);
    append_u16(out, segment.window);
    append_u16(out, 0);  // checksum, computed below
    append_u16(out, 0);  // urgent pointer
    append_bytes(out, options);
    append_bytes(out, segment.payload);

    InternetChecksum checksum;
    add_pseudo_header(checksum, source.address, destination.address, tcp_length);
    checksum.add(Bytes(out).subspan(tcp_start));
    store_u16(out, tcp_start + kTcpChecksumOffset, checksum.value());
    return out;
}

}  // namespace mqscan::lab::net
