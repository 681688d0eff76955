#pragma once
// The virtual clock's agenda: events ordered by time, then by the order they
// were scheduled in, so that one run is exactly like the next.

#include <compare>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <utility>

#include "mqscan/timestamp.hpp"

namespace mqscan::lab::net {

template <typename Event>
class EventQueue {
public:
    struct Key {
        Timestamp time;
        std::uint64_t sequence = 0;
        auto operator<=>(const Key&) const = default;
    };

    Key schedule(Timestamp time, Event event) {
        const Key key{time, next_sequence_++};
        events_.emplace(key, std::move(event));
        return key;
    }
    void cancel(const Key& key) { events_.erase(key); }

    [[nodiscard]] bool empty() const { return events_.empty(); }
    [[nodiscard]] std::optional<Timestamp> next_time() const {
        if (events_.empty()) return std::nullopt;
        return events_.begin()->first.time;
    }
    // The earliest event; the queue must not be empty.
    std::pair<Key, Event> pop() {
        auto node = events_.extract(events_.begin());
        return {node.key(), std::move(node.mapped())};
    }

private:
    std::map<Key, Event> events_;
    std::uint64_t next_sequence_ = 0;
};

}  // namespace mqscan::lab::net
