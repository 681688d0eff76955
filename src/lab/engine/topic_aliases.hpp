#pragma once
// MQTT 5.0 topic aliases [MQTT 5.0 §3.3.2.3.4]: those a peer sets on a
// connection, and those a client chooses for its own PUBLISHes. They belong to
// one network connection and never outlive it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "mqscan/mqtt.hpp"

namespace mqscan::lab {

// The aliases a peer sets, up to the Topic Alias Maximum we announced.
class InboundAliases {
public:
    explicit InboundAliases(std::uint16_t maximum) : maximum_(maximum) {}

    enum class Outcome : std::uint8_t {
        Resolved,  // no alias, or one set or used: `alias_topic` is filled when the topic was empty
        Invalid,   // alias 0 or over the maximum [MQTT-3.3.2-8, -9]: 0x94
        Unknown,   // an empty topic with an alias never set: a protocol error [MQTT 5.0 §3.3.4]
    };
    Outcome resolve(mqtt::Packet& publish);

private:
    std::uint16_t maximum_;
    std::map<std::uint16_t, std::string> topics_;  // at most `maximum_`
};

// The aliases a client gives its topics, up to the broker's Topic Alias Maximum.
class OutboundAliases {
public:
    void set_maximum(std::uint16_t maximum) { maximum_ = maximum; }

    struct Use {
        std::uint16_t alias = 0;
        bool first = false;  // the alias is being set: the topic goes along this once
    };
    // The alias for `topic`, if one is (or can still be) given.
    std::optional<Use> use(const std::string& topic);

private:
    std::uint16_t maximum_ = 0;
    std::map<std::string, std::uint16_t> aliases_;  // at most `maximum_`
};

}  // namespace mqscan::lab
