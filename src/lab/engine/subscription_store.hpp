#pragma once
// The broker's subscriptions, across sessions, and which match a topic, in the
// order mosquitto 2.0 visits them.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mqscan/mqtt.hpp"

namespace mqscan::lab {

struct SubscriptionEntry {
    std::string client_id;
    mqtt::Subscription subscription;          // filter, granted QoS, 5.0 options
    std::optional<std::uint32_t> identifier;  // 5.0 subscription identifier [MQTT 5.0 §3.8.2.1.2]
};

class SubscriptionStore {
public:
    // `max_per_client`: the subscriptions one session may hold; more are refused.
    explicit SubscriptionStore(std::size_t max_per_client) : max_per_client_(max_per_client) {}

    enum class Added : std::uint8_t {
        New,
        Replaced,  // same client and filter: the new options replace the old [MQTT-3.8.4-3]
        Refused,   // the client holds max_per_client already
    };
    Added add(SubscriptionEntry entry);
    // Whether the client had that subscription.
    bool remove(const std::string& client_id, const std::string& filter);
    void remove_client(const std::string& client_id);

    // The subscriptions whose filter matches `topic` [MQTT-4.7], in mosquitto's
    // order (src/subs.c, sub__search): its topic tree is walked level by level,
    // an exact level before '+', both (with what lies below them) before a '#'
    // there, which comes before a filter that ends at that level; subscriptions
    // to the same filter in the order they were made. Valid until the next change.
    [[nodiscard]] std::vector<const SubscriptionEntry*> matching(std::string_view topic) const;

    [[nodiscard]] std::size_t count(const std::string& client_id) const;

private:
    struct Stored {
        SubscriptionEntry entry;
        std::vector<std::uint8_t> visit_rank;  // per filter level: exact, '+', '#', then the end
        std::uint64_t order = 0;               // when first made
    };

    std::size_t max_per_client_;
    std::map<std::pair<std::string, std::string>, Stored> entries_;  // by client and filter
    std::map<std::string, std::size_t> per_client_;
    std::uint64_t next_order_ = 0;
};

}  // namespace mqscan::lab
