#pragma once
// How the embedded client connects, and how it can be told to misbehave for
// the labs' "mistake" and impairment scenarios.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqscan/mqtt.hpp"

namespace mqscan::lab {

// Each flag leaves out one thing a correct client does.
struct ClientFaults {
    bool no_pubrel = false;      // a PUBREC goes unanswered: the QoS 2 exchange stops half-way
    bool no_pubcomp = false;     // a PUBREL goes unanswered
    bool no_puback = false;      // received QoS 1 PUBLISHes are not acknowledged
    bool no_pubrec = false;      // received QoS 2 PUBLISHes are not acknowledged
    bool no_pings = false;       // no keep alive PINGREQ, no giving up: the broker cuts it at 1.5 × keep alive
    bool no_disconnect = false;  // disconnect() closes without DISCONNECT, so the will is published
};

struct ClientOptions {
    mqtt::Version version = mqtt::Version::V311;
    std::string client_id;  // empty: the broker assigns one
    bool clean_start = true;
    std::uint16_t keepalive = 60;  // seconds; 0: none
    std::optional<mqtt::Will> will;
    std::optional<std::string> username;
    std::optional<std::string> password;

    // 5.0 only
    std::uint32_t session_expiry = 0;              // seconds [MQTT 5.0 §3.1.2.11.2]
    std::optional<std::uint16_t> receive_maximum;  // announced in CONNECT, and held to
    std::vector<mqtt::Property> connect_properties;  // more CONNECT properties (user properties...)
    bool use_topic_aliases = false;  // alias topics, up to the broker's Topic Alias Maximum

    // Limits: QoS 1 and 2 messages waiting for room in the broker's receive
    // window (more are dropped), and the largest packet read.
    std::size_t max_queued = 1000;
    std::uint32_t max_packet_size = 268'435'455;

    ClientFaults faults;
};

}  // namespace mqscan::lab
