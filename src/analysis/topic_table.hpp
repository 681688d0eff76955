#pragma once
// The topics seen in PUBLISH packets: counts for the topic tree, and the
// retained message each one holds at the broker.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mqscan/delivery_report.hpp"

namespace mqscan {

// The message the broker keeps for a topic and gives each new subscriber.
struct RetainedMessage {
    std::uint64_t key = 0;  // message_key() of its topic and payload
    std::uint64_t connection = 0;
    std::string client_id;
    std::uint64_t frame = 0;  // where it was set
    Timestamp time;
    std::uint8_t qos = 0;
    std::uint32_t payload_length = 0;
    // Its fan-out of retained deliveries: made at the first one (nullopt
    // before), kNotListed when the list was full.
    std::optional<std::size_t> fanout;
};

// The retained messages the broker gave new subscribers on a topic.
struct RetainedReceipts {
    std::uint64_t count = 0;
    std::string first_subscriber;  // in words: "#2 (client 'x')"
    std::uint64_t first_frame = 0;
    std::uint64_t first_set_frame = 0;  // 0: set before the capture began
};

struct TopicEntry {
    std::string topic;
    std::uint64_t publishes = 0;
    std::uint64_t deliveries = 0;
    std::uint64_t payload_bytes = 0;
    std::optional<RetainedMessage> retained;
    RetainedReceipts receipts;
};

class TopicTable {
public:
    // At most `capacity` topics, holding at most `max_bytes` of topic names.
    TopicTable(std::size_t capacity, std::size_t max_bytes) : capacity_(capacity), max_bytes_(max_bytes) {}

    // The entry of `topic`, whose topic_key() is `key` (entries are found by
    // key alone), made when there is room; nullptr when the table is full.
    TopicEntry* find_or_add(std::uint64_t key, std::string_view topic);
    // The entries, sorted by topic.
    [[nodiscard]] std::vector<const TopicEntry*> sorted() const;
    // Their counts, sorted by topic.
    [[nodiscard]] std::vector<TopicStats> stats() const;

private:
    std::size_t capacity_;
    std::size_t max_bytes_;
    std::size_t bytes_ = 0;
    std::unordered_map<std::uint64_t, TopicEntry> topics_;
};

}  // namespace mqscan
