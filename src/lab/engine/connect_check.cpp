#include "lab/engine/connect_check.hpp"

#include <fmt/core.h>

#include "analysis/topic_filter.hpp"
#include "lab/engine/property_values.hpp"
#include "lab/engine/reason_codes.hpp"
#include "mqtt/codec.hpp"

namespace mqscan::lab {
namespace {

using Outcome = ConnectVerdict::Outcome;

ConnectVerdict drop(Ending ending, std::string note = {}) {
    ConnectVerdict v;
    v.outcome = Outcome::Drop;
    v.ending = ending;
    v.note = std::move(note);
    return v;
}

ConnectVerdict refuse(mqtt::Version version, std::uint8_t code_3x, std::uint8_t code_5, Ending ending) {
    ConnectVerdict v;
    v.outcome = Outcome::Refuse;
    v.version = version;
    v.code = version == mqtt::Version::V5 ? code_5 : code_3x;
    v.ending = ending;
    return v;
}

// The protocol name and level [MQTT-3.1.2-1, -2]: mosquitto answers an unknown
// level with a 3.x CONNACK, since it cannot know which version to speak.
std::optional<ConnectVerdict> check_protocol(const mqtt::Packet& p, const PeerInfo& peer) {
    const std::string& name = p.protocol_name;
    if (name.size() != 4 && name.size() != 6) return drop(Ending::ProtocolError);
    if (name != "MQTT" && name != "MQIsdp")
        return drop(Ending::ProtocolError, fmt::format("Invalid protocol \"{}\" in CONNECT from {}.", name, peer.address));
    const mqtt::Version version = mqtt::version_of_level(p.protocol_level);
    const bool known = name == "MQIsdp" ? version == mqtt::Version::V31
                                        : version == mqtt::Version::V311 || version == mqtt::Version::V5;
    if (!known) {
        ConnectVerdict v = refuse(mqtt::Version::V311, reason::kRefusedProtocolVersion, 0, Ending::ProtocolError);
        v.note = fmt::format("Invalid protocol version {} in CONNECT from {}.", p.protocol_level, peer.address);
        return v;
    }
    if (version != mqtt::Version::V31 && p.flags != 0) return drop(Ending::ProtocolError);  // [MQTT-2.2.2-2]
    return std::nullopt;
}

// The rest of the packet: its fields, its will, its 5.0 properties.
std::optional<ConnectVerdict> check_fields(const IncomingPacket& in, mqtt::Version version,
                                           const BrokerOptions& options, const PeerInfo& peer) {
    const mqtt::Packet& p = in.packet;
    const std::uint8_t will_qos = (p.connect_flags >> 3) & 0x3;
    if (will_qos == 3)
        return drop(Ending::ProtocolError, fmt::format("Invalid Will QoS in CONNECT from {}.", peer.address));
    if (in.violation == Violation::Malformed) return drop(Ending::Malformed);
    if (in.violation != Violation::None) return drop(Ending::ProtocolError);
    if (p.will && p.will->qos > options.max_qos)
        return version == mqtt::Version::V5
                   ? refuse(version, 0, reason::kQosNotSupported, Ending::NotSupported)
                   : drop(Ending::NotSupported);
    if (version == mqtt::Version::V5) {
        // [MQTT 5.0 §3.1.2.11.3, §3.1.2.11.4]: 0 is a protocol error.
        if (prop::number(p.properties, prop::kReceiveMaximum) == 0u ||
            prop::number(p.properties, prop::kMaximumPacketSize) == 0u)
            return drop(Ending::ProtocolError);
        // No enhanced authentication: mosquitto has no plugin for it.
        if (prop::find(p.properties, prop::kAuthenticationMethod) != nullptr)
            return refuse(version, 0, reason::kBadAuthenticationMethod, Ending::NotSupported);
    }
    if (p.client_id.empty()) {
        // [MQTT-3.1.3-7, -8]: 3.1.1 lets a clean session have one assigned; 3.1 does not.
        const bool allowed = options.allow_zero_length_clientid && version != mqtt::Version::V31 &&
                             (version == mqtt::Version::V5 || p.clean_session());
        if (!allowed)
            return refuse(version, reason::kRefusedIdentifierRejected, reason::kUnspecifiedError,
                          Ending::ProtocolError);
    }
    if (p.will && !valid_topic_name(p.will->topic)) return drop(Ending::ProtocolError);  // [MQTT-3.1.3-11]
    return std::nullopt;
}

// Who the client is: its certificate's CN, or its user name and password
// checked against the table; mosquitto 2.0 lets nobody in when anonymous
// clients are not allowed and there is no table.
ConnectVerdict authenticate(const mqtt::Packet& p, mqtt::Version version, const BrokerOptions& options,
                            const PeerInfo& peer, const std::optional<std::string>& certificate_identity) {
    if (options.use_identity_as_username || peer.identity_as_username) {
        if (!certificate_identity) {
            ConnectVerdict v = refuse(version, reason::kRefusedBadUsernameOrPassword, reason::kBadUsernameOrPassword,
                                      Ending::NotAuthorised);
            v.refused_by_name = true;
            return v;
        }
        ConnectVerdict v;
        v.version = version;
        v.username = certificate_identity;
        return v;
    }
    bool allowed = options.allow_anonymous;
    if (options.passwords && p.username) {
        const auto found = options.passwords->find(*p.username);
        allowed = found != options.passwords->end() && p.password == found->second;
    }
    if (!allowed)
        return refuse(version, reason::kRefusedNotAuthorized, reason::kNotAuthorized, Ending::NotAuthorised);
    ConnectVerdict v;
    v.version = version;
    v.username = p.username;
    return v;
}

}  // namespace

ConnectVerdict check_connect(const IncomingPacket& connect, const BrokerOptions& options, const PeerInfo& peer,
                             const std::optional<std::string>& certificate_identity) {
    const mqtt::Packet& p = connect.packet;
    if (auto v = check_protocol(p, peer)) return *v;
    const mqtt::Version version = mqtt::version_of_level(p.protocol_level);
    if (auto v = check_fields(connect, version, options, peer)) return *v;
    return authenticate(p, version, options, peer, certificate_identity);
}

}  // namespace mqscan::lab
