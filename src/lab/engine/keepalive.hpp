#pragma once
// Keep alive on both sides [MQTT-3.1.2-22..24]: when the broker gives up on a
// silent client, and when a client pings.

#include <cstdint>
#include <optional>

#include "mqscan/timestamp.hpp"

namespace mqscan::lab {

// The broker closes a client that sent nothing for more than one and a half
// keep alive periods [MQTT-3.1.2-24]. mosquitto 2.0 (src/keepalive.c) counts
// in whole seconds of its clock: the last packet's arrival second L, and
// K*3/2 in integer arithmetic; the client is cut at the first second S with
// S - L > K*3/2, so at second L + K*3/2 + 1 (keep alive 60: 91 s after a packet
// at L.0, 90.1 s after one at L.9). mosquitto's loop notices it within its next
// wake-up; here it is exact. Keep alive 0: never.
std::optional<Timestamp> broker_keepalive_deadline(Timestamp last_packet, std::uint16_t keepalive);

// A client's pings, as libmosquitto (lib/util_mosq.c, mosquitto__check_keepalive)
// and paho send them: when `keepalive` seconds have passed since the client
// last sent a packet, or since it last received one, a PINGREQ; if that time
// comes again before the PINGRESP, the client gives up on the connection.
class PingTimer {
public:
    explicit PingTimer(std::uint16_t keepalive) : keepalive_(keepalive) {}

    void set_keepalive(std::uint16_t keepalive) { keepalive_ = keepalive; }
    void sent(Timestamp now) { last_sent_ = now; }
    void received(Timestamp now) { last_received_ = now; }
    // A PINGREQ went out (a keep alive one or one asked for): the wait for its answer starts.
    void pinged(Timestamp now);
    void answered() { awaiting_answer_ = false; }

    [[nodiscard]] std::optional<Timestamp> deadline() const;

    enum class Due : std::uint8_t { Nothing, Ping, GiveUp };
    [[nodiscard]] Due due(Timestamp now) const;

private:
    std::uint16_t keepalive_;
    Timestamp last_sent_;
    Timestamp last_received_;
    bool awaiting_answer_ = false;
};

}  // namespace mqscan::lab
