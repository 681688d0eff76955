#pragma once
// Who is subscribed to what. Subscriptions belong to a subscriber identity —
// the client id, or the connection when there is none — so that a persistent
// session keeps them across connections [MQTT-3.1.2-4, MQTT-3.1.2-6].

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/id_table.hpp"

namespace mqscan {

using IdentityId = std::uint64_t;

struct ActiveSubscription {
    std::string filter;  // as subscribed (a shared subscription keeps its "$share/name/")
    std::uint64_t filter_key = 0;  // SubscriptionTable::key_of(filter), set by subscribe()
    bool exact = false;            // no wildcard, not shared: matches one topic, set by subscribe()
    std::uint8_t qos = 0;  // granted by the SUBACK; the requested QoS until the SUBACK is seen
    bool retain_as_published = false;  // 5.0: deliveries keep the retain flag [MQTT-3.3.1-12]
    std::size_t record = 0;  // its SubscriptionRecord's index, when listed
};

class SubscriptionTable {
public:
    // Subscriptions followed at once over all identities: at most
    // `max_active`, holding at most `max_filter_bytes` of filters.
    SubscriptionTable(std::size_t max_active, std::size_t max_filter_bytes)
        : max_active_(max_active), max_filter_bytes_(max_filter_bytes) {}

    // A digest of a filter: how a SUBACK or an UNSUBSCRIBE finds a subscription.
    [[nodiscard]] static std::uint64_t key_of(std::string_view filter);

    // The identity of a non-empty client id: a 63-bit digest, so that no
    // client id needs to be kept (two ids collide with odds of about 2^-63).
    [[nodiscard]] static IdentityId client(std::string_view client_id);
    // The identity of a connection that has no client id.
    [[nodiscard]] static IdentityId anonymous(std::uint64_t connection);

    // A connection resumes the identity's session, if it has one (the latest
    // connection takes it over). Identities exist only while they subscribe
    // or receive: a publisher costs nothing here.
    void online(IdentityId id, std::uint64_t connection);
    // The connection stops using it; a session that does not persist loses
    // its subscriptions.
    void offline(IdentityId id, std::uint64_t connection, bool session_persists);
    // A clean start or a broker without the session: the subscriptions are gone.
    void clear(IdentityId id);

    // Adds a subscription made on `connection`, or replaces the one with the
    // same filter [MQTT-3.8.4-3]. An invalid filter is not followed: it could
    // match nothing, and the broker refuses it.
    enum class Followed : std::uint8_t { Yes, InvalidFilter, TableFull };
    Followed subscribe(IdentityId id, std::uint64_t connection, ActiveSubscription subscription);
    ActiveSubscription* find(IdentityId id, std::uint64_t filter_key);
    std::optional<ActiveSubscription> remove(IdentityId id, std::uint64_t filter_key);
    // Of the subscriptions matching `topic`, the one with the highest QoS: a
    // message is delivered at that one's [MQTT-3.3.5-1]; nullptr when none.
    [[nodiscard]] const ActiveSubscription* best_match(IdentityId id, std::string_view topic) const;

    // The newest candidate of `key` delivered to the identity (0: none seen).
    [[nodiscard]] std::uint64_t delivered(IdentityId id, std::uint64_t key) const;
    void set_delivered(IdentityId id, std::uint64_t connection, std::uint64_t key, std::uint64_t candidate);

private:
    struct Cursor {
        std::uint64_t key = 0;
        std::uint64_t candidate = 0;
    };
    struct Identity {
        std::optional<std::uint64_t> connection;  // the connection using it
        std::vector<ActiveSubscription> subscriptions;
        std::vector<Cursor> cursors;
    };
    Identity& get_or_add(IdentityId id, std::uint64_t connection);
    Identity* get(IdentityId id);
    [[nodiscard]] const Identity* get(IdentityId id) const;
    void release_if_unused(IdentityId id);

    std::size_t max_active_;
    std::size_t max_filter_bytes_;
    std::size_t active_ = 0;
    std::size_t filter_bytes_ = 0;
    IdTable<Identity> identities_;
};

}  // namespace mqscan
