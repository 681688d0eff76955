#pragma once
// The messages that entered the broker and may still be delivered: a bounded
// window of candidates, found by message key, oldest first.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "analysis/flat_map.hpp"
#include "analysis/id_table.hpp"
#include "mqscan/delivery_report.hpp"

namespace mqscan {

// A 64-bit digest of a topic name. Topics can be long: it is computed once
// per PUBLISH and serves both the topic table and the message key.
[[nodiscard]] std::uint64_t topic_key(std::string_view topic);

// A 64-bit digest of a message's topic (its topic_key), captured payload
// bytes and exact payload length: a PUBLISH and its deliveries share it, so
// neither topic nor payload needs to be kept. Two different messages collide
// with odds of about 2^-64, and messages differing only past the payload cap
// share a key.
[[nodiscard]] std::uint64_t message_key(std::uint64_t topic_key, std::string_view captured_payload,
                                        std::uint32_t payload_length);

inline constexpr std::size_t kNotListed = static_cast<std::size_t>(-1);

// A message that entered the broker (a client's PUBLISH or a will) awaiting
// the broker's deliveries.
struct Candidate {
    std::uint64_t key = 0;
    DeliverySource source = DeliverySource::Publish;
    std::uint64_t connection = 0;  // the publisher's
    std::uint64_t frame = 0;
    Timestamp time;
    std::uint8_t qos = 0;
    bool retain = false;
    std::size_t fanout = kNotListed;  // its index among the listed fan-outs
    std::uint64_t delivery_count = 0;
};

// Candidates are numbered from 1 in the order they are added (0: none).
class DeliveryWindow {
public:
    explicit DeliveryWindow(std::size_t capacity);

    // Adds a candidate and returns its number, with the oldest one it pushed
    // out when the window was full.
    struct Added {
        std::uint64_t number;
        std::optional<Candidate> forgotten;
    };
    Added add(const Candidate& candidate);

    [[nodiscard]] Candidate* find(std::uint64_t number);
    // The number the next candidate will get.
    [[nodiscard]] std::uint64_t next_number() const { return first_number_ + size_; }
    // What a delivery can come from.
    struct Wanted {
        std::uint64_t key = 0;
        std::uint64_t after = 0;  // the candidate last delivered to the subscriber
        std::uint64_t floor = 0;  // the first candidate its session can receive
        std::uint64_t frame = 0;  // the delivery's
        std::uint8_t qos = 0;      // the delivery's
        std::uint8_t granted = 2;  // its subscription's QoS (2 when unknown)
    };
    // The oldest candidate with the key, numbered after `after` and from
    // `floor` on, that came before `frame` and was published at `qos` or above
    // (a delivery's QoS is at most the published one); preferably one that a
    // broker delivers at exactly `qos`, min(published, granted) [MQTT-3.8.4-8].
    // 0 when there is none.
    [[nodiscard]] std::uint64_t next_for(const Wanted& wanted);
    // The newest candidate with `key` (0: none).
    [[nodiscard]] std::uint64_t newest(std::uint64_t key);

    // Empties the window, oldest first.
    template <typename Visit>
    void drain(Visit visit) {
        while (size_ > 0) visit(forget_oldest());
        // Empty, the ring grows again from its start.
        entries_.clear();
        oldest_ = 0;
    }

private:
    struct Entry {
        Candidate candidate;
        std::uint64_t previous_same_key = 0;
        std::uint64_t next_same_key = 0;
    };
    // The candidates of one key form a list through previous_ and
    // next_same_key, once the window is indexed.
    struct Chain {
        std::uint64_t oldest = 0;
        std::uint64_t newest = 0;
    };

    [[nodiscard]] const Entry* entry(std::uint64_t number) const;
    [[nodiscard]] Entry* entry(std::uint64_t number);
    // The entry `age` places after the oldest.
    [[nodiscard]] Entry* entry_slot(std::size_t age);
    [[nodiscard]] std::uint64_t first_from(const Chain& chain, std::uint64_t floor) const;
    Candidate forget_oldest();
    // Chains every candidate by key, at the first question about keys: a
    // capture of publishers only (nothing delivered) never pays for the chains.
    void index();
    void chain(std::uint64_t number);

    std::size_t capacity_;
    // A ring: the candidates from first_number_ on start at entries_[oldest_]
    // and wrap around. It grows (from oldest_ 0) to the capacity, then the
    // newest candidate takes the place of the oldest, forgotten.
    std::vector<Entry> entries_;
    std::size_t oldest_ = 0;
    std::size_t size_ = 0;
    std::uint64_t first_number_ = 1;  // the number of the oldest candidate
    FlatMap<std::uint64_t, Chain, IdHash> chains_;  // by key (keys are digests: any bits will do)
    bool indexed_ = false;
};

}  // namespace mqscan
