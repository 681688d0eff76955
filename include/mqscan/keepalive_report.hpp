#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "mqscan/latency.hpp"
#include "mqscan/timestamp.hpp"

namespace mqscan {

// Whether the client kept to its keepalive: every gap between two packets it
// sent, and from its last packet to the broker's close, against the period.
enum class KeepaliveVerdict : std::uint8_t {
    Respected,  // no silence longer than the keepalive (+1 s of scheduling slack)
    Late,       // some silence past the keepalive, none past 1.5 x (the broker tolerates it)
    Exceeded,   // silence past 1.5 x the keepalive [MQTT-3.1.2-24]
    Disabled,   // keepalive 0
    Unknown,    // CONNECT not captured
};

[[nodiscard]] std::string_view to_string(KeepaliveVerdict v);

struct Ping {
    std::uint64_t frame = 0;
    Timestamp time;
    std::int64_t idle_ns = 0;  // since the client's previous packet (or the connection's start)
    std::optional<std::uint64_t> response_frame;  // the PINGRESP
    std::optional<std::int64_t> response_ns;
};

struct KeepaliveReport {
    std::uint64_t connection = 0;
    std::uint16_t keepalive = 0;                    // declared in CONNECT, seconds
    std::optional<std::uint16_t> server_keepalive;  // 5.0 CONNACK: the one that applies
    std::vector<Ping> pings;                        // the first Limits::max_pings_listed
    std::uint64_t pingreq = 0;
    std::uint64_t pingresp = 0;
    std::uint64_t unanswered = 0;  // PINGREQ with no PINGRESP before the next PINGREQ or the end
    LatencySummary response_latency;
    std::int64_t max_client_silence_ns = 0;
    std::uint64_t max_client_silence_frame = 0;  // the client packet (or close) that ended it
    KeepaliveVerdict verdict = KeepaliveVerdict::Unknown;
    bool expired = false;  // the broker closed after >= 1.5 x keepalive of client silence
    std::int64_t silence_before_close_ns = 0;  // when expired
};

}  // namespace mqscan
