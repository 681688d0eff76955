#include "analysis/delivery_window.hpp"

#include <algorithm>
#include <functional>

namespace mqscan {
namespace {

// The splitmix64 finaliser: spreads every input bit over the 64 bits.
std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

// Candidates looked at for a delivery: identical messages at several QoS in
// flight at once are few; the bound keeps a pathological capture linear.
constexpr std::size_t kMaxLooked = 64;

}  // namespace

std::uint64_t topic_key(std::string_view topic) { return mix(std::hash<std::string_view>{}(topic)); }

std::uint64_t message_key(std::uint64_t topic_key, std::string_view captured_payload,
                          std::uint32_t payload_length) {
    const std::uint64_t key = mix(topic_key ^ std::hash<std::string_view>{}(captured_payload));
    return mix(key ^ payload_length);
}

DeliveryWindow::Added DeliveryWindow::add(const Candidate& candidate) {
    Added added{first_number_ + entries_.size(), std::nullopt};
    if (capacity_ == 0) {  // nothing is remembered: the candidate is forgotten at once
        added.forgotten = candidate;
        return added;
    }
    if (entries_.size() == capacity_) added.forgotten = forget_oldest();
    entries_.push_back(Entry{candidate, 0, 0});
    auto [chain, created] = chains_.try_emplace(candidate.key, Chain{added.number, added.number});
    if (!created) {
        entries_[chain->second.newest - first_number_].next_same_key = added.number;
        entries_.back().previous_same_key = chain->second.newest;
        chain->second.newest = added.number;
    }
    return added;
}

const DeliveryWindow::Entry* DeliveryWindow::entry(std::uint64_t number) const {
    if (number < first_number_ || number - first_number_ >= entries_.size()) return nullptr;
    return &entries_[number - first_number_];
}

Candidate* DeliveryWindow::find(std::uint64_t number) {
    return entry(number) == nullptr ? nullptr : &entries_[number - first_number_].candidate;
}

std::uint64_t DeliveryWindow::next_for(const Wanted& w) const {
    std::uint64_t number = 0;
    if (const Entry* previous = entry(w.after);
        previous != nullptr && previous->candidate.key == w.key && w.after >= w.floor) {
        number = previous->next_same_key;
    } else if (const auto chain = chains_.find(w.key); chain != chains_.end()) {
        number = first_from(chain->second, w.floor);
    }
    std::uint64_t eligible = 0;
    std::size_t looked = 0;
    for (const Entry* e = entry(number); e != nullptr && looked < kMaxLooked; e = entry(number), ++looked) {
        const Candidate& c = e->candidate;
        // Candidates are added in capture order: if this one is not earlier
        // than the delivery, no later one is.
        if (c.frame >= w.frame) break;
        if (std::min(c.qos, w.granted) == w.qos) return number;
        if (eligible == 0 && c.qos >= w.qos) eligible = number;
        number = e->next_same_key;
    }
    return eligible;
}

// The oldest candidate of a chain numbered from `floor` on (0: none). Walks
// back from the newest: the candidates since a session began are few.
std::uint64_t DeliveryWindow::first_from(const Chain& chain, std::uint64_t floor) const {
    if (floor <= chain.oldest) return chain.oldest;
    if (chain.newest < floor) return 0;
    // From chain.oldest on, every candidate is in the window; the oldest's
    // previous (0, or one forgotten) is below the floor.
    std::uint64_t number = chain.newest;
    while (entry(number)->previous_same_key >= floor) number = entry(number)->previous_same_key;
    return number;
}

std::uint64_t DeliveryWindow::newest(std::uint64_t key) const {
    const auto chain = chains_.find(key);
    return chain == chains_.end() ? 0 : chain->second.newest;
}

Candidate DeliveryWindow::forget_oldest() {
    const Entry oldest = entries_.front();
    entries_.pop_front();
    ++first_number_;
    const auto chain = chains_.find(oldest.candidate.key);
    // The oldest candidate overall is the oldest of its key.
    if (oldest.next_same_key == 0) {
        chains_.erase(chain);
    } else {
        chain->second.oldest = oldest.next_same_key;
    }
    return oldest.candidate;
}

}  // namespace mqscan
