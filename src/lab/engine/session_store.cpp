#include "lab/engine/session_store.hpp"

#include "lab/engine/engine_time.hpp"

namespace mqscan::lab {

BrokerSession* SessionStore::find(const std::string& client_id) {
    const auto found = sessions_.find(client_id);
    return found == sessions_.end() ? nullptr : &found->second;
}

BrokerSession* SessionStore::create(const std::string& client_id, QosLimits limits) {
    if (sessions_.size() >= max_sessions_) return nullptr;
    return &sessions_.try_emplace(client_id, client_id, limits).first->second;
}

void SessionStore::remove(const std::string& client_id) { sessions_.erase(client_id); }

void SessionStore::detach(BrokerSession& session, Timestamp now) {
    session.connection.reset();
    if (session.expiry_interval != kNeverExpires) session.expires_at = seconds_after(now, session.expiry_interval);
}

std::optional<Timestamp> SessionStore::next_expiry() const {
    std::optional<Timestamp> next;
    for (const auto& [id, session] : sessions_)
        if (session.expires_at && (!next || *session.expires_at < *next)) next = session.expires_at;
    return next;
}

std::vector<std::string> SessionStore::expired(Timestamp now) const {
    std::vector<std::string> out;
    for (const auto& [id, session] : sessions_)
        if (session.expires_at && *session.expires_at <= now) out.push_back(id);
    return out;
}

}  // namespace mqscan::lab
