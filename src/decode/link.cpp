// Link layers: strip the link header, find the network protocol, hand over to IP.
#include <fmt/core.h>

#include "decode/packet_decoder.hpp"

namespace mqscan {
namespace {

constexpr std::uint16_t kEthertypeIpv4 = 0x0800;
constexpr std::uint16_t kEthertypeIpv6 = 0x86dd;
constexpr int kMaxVlanTags = 8;
constexpr std::uint32_t kFamilyIpv4 = 2;
// AF_INET6 differs between BSDs: NetBSD/OpenBSD 24, FreeBSD 28, macOS 30; Linux 10.
constexpr std::uint32_t kFamiliesIpv6[] = {10, 24, 28, 30};

bool is_vlan_tag(std::uint16_t ethertype) {
    return ethertype == 0x8100 || ethertype == 0x88a8 || ethertype == 0x9100 ||
           ethertype == 0x9200;
}

void decode_ethertype(std::uint16_t ethertype, ByteReader reader, DecodeContext& ctx) {
    for (int tags = 0; is_vlan_tag(ethertype); ++tags) {
        if (tags == kMaxVlanTags) {
            ctx.out.klass = PacketClass::NonIp;
            return;
        }
        auto tci = reader.u16be();
        auto inner = reader.u16be();
        if (!tci || !inner) {
            ctx.ran_out(AnomalyId::LinkHeaderTruncated, "VLAN tag");
            return;
        }
        ethertype = *inner;
    }
    if (ethertype == kEthertypeIpv4) {
        decode_ipv4(reader, ctx);
    } else if (ethertype == kEthertypeIpv6) {
        decode_ipv6(reader, ctx);
    } else {
        ctx.out.klass = PacketClass::NonIp;
    }
}

void decode_family(std::uint32_t family, ByteReader reader, DecodeContext& ctx) {
    if (family == kFamilyIpv4) return decode_ipv4(reader, ctx);
    for (std::uint32_t ipv6 : kFamiliesIpv6)
        if (family == ipv6) return decode_ipv6(reader, ctx);
    ctx.out.klass = PacketClass::NonIp;
}

// Skips `header_length` bytes after reading the 16-bit protocol at `protocol_offset`.
void decode_cooked(ByteReader reader, std::size_t header_length, std::size_t protocol_offset,
                   DecodeContext& ctx, const char* name) {
    auto header = reader.sub(header_length);
    if (!header) return ctx.ran_out(AnomalyId::LinkHeaderTruncated, name);
    header->skip(protocol_offset);
    decode_ethertype(*header->u16be(), reader, ctx);
}

}  // namespace

bool is_supported_link_type(int dlt) {
    switch (static_cast<LinkType>(dlt)) {
        case LinkType::Null:
        case LinkType::Ethernet:
        case LinkType::Raw:
        case LinkType::RawOpenBsd:
        case LinkType::Loop:
        case LinkType::LinuxSll:
        case LinkType::Ipv4:
        case LinkType::Ipv6:
        case LinkType::LinuxSll2:
            return true;
    }
    return false;
}

void decode_packet(LinkType link, const RawFrame& frame, DecodedPacket& out) {
    out.klass = PacketClass::Malformed;
    out.notes.clear();
    out.segment = TcpSegment{};
    DecodeContext ctx{out, frame.original_length > frame.data.size()};
    ByteReader reader(frame.data);
    switch (link) {
        case LinkType::Ethernet: {
            if (!reader.skip(12)) return ctx.ran_out(AnomalyId::LinkHeaderTruncated, "Ethernet");
            auto ethertype = reader.u16be();
            if (!ethertype) return ctx.ran_out(AnomalyId::LinkHeaderTruncated, "Ethernet");
            return decode_ethertype(*ethertype, reader, ctx);
        }
        case LinkType::LinuxSll:
            return decode_cooked(reader, 16, 14, ctx, "Linux cooked v1");
        case LinkType::LinuxSll2:
            return decode_cooked(reader, 20, 0, ctx, "Linux cooked v2");
        case LinkType::Null: {
            auto family = reader.u32le();
            if (!family) return ctx.ran_out(AnomalyId::LinkHeaderTruncated, "BSD loopback");
            // Written in the capturing host's byte order: a big-endian writer puts it high.
            const std::uint32_t value = (*family & 0xffff0000u) != 0 ? byte_swap32(*family) : *family;
            return decode_family(value, reader, ctx);
        }
        case LinkType::Loop: {
            auto family = reader.u32be();
            if (!family) return ctx.ran_out(AnomalyId::LinkHeaderTruncated, "OpenBSD loopback");
            return decode_family(*family, reader, ctx);
        }
        case LinkType::Raw:
        case LinkType::RawOpenBsd:
            return decode_ip(reader, ctx);
        case LinkType::Ipv4:
            return decode_ipv4(reader, ctx);
        case LinkType::Ipv6:
            return decode_ipv6(reader, ctx);
    }
    // analyze() refuses other link types before any frame is decoded.
    out.klass = PacketClass::Malformed;
}

}  // namespace mqscan
