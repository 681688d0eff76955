#pragma once
// The broker's retained messages [MQTT-3.3.1-5..-11]: one per topic, kept in
// a tree of topic levels like mosquitto's, so that a new subscription gets them
// in the order mosquitto 2.0 sends them.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lab/engine/message.hpp"

namespace mqscan::lab {

class RetainedStore {
public:
    // Topics of more levels are not retained: the search recurses once per level.
    static constexpr std::size_t kMaxLevels = 1000;

    // `max_messages`: retained topics kept at once; a new topic past it is not
    // retained. `max_bytes`: their held_bytes; while the others reach it, a
    // message is not retained (a topic's earlier one stays).
    explicit RetainedStore(std::size_t max_messages, std::size_t max_bytes = SIZE_MAX)
        : max_messages_(max_messages), max_bytes_(max_bytes) {}

    enum class Outcome : std::uint8_t {
        Kept,     // the topic's retained message now
        Cleared,  // an empty payload removes the topic's retained message [MQTT-3.3.1-10]
        Refused,  // no room for another topic, or too many levels
    };
    // A PUBLISH with the retain flag, as received [MQTT-3.3.1-5].
    Outcome store(const Message& message);

    // The retained messages a new subscription to `filter` receives, in
    // mosquitto's order (src/retain.c, retain__search): topics in the order
    // their levels first appeared; below a '#', a level before the levels under
    // it, and for "a/#" the topic "a" itself last. Valid until the next change.
    [[nodiscard]] std::vector<const Message*> matching(std::string_view filter) const;

    [[nodiscard]] std::size_t size() const { return count_; }
    [[nodiscard]] std::size_t bytes() const { return bytes_; }

private:
    struct Node {
        std::string level;
        std::optional<Message> message;
        std::vector<std::unique_ptr<Node>> children;  // in the order they were made
    };
    using Levels = std::span<const std::string_view>;

    static Node* child(const Node& node, std::string_view level);
    // Both return mosquitto's flag: whether a '#' below matched the levels under the node.
    static bool search(const Node& node, Levels filter, std::size_t depth, std::vector<const Message*>& out);
    static void visit(const Node& node, Levels filter, std::size_t depth, std::vector<const Message*>& out);
    // The message removed, if one was there.
    std::optional<Message> clear(Node& node, Levels topic);

    std::size_t max_messages_;
    std::size_t max_bytes_;
    std::size_t count_ = 0;
    std::size_t bytes_ = 0;
    Node root_;
};

}  // namespace mqscan::lab
