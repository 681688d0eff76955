#include "tls/probe.hpp"

#include "tls/record_framer.hpp"

namespace mqscan::tls {

ProbeResult probe_record(Bytes first_bytes) {
    ByteReader reader(first_bytes);
    // Each header byte is judged as soon as it comes, so garbage is told early.
    const auto type = reader.u8();
    if (!type) return ProbeResult::NeedMore;
    if ((*type & 0x80) != 0) {
        // SSL 2.0: the length's second byte, then CLIENT-HELLO (1).
        const auto message_type = reader.peek_u8(1);
        if (message_type && *message_type != 1) return ProbeResult::No;
    } else {
        const auto major = reader.peek_u8();
        if (!valid_content_type(*type) || (major && *major != 3)) return ProbeResult::No;
    }
    const auto header = RecordFramer::read_header(first_bytes, true);
    if (!header) return ProbeResult::NeedMore;
    if (header->sslv2) return ProbeResult::Yes;
    // An empty record, or one longer than any version allows, is no first record.
    const bool plausible = valid_content_type(header->type) && valid_record_version(header->version) &&
                           header->length > 0 && header->length <= kMaxRecordLength;
    return plausible ? ProbeResult::Yes : ProbeResult::No;
}

}  // namespace mqscan::tls
