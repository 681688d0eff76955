#pragma once

#include "decode/decoded_packet.hpp"
#include "decode/link_type.hpp"
#include "mqscan/frame.hpp"

namespace mqscan {

// Decodes link, IP and TCP headers of one frame. Never reads outside the frame.
void decode_packet(LinkType link, const RawFrame& frame, DecodedPacket& out);

// The layers, exposed for unit tests. Each reads from `reader` and fills ctx.out.
void decode_ip(ByteReader reader, DecodeContext& ctx);           // version from the first nibble
void decode_ipv4(ByteReader reader, DecodeContext& ctx);
void decode_ipv6(ByteReader reader, DecodeContext& ctx);
// `segment_length` is the TCP header + payload length that the IP header claims.
void decode_tcp(ByteReader reader, std::uint32_t segment_length, DecodeContext& ctx);

}  // namespace mqscan
