#pragma once
// The broker's sessions [MQTT-4.1]: one per client id, online while a
// connection uses it, kept offline for its expiry interval (for ever for a 3.x
// client with clean session 0) with its QoS state and queued messages. The
// client's subscriptions live in the SubscriptionStore under the same id.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lab/engine/engine_output.hpp"
#include "lab/engine/qos_session.hpp"
#include "mqscan/mqtt.hpp"

namespace mqscan::lab {

struct BrokerSession {
    BrokerSession(std::string id, QosLimits limits) : client_id(std::move(id)), qos(limits) {}

    std::string client_id;
    QosSession qos;
    mqtt::Version version = mqtt::Version::V311;
    std::optional<ConnectionId> connection;  // while a connection uses it
    // Seconds it outlives its connection [MQTT 5.0 §3.1.2.11.2].
    std::uint32_t expiry_interval = 0;
    std::optional<Timestamp> expires_at;  // while offline, unless it never expires
    // The largest packet the client takes [MQTT 5.0 §3.1.2.11.4].
    std::uint32_t max_packet_out = std::numeric_limits<std::uint32_t>::max();
    bool dropping = false;  // messages are being dropped: said once (mosquitto's is_dropping)
};

class SessionStore {
public:
    // 5.0's "never expires" [MQTT 5.0 §3.1.2.11.2], and a 3.x clean session 0.
    static constexpr std::uint32_t kNeverExpires = std::numeric_limits<std::uint32_t>::max();

    // `max_sessions`: sessions kept, online or not.
    explicit SessionStore(std::size_t max_sessions) : max_sessions_(max_sessions) {}

    BrokerSession* find(const std::string& client_id);
    // A new session, or nullptr when max_sessions are kept already.
    BrokerSession* create(const std::string& client_id, QosLimits limits);
    void remove(const std::string& client_id);

    // The session's connection ended at `now`: it waits for its expiry.
    void detach(BrokerSession& session, Timestamp now);

    [[nodiscard]] std::optional<Timestamp> next_expiry() const;
    // The offline sessions whose expiry has come, by client id.
    [[nodiscard]] std::vector<std::string> expired(Timestamp now) const;
    [[nodiscard]] std::size_t size() const { return sessions_.size(); }

private:
    std::size_t max_sessions_;
    std::map<std::string, BrokerSession> sessions_;
};

}  // namespace mqscan::lab
