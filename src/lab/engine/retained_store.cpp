#include "lab/engine/retained_store.hpp"

#include <algorithm>
#include <utility>

#include "lab/engine/topic_levels.hpp"

namespace mqscan::lab {
namespace {

// A topic or filter as mosquitto splits it (src/subs.c, sub__topic_tokenise):
// levels, after an empty first level unless it starts with '$', so that '#'
// and '+' at the start never reach "$SYS" topics [MQTT-4.7.2-1].
std::vector<std::string_view> levels_of(std::string_view text) {
    std::vector<std::string_view> levels = topic_levels(text);
    if (!text.starts_with('$')) levels.insert(levels.begin(), std::string_view());
    return levels;
}

}  // namespace

RetainedStore::Outcome RetainedStore::store(const Message& message) {
    const std::vector<std::string_view> levels = levels_of(message.topic);
    if (message.payload.empty()) {
        if (const std::optional<Message> gone = clear(root_, levels)) {
            --count_;
            bytes_ -= held_bytes(*gone);
        }
        return Outcome::Cleared;
    }
    if (levels.size() > kMaxLevels) return Outcome::Refused;
    Node* node = &root_;
    std::size_t depth = 0;
    for (; depth < levels.size(); ++depth) {
        Node* existing = child(*node, levels[depth]);
        if (existing == nullptr) break;
        node = existing;
    }
    const bool new_topic = depth < levels.size() || !node->message;
    if (new_topic && count_ >= max_messages_) return Outcome::Refused;
    const std::size_t replaced = new_topic ? 0 : held_bytes(*node->message);
    if (bytes_ - replaced >= max_bytes_) return Outcome::Refused;  // the queue's rule: below it, one more fits
    bytes_ = bytes_ - replaced + held_bytes(message);
    for (; depth < levels.size(); ++depth) {
        node->children.push_back(std::make_unique<Node>(Node{std::string(levels[depth]), std::nullopt, {}}));
        node = node->children.back().get();
    }
    if (new_topic) ++count_;
    node->message = message;
    return Outcome::Kept;
}

// Removes the message at `topic` and the levels left empty, as mosquitto
// does (src/retain.c, retain__clean_empty_hierarchy). Whether one was there.
std::optional<Message> RetainedStore::clear(Node& node, Levels topic) {
    if (topic.empty()) return std::exchange(node.message, std::nullopt);
    const auto found = std::find_if(node.children.begin(), node.children.end(),
                                    [&](const auto& c) { return c->level == topic.front(); });
    if (found == node.children.end()) return std::nullopt;
    std::optional<Message> had = clear(**found, topic.subspan(1));
    if (!(*found)->message && (*found)->children.empty()) node.children.erase(found);
    return had;
}

RetainedStore::Node* RetainedStore::child(const Node& node, std::string_view level) {
    for (const auto& c : node.children)
        if (c->level == level) return c.get();
    return nullptr;
}

std::vector<const Message*> RetainedStore::matching(std::string_view filter) const {
    std::vector<const Message*> out;
    const std::vector<std::string_view> levels = levels_of(filter);
    search(root_, levels, 0, out);
    return out;
}

bool RetainedStore::search(const Node& node, Levels filter, std::size_t depth, std::vector<const Message*>& out) {
    if (filter.front() == "#" && filter.size() == 1) {
        for (const auto& c : node.children) {
            if (c->message) out.push_back(&*c->message);
            if (!c->children.empty()) search(*c, filter, depth + 1, out);
        }
        return !node.children.empty();
    }
    if (filter.front() == "+") {
        for (const auto& c : node.children) visit(*c, filter, depth, out);
    } else if (const Node* c = child(node, filter.front())) {
        visit(*c, filter, depth, out);
    }
    return false;
}

// `node` matches the filter's first level: its message, if the filter ends
// here or goes on with a '#' that also matches its parent [MQTT-4.7.1-2].
void RetainedStore::visit(const Node& node, Levels filter, std::size_t depth, std::vector<const Message*>& out) {
    if (filter.size() == 1) {
        if (node.message) out.push_back(&*node.message);
        return;
    }
    const bool hash_below = search(node, filter.subspan(1), depth + 1, out);
    if ((hash_below || (filter[1] == "#" && depth > 0)) && node.message) out.push_back(&*node.message);
}

}  // namespace mqscan::lab
