#include "analysis/topic_table.hpp"

#include <algorithm>

namespace mqscan {

TopicEntry* TopicTable::find_or_add(std::uint64_t key, std::string_view topic) {
    if (const auto found = topics_.find(key); found != topics_.end()) return &found->second;
    if (topics_.size() >= capacity_ || bytes_ + topic.size() > max_bytes_) return nullptr;
    bytes_ += topic.size();
    TopicEntry& entry = topics_[key];
    entry.topic = topic;
    return &entry;
}

std::vector<const TopicEntry*> TopicTable::sorted() const {
    std::vector<const TopicEntry*> out;
    out.reserve(topics_.size());
    for (const auto& entry : topics_) out.push_back(&entry.second);
    std::sort(out.begin(), out.end(), [](const TopicEntry* a, const TopicEntry* b) { return a->topic < b->topic; });
    return out;
}

std::vector<TopicStats> TopicTable::stats() const {
    std::vector<TopicStats> out;
    out.reserve(topics_.size());
    for (const TopicEntry* e : sorted())
        out.push_back({e->topic, e->publishes, e->deliveries, e->payload_bytes, e->retained.has_value()});
    return out;
}

}  // namespace mqscan
