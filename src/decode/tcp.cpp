// TCP header: ports, sequence numbers, flags; the payload as far as it was captured.
#include <fmt/core.h>

#include "decode/packet_decoder.hpp"

namespace mqscan {

void decode_tcp(ByteReader reader, std::uint32_t segment_length, DecodeContext& ctx) {
    TcpSegment& segment = ctx.out.segment;
    auto fixed = reader.sub(20);
    if (!fixed)
        return ctx.ran_out(AnomalyId::TcpHeaderInvalid,
                           fmt::format("{} bytes, a header needs 20", reader.remaining()));
    segment.src.port = *fixed->u16be();
    segment.dst.port = *fixed->u16be();
    segment.seq = *fixed->u32be();
    segment.ack = *fixed->u32be();
    const std::size_t header_length = static_cast<std::size_t>(*fixed->u8() >> 4) * 4;
    segment.flags = *fixed->u8();
    segment.window = *fixed->u16be();
    if (header_length < 20 || header_length > segment_length)
        return ctx.invalid(AnomalyId::TcpHeaderInvalid,
                           fmt::format("data offset {} in a segment of {} bytes", header_length,
                                       segment_length));
    const std::uint32_t payload_length = segment_length - static_cast<std::uint32_t>(header_length);
    ctx.out.klass = PacketClass::Tcp;
    if (!reader.skip(header_length - 20)) {
        // Options cut by the snaplen: the whole payload is missing.
        segment.payload_missing = payload_length;
        return;
    }
    const std::size_t captured = std::min<std::size_t>(reader.remaining(), payload_length);
    segment.payload = *reader.bytes(captured);
    segment.payload_missing = payload_length - static_cast<std::uint32_t>(captured);
}

}  // namespace mqscan
