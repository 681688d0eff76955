#include "mqtt_divergences.hpp"

#include <algorithm>

std::ostream& operator<<(std::ostream& out, const PacketDifference& difference) {
    return out << "tcp.stream " << difference.flow.stream << " from port "
               << difference.flow.sender_port << "\n  mqscan: " << difference.mqscan
               << "\n  tshark: " << difference.tshark << '\n';
}

namespace {

// Each entry is also described in README.md ("Documented divergences").
const std::vector<KnownMqttDivergence> kDivergences{
    {"suricata-verify/tests/mqtt-midstream-split/mqtt-midstream-split.pcap",
     "tshark is wrong: without the CONNECT it does not know the version and decodes the "
     "PUBLISH as 3.1.1 (expert info 'Unknown version'), so the 5.0 property length byte 0x00 "
     "becomes the first payload byte (the payload is a JPEG: it starts with the SOI marker "
     "ff d8), and it skips the CONNACK's 48 bytes of properties. mqscan guesses 5.0 because "
     "only 5.0 reads the CONNACK (remaining length 50) without trailing bytes: property 34 "
     "(topic alias maximum) 10 and 18 (assigned client identifier) fill those 48 bytes exactly",
     {{{0, 1883},
       "frame 4: flags=0 type=2 remaining_length=50 session_present=0 reason_code=0 "
       "property=34 property_value=10 property=18 "
       "property_value=auto-1B43E800-08E3-3BA1-2E97-E9A0B4064BF5",
       "frame 4: flags=0 type=2 remaining_length=50 session_present=0 reason_code=0"},
      {{0, 33896},
       "frame 10: flags=0 type=3 dup=0 qos=0 retain=0 remaining_length=35767 topic=topicX "
       "payload=\\xff\\xd8\\xff\\xe0\\x00\\x10JFIF\\x00\\x01\\x02\\x01\\x00..."
       "[105225 characters, sha256 dac798906815ddff]",
       "frame 10: flags=0 type=3 dup=0 qos=0 retain=0 remaining_length=35767 topic=topicX "
       "payload=\\x00\\xff\\xd8\\xff\\xe0\\x00\\x10JFIF\\x00\\x01\\x02\\x01..."
       "[105229 characters, sha256 8de129bab0029ddd]"}}},
    {"suricata-verify/tests/mqtt-events-unassigned-msgtype/input.pcap",
     "packet type 0 is reserved (forbidden) in every MQTT version: mqscan marks the packet "
     "malformed (anomaly mqtt.packet_type.reserved); tshark shows the fixed header without "
     "an error",
     {{{0, 38458},
       "frame 8: flags=0 type=0 remaining_length=24 (malformed)",
       "frame 8: flags=0 type=0 remaining_length=24"}}},
    {"suricata-verify/tests/mqtt5-excessiveproplen/input.pcap",
     "the CONNECT's property length ff 21 is 4351 bytes, past the end of the 47-byte packet: "
     "mqscan stops there (anomaly mqtt.property.length_past_end), so the fields after it are "
     "unset in its event (client_id is the empty default); tshark reads on into the block, "
     "shows a property with identifier 0 (there is none in MQTT 5.0) and stops. Both mark "
     "the packet malformed and agree on every field before the damage",
     {{{0, 37758},
       "frame 4: flags=0 type=1 remaining_length=47 protocol_name=MQTT protocol_level=5 "
       "connect_flags=194 keepalive=60 client_id= (malformed)",
       "frame 4: flags=0 type=1 remaining_length=47 protocol_name=MQTT protocol_level=5 "
       "connect_flags=194 keepalive=60 property=0 (malformed)"}}},
};

}  // namespace

const KnownMqttDivergence* known_mqtt_divergence(std::string_view relative_path) {
    const auto found =
        std::ranges::find(kDivergences, relative_path, &KnownMqttDivergence::capture);
    return found == kDivergences.end() ? nullptr : &*found;
}
