#pragma once
// What the broker makes of a CONNECT before it looks at its sessions: the
// checks of mosquitto 2.0's handle__connect (src/handle_connect.c), in its
// order, and the CONNACK codes it refuses with [MQTT-3.2.2.3], [MQTT 5.0 §3.2.2.2].

#include <cstdint>
#include <optional>
#include <string>

#include "lab/engine/broker_log.hpp"
#include "lab/engine/broker_options.hpp"
#include "lab/engine/packet_reader.hpp"

namespace mqscan::lab {

struct ConnectVerdict {
    enum class Outcome : std::uint8_t {
        Accept,
        Refuse,  // a CONNACK with `code`, then the connection ends
        Drop,    // the connection ends without a CONNACK
    };
    Outcome outcome = Outcome::Accept;
    mqtt::Version version = mqtt::Version::Unknown;  // the CONNACK's version
    std::uint8_t code = 0;
    Ending ending = Ending::ProtocolError;
    std::string note;              // a line logged first, if any
    bool refused_by_name = false;  // the refusal names the client by its id, not its address
    std::optional<std::string> username;  // who the client is, when accepted
};

ConnectVerdict check_connect(const IncomingPacket& connect, const BrokerOptions& options, const PeerInfo& peer,
                             const std::optional<std::string>& certificate_identity);

}  // namespace mqscan::lab
