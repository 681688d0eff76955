#pragma once
// Packet fields written the same way in every one-line view of a packet
// (`mqscan packets`, the ladder).

#include <string>

#include "mqscan/mqtt.hpp"

namespace mqscan {

// " id=3", or "" without a packet id.
std::string packet_id_field(const mqtt::Packet& p);
// " rc=135", or "" without a reason code.
std::string reason_code_field(const mqtt::Packet& p);
// " codes 0,1,128" of a SUBACK/UNSUBACK, or "".
std::string reason_codes_field(const mqtt::Packet& p);
// " id=3 'maison/#' q1 'ciel' q0" of a SUBSCRIBE, " id=4 'ciel'" of an UNSUBSCRIBE.
std::string filters_field(const mqtt::Packet& p);

}  // namespace mqscan
