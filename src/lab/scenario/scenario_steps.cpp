#include "lab/scenario/scenario_steps.hpp"

#include "lab/engine/property_values.hpp"

namespace mqscan::lab {

mqtt::Subscription topic_filter(std::string filter, std::uint8_t qos) {
    mqtt::Subscription subscription;
    subscription.filter = std::move(filter);
    subscription.qos = qos;
    return subscription;
}

mqtt::Property user_property(std::string name, std::string value) {
    mqtt::Property property;
    property.id = prop::kUserProperty;
    property.kind = mqtt::PropertyKind::Utf8Pair;
    property.text = std::move(name);
    property.value = std::move(value);
    return property;
}

LinkId subscribed_client(LabWorld& world, const ClientSpec& spec, const std::string& filter, std::uint8_t qos) {
    const LinkId link = world.connect(spec);
    world.wait(kStep);
    world.subscribe(link, {topic_filter(filter, qos)});
    world.wait(kStep);
    return link;
}

void publish_to_a_subscriber(LabWorld& world, const ClientSpec& subscriber, const ClientSpec& publisher,
                             const std::string& topic, std::uint8_t qos, const std::vector<std::string>& payloads) {
    const LinkId sub = subscribed_client(world, subscriber, topic, qos);
    const LinkId pub = world.connect(publisher);
    world.wait(kStep);
    for (const std::string& payload : payloads) {
        world.publish(pub, topic, payload, qos);
        world.wait(kStep);
    }
    world.disconnect(pub);
    world.wait(kStep);
    world.disconnect(sub);
    world.wait(kStep);
}

}  // namespace mqscan::lab
