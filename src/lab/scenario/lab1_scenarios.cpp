// Lab 1 (LABS.md): QoS, keep alive, retain, sessions and wildcards, in clear on port 1883.

#include <array>
#include <chrono>

#include "lab/engine/property_values.hpp"
#include "lab/scenario/scenario.hpp"
#include "lab/scenario/scenario_steps.hpp"

namespace mqscan::lab {

namespace {

using std::chrono::seconds;

// Three messages in a row, so that the packet ids can be seen to grow.
void qos_exchange(LabWorld& world, const LabSetting& setting, std::uint8_t qos) {
    world.listen(setting.cleartext_listener());
    publish_to_a_subscriber(world, LabSetting::mosquitto_client("sub-ciel"), LabSetting::mosquitto_client("pub-ciel"),
                            "ciel", qos, {"21.5", "21.6", "21.8"});
}

// A keep alive of 10 s: three PINGREQ/PINGRESP pairs in 35 s of silence.
constexpr std::uint16_t kShortKeepalive = 10;

void keepalive_pings(LabWorld& world, const LabSetting& setting) {
    world.listen(setting.cleartext_listener());
    ClientSpec client = LabSetting::mosquitto_client("ping-test");
    client.mqtt.keepalive = kShortKeepalive;
    const LinkId link = subscribed_client(world, client, "ciel", 0);
    world.wait(seconds(35));
    world.disconnect(link);
    world.wait(kStep);
}

// The client never pings: the broker closes it 1.5 x keep alive after its last packet.
void keepalive_expiry(LabWorld& world, const LabSetting& setting) {
    world.listen(setting.cleartext_listener());
    ClientSpec client = LabSetting::mosquitto_client("silent-client");
    client.mqtt.keepalive = kShortKeepalive;
    client.mqtt.faults.no_pings = true;
    subscribed_client(world, client, "ciel", 0);
    world.wait(seconds(20));
}

void retain(LabWorld& world, const LabSetting& setting) {
    world.listen(setting.cleartext_listener());
    const LinkId pub = world.connect(LabSetting::mosquitto_client("pub-retain"));
    world.wait(kStep);
    world.publish(pub, "ciel", "19.5", 1, true);
    world.wait(kStep);
    // Subscribes after the message was published, and still gets it, flagged retained.
    const LinkId late = subscribed_client(world, LabSetting::mosquitto_client("sub-late"), "ciel", 1);
    // An empty retained message clears it: the next subscriber gets nothing.
    world.publish(pub, "ciel", "", 1, true);
    world.wait(kStep);
    const LinkId after_clear = subscribed_client(world, LabSetting::mosquitto_client("sub-after-clear"), "ciel", 1);
    for (const LinkId link : {pub, late, after_clear}) {
        world.disconnect(link);
        world.wait(kStep);
    }
}

// Clean session 0: the broker keeps the subscription and queues QoS 1
// messages while the subscriber is away, then delivers them when it returns.
void persistent_session(LabWorld& world, const LabSetting& setting) {
    world.listen(setting.cleartext_listener());
    ClientSpec subscriber = LabSetting::mosquitto_client("sub-persistent");
    subscriber.mqtt.clean_start = false;
    const LinkId first = subscribed_client(world, subscriber, "ciel", 1);
    world.disconnect(first);
    world.wait(kStep);
    const LinkId pub = world.connect(LabSetting::mosquitto_client("pub-ciel"));
    world.wait(kStep);
    for (const char* payload : {"22.0", "22.4"}) {
        world.publish(pub, "ciel", payload, 1);
        world.wait(kStep);
    }
    world.disconnect(pub);
    world.wait(kStep);
    const LinkId back = world.connect(subscriber);
    world.wait(kStep);
    world.disconnect(back);
    world.wait(kStep);
}

// The smart house: each subscriber gets the messages its filter matches.
void wildcards(LabWorld& world, const LabSetting& setting) {
    world.listen(setting.cleartext_listener());
    const std::array filters{"maison/#", "maison/salon/#", "maison/+/temperature"};
    std::vector<LinkId> subscribers;
    for (std::size_t i = 0; i < filters.size(); ++i)
        subscribers.push_back(subscribed_client(
            world, LabSetting::mosquitto_client("sub-wildcard-" + std::to_string(i + 1)), filters[i], 0));
    const LinkId pub = world.connect(LabSetting::mosquitto_client("capteurs"));
    world.wait(kStep);
    const std::array<std::array<const char*, 2>, 4> readings{{{"maison/salon/temperature", "20.5"},
                                                              {"maison/chambre_1/temperature", "18.0"},
                                                              {"maison/salon/humidite", "45"},
                                                              {"maison/cuisine/lumiere", "on"}}};
    for (const auto& [topic, value] : readings) {
        world.publish(pub, topic, value);
        world.wait(kStep);
    }
    subscribers.push_back(pub);
    for (const LinkId link : subscribers) {
        world.disconnect(link);
        world.wait(kStep);
    }
}

// MQTTX at MQTT 5.0: session expiry and user properties in CONNECT, user
// properties and a message expiry on each PUBLISH, and the topic given once
// then replaced by its alias.
void mqtt5_properties(LabWorld& world, const LabSetting& setting) {
    world.listen(setting.cleartext_listener());
    ClientSpec subscriber = LabSetting::mqttx_client("mqttx_sub");
    subscriber.mqtt.session_expiry = 3600;
    subscriber.mqtt.connect_properties = {user_property("client", "MQTTX")};
    const LinkId sub = subscribed_client(world, subscriber, "maison/salon/temperature", 1);
    ClientSpec publisher = LabSetting::mqttx_client("mqttx_pub");
    publisher.mqtt.use_topic_aliases = true;
    const LinkId pub = world.connect(publisher);
    world.wait(kStep);
    for (const char* value : {"20.5", "20.7", "21.0"}) {
        world.publish(pub, "maison/salon/temperature", value, 1, false,
                      {user_property("unit", "celsius"), prop::numeric(prop::kMessageExpiryInterval, 300)});
        world.wait(kStep);
    }
    world.disconnect(pub);
    world.wait(kStep);
    world.disconnect(sub);
    world.wait(kStep);
}

constexpr std::array kScenarios{
    Scenario{"qos0", "QoS 0 on 'ciel': PUBLISH alone",
             "a subscriber to 'ciel' at QoS 0 and three QoS 0 PUBLISHes, each with no packet id and no acknowledgement",
             std::nullopt, [](LabWorld& w, const LabSetting& s) { qos_exchange(w, s, 0); }},
    Scenario{"qos1", "QoS 1 on 'ciel': PUBLISH / PUBACK",
             "three QoS 1 messages on 'ciel', packet ids 1, 2, 3, each acknowledged by PUBACK on both legs",
             std::nullopt, [](LabWorld& w, const LabSetting& s) { qos_exchange(w, s, 1); }},
    Scenario{"qos2", "QoS 2 on 'ciel': PUBLISH / PUBREC / PUBREL / PUBCOMP",
             "three QoS 2 messages on 'ciel', each a complete four-packet exchange on both legs",
             std::nullopt, [](LabWorld& w, const LabSetting& s) { qos_exchange(w, s, 2); }},
    Scenario{"keepalive-pings", "keep alive 10 s: PINGREQ / PINGRESP while idle",
             "a client with keep alive 10 s, idle for 35 s: a PINGREQ every 10 s, each answered by PINGRESP",
             std::nullopt, keepalive_pings},
    Scenario{"keepalive-expiry", "a silent client cut by the broker after 1.5 x keep alive",
             "a client with keep alive 10 s that never pings: the broker closes its connection 16 s after its "
             "SUBSCRIBE, with no DISCONNECT",
             std::nullopt, keepalive_expiry},
    Scenario{"retain", "a retained message set, delivered to a late subscriber, then cleared",
             "a retained QoS 1 message on 'ciel' delivered with the retain flag to a later subscriber; an empty "
             "retained message clears it, and the next subscriber gets nothing",
             std::nullopt, retain},
    Scenario{"persistent-session", "clean session 0: QoS 1 messages queued while offline",
             "a clean-session-0 subscriber leaves; two QoS 1 messages are published; it reconnects (session "
             "present) and receives both",
             std::nullopt, persistent_session},
    Scenario{"wildcards", "'maison/#', 'maison/salon/#' and 'maison/+/temperature'",
             "three wildcard subscribers and four readings of the smart house: each reading reaches exactly the "
             "subscribers whose filter matches it",
             std::nullopt, wildcards},
    Scenario{"mqtt5-properties", "MQTT 5.0: session expiry, user properties, topic alias",
             "MQTTX-like 5.0 clients: CONNECT with session expiry and a user property, CONNACK with topic alias "
             "maximum; three PUBLISHes with user property and message expiry, the topic replaced by alias 1 "
             "after the first",
             std::nullopt, mqtt5_properties},
};

}  // namespace

std::span<const Scenario> lab1_scenarios() { return kScenarios; }

}  // namespace mqscan::lab
