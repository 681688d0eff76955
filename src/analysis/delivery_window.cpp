#include "analysis/delivery_window.hpp"

#include <algorithm>

#include "analysis/digest.hpp"
#include "analysis/listed_records.hpp"

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
// Identical messages walked past to find the first one a subscription could
// receive: a flood of one message cannot make each delivery walk the window.
constexpr std::size_t kMaxWalked = 4096;

}  // namespace

std::uint64_t topic_key(std::string_view topic) { return digest(topic); }

std::uint64_t message_key(std::uint64_t topic_key, std::string_view captured_payload,
                          std::uint32_t payload_length) {
    return mix(digest(captured_payload, topic_key) ^ payload_length);
}

DeliveryWindow::DeliveryWindow(std::size_t capacity) : capacity_(capacity) { reserve_limit(entries_, capacity); }

DeliveryWindow::Added DeliveryWindow::add(const Candidate& candidate) {
    Added added{next_number(), std::nullopt};
    if (capacity_ == 0) {  // nothing is remembered: the candidate is forgotten at once
        added.forgotten = candidate;
        return added;
    }
    if (size_ == capacity_) added.forgotten = forget_oldest();
    const Entry fresh{candidate, 0, 0};
    if (entries_.size() < capacity_) {
        entries_.push_back(fresh);
    } else {
        *entry_slot(size_) = fresh;
    }
    ++size_;
    if (indexed_) chain(added.number);
    return added;
}

void DeliveryWindow::chain(std::uint64_t number) {
    const auto [found, created] = chains_.try_emplace(entry(number)->candidate.key);
    if (created) {
        *found = Chain{number, number};
        return;
    }
    entry(found->newest)->next_same_key = number;
    entry(number)->previous_same_key = found->newest;
    found->newest = number;
}

void DeliveryWindow::index() {
    if (indexed_) return;
    for (std::uint64_t number = first_number_; number < next_number(); ++number) chain(number);
    indexed_ = true;
}

DeliveryWindow::Entry* DeliveryWindow::entry_slot(std::size_t age) {
    const std::size_t at = oldest_ + age;
    return &entries_[at < entries_.size() ? at : at - entries_.size()];
}

DeliveryWindow::Entry* DeliveryWindow::entry(std::uint64_t number) {
    if (number < first_number_ || number - first_number_ >= size_) return nullptr;
    return entry_slot(static_cast<std::size_t>(number - first_number_));
}

const DeliveryWindow::Entry* DeliveryWindow::entry(std::uint64_t number) const {
    return const_cast<DeliveryWindow*>(this)->entry(number);
}

Candidate* DeliveryWindow::find(std::uint64_t number) {
    Entry* e = entry(number);
    return e == nullptr ? nullptr : &e->candidate;
}

std::uint64_t DeliveryWindow::next_for(const Wanted& w) {
    index();
    std::uint64_t number = 0;
    if (const Entry* previous = entry(w.after);
        previous != nullptr && previous->candidate.key == w.key && w.after >= w.floor) {
        number = previous->next_same_key;
    } else if (const Chain* chain = chains_.find(w.key)) {
        number = first_from(*chain, w.floor);
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

// The oldest candidate of a chain numbered from `floor` on (0: none, or
// more than kMaxWalked of them: the delivery is then left without a source).
// Walks back from the newest: the candidates since a session began are few.
std::uint64_t DeliveryWindow::first_from(const Chain& chain, std::uint64_t floor) const {
    if (floor <= chain.oldest) return chain.oldest;
    if (chain.newest < floor) return 0;
    // From chain.oldest on, every candidate is in the window; the oldest's
    // previous (0, or one forgotten) is below the floor.
    std::uint64_t number = chain.newest;
    for (std::size_t walked = 0; entry(number)->previous_same_key >= floor; ++walked) {
        if (walked == kMaxWalked) return 0;
        number = entry(number)->previous_same_key;
    }
    return number;
}

std::uint64_t DeliveryWindow::newest(std::uint64_t key) {
    index();
    const Chain* chain = chains_.find(key);
    return chain == nullptr ? 0 : chain->newest;
}

Candidate DeliveryWindow::forget_oldest() {
    const Entry oldest = *entry_slot(0);
    oldest_ = oldest_ + 1 < entries_.size() ? oldest_ + 1 : 0;
    --size_;
    ++first_number_;
    if (!indexed_) return oldest.candidate;
    // The oldest candidate overall is the oldest of its key.
    if (oldest.next_same_key == 0) {
        chains_.erase(oldest.candidate.key);
    } else {
        chains_.find(oldest.candidate.key)->oldest = oldest.next_same_key;
    }
    return oldest.candidate;
}

}  // namespace mqscan
