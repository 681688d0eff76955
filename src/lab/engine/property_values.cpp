#include "lab/engine/property_values.hpp"

#include <algorithm>

namespace mqscan::lab::prop {

const mqtt::Property* find(const std::vector<mqtt::Property>& properties, std::uint8_t id) {
    const auto found = std::find_if(properties.begin(), properties.end(),
                                    [id](const mqtt::Property& p) { return p.id == id; });
    return found == properties.end() ? nullptr : &*found;
}

std::optional<std::uint32_t> number(const std::vector<mqtt::Property>& properties, std::uint8_t id) {
    const mqtt::Property* found = find(properties, id);
    if (found == nullptr) return std::nullopt;
    return found->number;
}

mqtt::Property numeric(std::uint8_t id, std::uint32_t value) {
    mqtt::Property p;
    p.id = id;
    p.kind = mqtt::find_property(id)->kind;
    p.number = value;
    return p;
}

mqtt::Property text(std::uint8_t id, std::string value) {
    mqtt::Property p;
    p.id = id;
    p.kind = mqtt::PropertyKind::Utf8;
    p.text = std::move(value);
    return p;
}

}  // namespace mqscan::lab::prop
