#include "lab/engine/subscription_store.hpp"

#include <algorithm>

#include "analysis/topic_filter.hpp"
#include "lab/engine/topic_levels.hpp"

namespace mqscan::lab {
namespace {

enum Rank : std::uint8_t { kExact, kPlus, kHash, kEnd };

std::vector<std::uint8_t> visit_rank(std::string_view filter) {
    std::vector<std::uint8_t> rank;
    for (std::string_view level : topic_levels(filter)) rank.push_back(level == "+" ? kPlus : level == "#" ? kHash : kExact);
    rank.push_back(kEnd);
    return rank;
}

}  // namespace

SubscriptionStore::Added SubscriptionStore::add(SubscriptionEntry entry) {
    auto key = std::make_pair(entry.client_id, entry.subscription.filter);
    if (auto found = entries_.find(key); found != entries_.end()) {
        found->second.entry = std::move(entry);
        return Added::Replaced;
    }
    std::size_t& held = per_client_[entry.client_id];
    if (held >= max_per_client_) return Added::Refused;
    ++held;
    std::vector<std::uint8_t> rank = visit_rank(entry.subscription.filter);
    entries_.emplace(std::move(key), Stored{std::move(entry), std::move(rank), next_order_++});
    return Added::New;
}

bool SubscriptionStore::remove(const std::string& client_id, const std::string& filter) {
    if (entries_.erase({client_id, filter}) == 0) return false;
    if (--per_client_[client_id] == 0) per_client_.erase(client_id);
    return true;
}

void SubscriptionStore::remove_client(const std::string& client_id) {
    auto first = entries_.lower_bound({client_id, std::string()});
    auto last = first;
    while (last != entries_.end() && last->first.first == client_id) ++last;
    entries_.erase(first, last);
    per_client_.erase(client_id);
}

std::vector<const SubscriptionEntry*> SubscriptionStore::matching(std::string_view topic) const {
    std::vector<const Stored*> found;
    if (valid_topic_name(topic))
        for (const auto& [key, stored] : entries_)
            if (valid_topic_matches(key.second, topic)) found.push_back(&stored);
    std::sort(found.begin(), found.end(), [](const Stored* a, const Stored* b) {
        if (a->visit_rank != b->visit_rank) return a->visit_rank < b->visit_rank;
        return a->order < b->order;
    });
    std::vector<const SubscriptionEntry*> out;
    out.reserve(found.size());
    for (const Stored* s : found) out.push_back(&s->entry);
    return out;
}

std::size_t SubscriptionStore::count(const std::string& client_id) const {
    const auto found = per_client_.find(client_id);
    return found == per_client_.end() ? 0 : found->second;
}

}  // namespace mqscan::lab
