#include "analysis/subscription_table.hpp"

#include <algorithm>

#include "analysis/digest.hpp"
#include "analysis/topic_filter.hpp"

namespace mqscan {
namespace {

// Connection identities have the top bit set, client-id identities not.
constexpr IdentityId kAnonymousBit = IdentityId{1} << 63;

// Keys whose last delivery is remembered per identity: a subscriber rarely
// has more messages of different contents in flight. Past it the stalest is
// forgotten, which only costs the detection of a DUP re-delivery of it.
constexpr std::size_t kCursorsPerIdentity = 16;

}  // namespace

IdentityId SubscriptionTable::client(std::string_view client_id) { return digest(client_id) & ~kAnonymousBit; }

std::uint64_t SubscriptionTable::key_of(std::string_view filter) { return digest(filter); }

IdentityId SubscriptionTable::anonymous(std::uint64_t connection) { return kAnonymousBit | connection; }

SubscriptionTable::Identity* SubscriptionTable::get(IdentityId id) { return identities_.find(id); }

const SubscriptionTable::Identity* SubscriptionTable::get(IdentityId id) const { return identities_.find(id); }

SubscriptionTable::Identity& SubscriptionTable::get_or_add(IdentityId id, std::uint64_t connection) {
    if (Identity* found = identities_.find(id)) return *found;
    Identity& added = identities_.add(id);
    added.connection = connection;
    return added;
}

void SubscriptionTable::online(IdentityId id, std::uint64_t connection) {
    if (Identity* identity = get(id)) identity->connection = connection;
}

void SubscriptionTable::offline(IdentityId id, std::uint64_t connection, bool session_persists) {
    Identity* identity = get(id);
    // Taken over by a newer connection: the session is that one's now.
    if (identity == nullptr || identity->connection != connection) return;
    identity->connection.reset();
    if (!session_persists) clear(id);
    release_if_unused(id);
}

void SubscriptionTable::clear(IdentityId id) {
    Identity* identity = get(id);
    if (identity == nullptr) return;
    for (const ActiveSubscription& s : identity->subscriptions) filter_bytes_ -= s.filter.size();
    active_ -= identity->subscriptions.size();
    identity->subscriptions.clear();
}

void SubscriptionTable::release_if_unused(IdentityId id) {
    const Identity* identity = get(id);
    if (identity == nullptr || identity->connection || !identity->subscriptions.empty()) return;
    identities_.erase(id);
}

SubscriptionTable::Followed SubscriptionTable::subscribe(IdentityId id, std::uint64_t connection,
                                                        ActiveSubscription subscription) {
    const std::string_view topic_filter = subscription_topic_filter(subscription.filter);
    if (!valid_topic_filter(topic_filter)) return Followed::InvalidFilter;
    subscription.filter_key = key_of(subscription.filter);
    subscription.exact = topic_filter.size() == subscription.filter.size() && !has_wildcard(topic_filter);
    if (ActiveSubscription* existing = find(id, subscription.filter_key)) {
        filter_bytes_ = filter_bytes_ - existing->filter.size() + subscription.filter.size();
        *existing = std::move(subscription);
        return Followed::Yes;
    }
    if (active_ >= max_active_ || filter_bytes_ + subscription.filter.size() > max_filter_bytes_)
        return Followed::TableFull;
    filter_bytes_ += subscription.filter.size();
    ++active_;
    get_or_add(id, connection).subscriptions.push_back(std::move(subscription));
    return Followed::Yes;
}

ActiveSubscription* SubscriptionTable::find(IdentityId id, std::uint64_t filter_key) {
    Identity* identity = get(id);
    if (identity == nullptr) return nullptr;
    for (ActiveSubscription& s : identity->subscriptions)
        if (s.filter_key == filter_key) return &s;
    return nullptr;
}

std::optional<ActiveSubscription> SubscriptionTable::remove(IdentityId id, std::uint64_t filter_key) {
    Identity* identity = get(id);
    if (identity == nullptr) return std::nullopt;
    auto& all = identity->subscriptions;
    const auto found = std::find_if(all.begin(), all.end(),
                                    [filter_key](const ActiveSubscription& s) { return s.filter_key == filter_key; });
    if (found == all.end()) return std::nullopt;
    ActiveSubscription removed = std::move(*found);
    all.erase(found);
    --active_;
    filter_bytes_ -= removed.filter.size();
    return removed;
}

const ActiveSubscription* SubscriptionTable::best_match(IdentityId id, std::string_view topic) const {
    const Identity* identity = get(id);
    if (identity == nullptr) return nullptr;
    const ActiveSubscription* best = nullptr;
    // An exact filter matches only a valid name: the topic is checked when a wildcard filter needs it.
    std::optional<bool> valid_topic;
    for (const ActiveSubscription& s : identity->subscriptions) {
        if (!s.exact && !valid_topic) valid_topic = valid_topic_name(topic);
        const bool matches = s.exact ? s.filter == topic
                                     : *valid_topic && valid_topic_matches(subscription_topic_filter(s.filter), topic);
        if (!matches) continue;
        if (best == nullptr || s.qos > best->qos) best = &s;
    }
    return best;
}

std::uint64_t SubscriptionTable::delivered(IdentityId id, std::uint64_t key) const {
    const Identity* identity = get(id);
    if (identity == nullptr) return 0;
    for (const Cursor& c : identity->cursors)
        if (c.key == key) return c.candidate;
    return 0;
}

void SubscriptionTable::set_delivered(IdentityId id, std::uint64_t connection, std::uint64_t key,
                                      std::uint64_t candidate) {
    auto& cursors = get_or_add(id, connection).cursors;
    for (Cursor& c : cursors) {
        if (c.key != key) continue;
        c.candidate = candidate;
        return;
    }
    if (cursors.size() < kCursorsPerIdentity) {
        cursors.push_back({key, candidate});
        return;
    }
    const auto stalest = std::min_element(cursors.begin(), cursors.end(), [](const Cursor& a, const Cursor& b) {
        return a.candidate < b.candidate;
    });
    *stalest = {key, candidate};
}

}  // namespace mqscan
