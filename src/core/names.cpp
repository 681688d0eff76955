// The names reports use for enumerations; part of the output format.
#include <array>

#include "mqscan/connection.hpp"
#include "mqscan/counters.hpp"

namespace mqscan {

std::string_view to_string(PacketClass value) {
    static constexpr std::array names = {
#define X(name, text) std::string_view(text),
        MQSCAN_PACKET_COUNTERS(X)
#undef X
    };
    return names[static_cast<std::size_t>(value)];
}

std::string_view to_string(SegmentStatus value) {
    static constexpr std::array names = {
#define X(name, text) std::string_view(text),
        MQSCAN_SEGMENT_COUNTERS(X)
#undef X
    };
    return names[static_cast<std::size_t>(value)];
}

std::string_view to_string(Direction d) {
    return d == Direction::ToServer ? "to_server" : "to_client";
}

std::string_view to_string(RoleSource s) {
    switch (s) {
        case RoleSource::Syn: return "syn";
        case RoleSource::SynAck: return "syn_ack";
        case RoleSource::Port: return "port";
    }
    return "unknown";
}

std::string_view to_string(EndReason r) {
    switch (r) {
        case EndReason::Fin: return "fin";
        case EndReason::Rst: return "rst";
        case EndReason::HalfClosed: return "half_closed";
        case EndReason::Open: return "open";
        case EndReason::IdleTimeout: return "idle_timeout";
        case EndReason::Evicted: return "evicted";
        case EndReason::PortReused: return "port_reused";
    }
    return "unknown";
}

}  // namespace mqscan
