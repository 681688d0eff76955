// IPv4 and IPv6: validate the header, skip options and extension headers, find TCP.
#include <fmt/core.h>

#include "decode/packet_decoder.hpp"

namespace mqscan {
namespace {

constexpr std::uint8_t kProtocolTcp = 6;
constexpr std::size_t kIpv4MinHeader = 20;
constexpr std::size_t kIpv6Header = 40;
constexpr int kMaxExtensionHeaders = 16;

bool ipv4_checksum_ok(Bytes header) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < header.size(); i += 2)
        sum += static_cast<std::uint32_t>(header[i] << 8 | header[i + 1]);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

void read_address(ByteReader& reader, IpVersion version, IpAddress& out) {
    out.version = version;
    const std::size_t width = version == IpVersion::V4 ? 4 : 16;
    auto bytes = reader.bytes(width);
    for (std::size_t i = 0; i < width; ++i) out.bytes[i] = (*bytes)[i];
}

// Limits `payload` to the length the IP header claims. Bytes past it are link
// padding; bytes missing from it must have been cut by the snaplen.
std::optional<ByteReader> claimed_payload(ByteReader payload, std::size_t claimed,
                                          DecodeContext& ctx, AnomalyId invalid_id) {
    if (claimed <= payload.remaining()) return payload.sub(claimed);
    if (!ctx.frame_cut) {
        ctx.invalid(invalid_id, fmt::format("the header claims {} payload bytes, the frame holds {}",
                                            claimed, payload.remaining()));
        return std::nullopt;
    }
    return payload;
}

}  // namespace

void decode_ip(ByteReader reader, DecodeContext& ctx) {
    auto first = reader.peek_u8();
    if (!first) return ctx.ran_out(AnomalyId::Ipv4HeaderInvalid, "empty IP packet");
    if ((*first >> 4) == 6) return decode_ipv6(reader, ctx);
    decode_ipv4(reader, ctx);
}

void decode_ipv4(ByteReader reader, DecodeContext& ctx) {
    if (reader.remaining() < kIpv4MinHeader)
        return ctx.ran_out(AnomalyId::Ipv4HeaderInvalid,
                           fmt::format("{} bytes, a header needs 20", reader.remaining()));
    const std::uint8_t version_ihl = *reader.peek_u8();
    if ((version_ihl >> 4) != 4)
        return ctx.invalid(AnomalyId::Ipv4HeaderInvalid,
                           fmt::format("version {}", version_ihl >> 4));
    const std::size_t header_length = (version_ihl & 0x0fu) * 4;
    if (header_length < kIpv4MinHeader)
        return ctx.invalid(AnomalyId::Ipv4HeaderInvalid,
                           fmt::format("header length {}", header_length));
    auto header_bytes = reader.bytes(header_length);
    if (!header_bytes)
        return ctx.ran_out(AnomalyId::Ipv4HeaderInvalid, "options past the end of the frame");
    ByteReader header(*header_bytes);
    header.skip(2);
    std::size_t total_length = *header.u16be();
    header.skip(2);
    const std::uint16_t flags_fragment = *header.u16be();
    header.skip(1);
    const std::uint8_t protocol = *header.u8();
    header.skip(2);
    read_address(header, IpVersion::V4, ctx.out.segment.src.address);
    read_address(header, IpVersion::V4, ctx.out.segment.dst.address);

    if (!ipv4_checksum_ok(*header_bytes)) ctx.out.note(AnomalyId::Ipv4ChecksumBad);
    if (total_length == 0) {
        ctx.out.note(AnomalyId::Ipv4TotalLengthZero);
        total_length = header_length + reader.remaining();
    }
    if (total_length < header_length)
        return ctx.invalid(AnomalyId::Ipv4HeaderInvalid,
                           fmt::format("total length {} < header length {}", total_length,
                                       header_length));
    const bool more_fragments = (flags_fragment & 0x2000) != 0;
    const std::uint16_t fragment_offset = flags_fragment & 0x1fff;
    if (more_fragments || fragment_offset != 0) {
        ctx.out.klass = PacketClass::IpFragment;
        ctx.out.note(AnomalyId::Ipv4Fragment, fmt::format("offset {}", fragment_offset * 8));
        return;
    }
    if (protocol != kProtocolTcp) {
        ctx.out.klass = PacketClass::IpOther;
        return;
    }
    const std::size_t segment_length = total_length - header_length;
    auto payload = claimed_payload(reader, segment_length, ctx, AnomalyId::Ipv4HeaderInvalid);
    if (!payload) return;
    decode_tcp(*payload, static_cast<std::uint32_t>(segment_length), ctx);
}

