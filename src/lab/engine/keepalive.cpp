#include "lab/engine/keepalive.hpp"

#include <algorithm>

#include "lab/engine/engine_time.hpp"

namespace mqscan::lab {

std::optional<Timestamp> broker_keepalive_deadline(Timestamp last_packet, std::uint16_t keepalive) {
    if (keepalive == 0) return std::nullopt;
    const std::int64_t allowed = std::int64_t{keepalive} * 3 / 2;
    return Timestamp::from_seconds(whole_seconds(last_packet) + allowed + 1);
}

void PingTimer::pinged(Timestamp now) {
    // libmosquitto counts the wait from the ping as if a packet had come.
    awaiting_answer_ = true;
    last_sent_ = last_received_ = now;
}

std::optional<Timestamp> PingTimer::deadline() const {
    if (keepalive_ == 0) return std::nullopt;
    return seconds_after(std::min(last_sent_, last_received_), keepalive_);
}

PingTimer::Due PingTimer::due(Timestamp now) const {
    const std::optional<Timestamp> at = deadline();
    if (!at || now < *at) return Due::Nothing;
    return awaiting_answer_ ? Due::GiveUp : Due::Ping;
}

}  // namespace mqscan::lab
