#include "lab/engine/topic_aliases.hpp"

#include "lab/engine/property_values.hpp"

namespace mqscan::lab {

InboundAliases::Outcome InboundAliases::resolve(mqtt::Packet& publish) {
    const std::optional<std::uint32_t> alias = prop::number(publish.properties, prop::kTopicAlias);
    if (!alias) return Outcome::Resolved;
    if (*alias == 0 || *alias > maximum_) return Outcome::Invalid;
    const auto key = static_cast<std::uint16_t>(*alias);
    if (!publish.topic.empty()) {
        topics_[key] = publish.topic;
        return Outcome::Resolved;
    }
    const auto found = topics_.find(key);
    if (found == topics_.end()) return Outcome::Unknown;
    publish.alias_topic = found->second;
    return Outcome::Resolved;
}

std::optional<OutboundAliases::Use> OutboundAliases::use(const std::string& topic) {
    if (const auto found = aliases_.find(topic); found != aliases_.end()) return Use{found->second, false};
    if (aliases_.size() >= maximum_) return std::nullopt;
    const auto alias = static_cast<std::uint16_t>(aliases_.size() + 1);
    aliases_.emplace(topic, alias);
    return Use{alias, true};
}

}  // namespace mqscan::lab