void decode_ipv6(ByteReader reader, DecodeContext& ctx) {
    auto header_bytes = reader.bytes(kIpv6Header);
    if (!header_bytes)
        return ctx.ran_out(AnomalyId::Ipv6HeaderInvalid,
                           fmt::format("{} bytes, a header needs 40", reader.remaining()));
    ByteReader header(*header_bytes);
    const std::uint8_t version = *header.peek_u8() >> 4;
    if (version != 6)
        return ctx.invalid(AnomalyId::Ipv6HeaderInvalid, fmt::format("version {}", version));
    header.skip(4);
    std::size_t payload_length = *header.u16be();
    std::uint8_t next_header = *header.u8();
    header.skip(1);
    read_address(header, IpVersion::V6, ctx.out.segment.src.address);
    read_address(header, IpVersion::V6, ctx.out.segment.dst.address);
    if (payload_length == 0) {
        // A jumbogram or a segmentation-offload frame: trust the captured length.
        payload_length = reader.remaining();
    }
    auto payload = claimed_payload(reader, payload_length, ctx, AnomalyId::Ipv6HeaderInvalid);
    if (!payload) return;

    std::size_t consumed = 0;
    for (int count = 0; count < kMaxExtensionHeaders; ++count) {
        if (next_header == kProtocolTcp)
            return decode_tcp(*payload, static_cast<std::uint32_t>(payload_length - consumed), ctx);
        std::size_t extension_length = 0;
        switch (next_header) {
            case 0:    // hop-by-hop options
            case 43:   // routing
            case 60:   // destination options
            case 135:  // mobility
            case 139:  // HIP
            case 140:  // shim6
            case 253:
            case 254: {  // experimentation
                auto length = payload->peek_u8(1);
                if (!length) return ctx.ran_out(AnomalyId::Ipv6HeaderInvalid, "extension header");
                extension_length = (static_cast<std::size_t>(*length) + 1) * 8;
                break;
            }
            case 51: {  // authentication header counts in 4-byte units
                auto length = payload->peek_u8(1);
                if (!length) return ctx.ran_out(AnomalyId::Ipv6HeaderInvalid, "AH header");
                extension_length = (static_cast<std::size_t>(*length) + 2) * 4;
                break;
            }
            case 44: {  // fragment
                auto fragment = payload->sub(8);
                if (!fragment) return ctx.ran_out(AnomalyId::Ipv6HeaderInvalid, "fragment header");
                next_header = *fragment->u8();
                fragment->skip(1);
                const std::uint16_t offset_flags = *fragment->u16be();
                consumed += 8;
                if ((offset_flags & 0xfff9) != 0) {  // offset or more-fragments set
                    ctx.out.klass = PacketClass::IpFragment;
                    ctx.out.note(AnomalyId::Ipv6Fragment,
                                 fmt::format("offset {}", (offset_flags >> 3) * 8));
                    return;
                }
                continue;  // an atomic fragment is a whole packet
            }
            default:  // UDP, ICMPv6, ESP, no next header, ...
                ctx.out.klass = PacketClass::IpOther;
                return;
        }
        const std::uint8_t following = *payload->peek_u8();
        if (extension_length > payload_length - consumed)
            return ctx.invalid(AnomalyId::Ipv6HeaderInvalid, "extension header past the payload");
        if (!payload->skip(extension_length))
            return ctx.ran_out(AnomalyId::Ipv6HeaderInvalid, "extension header");
        consumed += extension_length;
        next_header = following;
    }
    ctx.invalid(AnomalyId::Ipv6HeaderInvalid, "too many extension headers");
}

}  // namespace mqscan
