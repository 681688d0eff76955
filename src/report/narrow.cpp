#include "report/narrow.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "analysis/topic_filter.hpp"
#include "analysis/session_text.hpp"
#include "mqtt/properties.hpp"

namespace mqscan {
namespace {

using mqtt::PacketType;

std::vector<std::string_view> levels(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t slash = text.find('/'); slash != std::string_view::npos; slash = text.find('/', start)) {
        out.push_back(text.substr(start, slash - start));
        start = slash + 1;
    }
    out.push_back(text.substr(start));
    return out;
}

// Two filters overlap when some topic matches both: level by level, '+'
// matches any one level and '#' the rest.
bool filters_overlap(std::string_view a, std::string_view b) {
    const auto la = levels(a);
    const auto lb = levels(b);
    for (std::size_t i = 0; i < la.size() && i < lb.size(); ++i) {
        if (la[i] == "#" || lb[i] == "#") return true;
        if (la[i] != "+" && lb[i] != "+" && la[i] != lb[i]) return false;
    }
    if (la.size() == lb.size()) return true;
    // "a/#" also matches "a": a longer filter overlaps when its extra level is '#'.
    const auto& longer = la.size() > lb.size() ? la : lb;
    return longer.size() == std::min(la.size(), lb.size()) + 1 && longer.back() == "#";
}

template <typename T>
bool contains(const std::vector<T>& items, const T& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

template <typename T, typename Keep>
void keep_if(std::vector<T>& items, Keep keep) {
    items.erase(std::remove_if(items.begin(), items.end(), [&](const T& item) { return !keep(item); }),
                items.end());
}

bool is_ack(PacketType type) {
    switch (type) {
        case PacketType::Puback:
        case PacketType::Pubrec:
        case PacketType::Pubrel:
        case PacketType::Pubcomp:
        case PacketType::Suback:
        case PacketType::Unsuback: return true;
        default: return false;
    }
}

// Who started the exchange a packet belongs to: a PUBREL comes from the
// publisher, the other acks from the receiver.
Direction initiator(PacketType type, Direction dir) {
    switch (type) {
        case PacketType::Publish:
        case PacketType::Subscribe:
        case PacketType::Unsubscribe:
        case PacketType::Pubrel: return dir;
        default: return opposite(dir);
    }
}

std::uint32_t exchange_key(Direction from, std::uint16_t packet_id) {
    return (static_cast<std::uint32_t>(from) << 16) | packet_id;
}

// The 5.0 CONNACK's Assigned Client Identifier [MQTT-3.2.2.3.7], else nullptr.
const std::string* assigned_client_id(const mqtt::Packet& connack) {
    const mqtt::Property* assigned =
        mqtt::property::find(connack.properties, mqtt::property::kAssignedClientIdentifier);
    return assigned == nullptr ? nullptr : &assigned->text;
}

// The last packet of an exchange: its id is free again.
bool ends_exchange(PacketType type) {
    return type == PacketType::Puback || type == PacketType::Pubcomp || type == PacketType::Suback ||
           type == PacketType::Unsuback;
}

}  // namespace

std::string Narrowing::describe() const {
    std::vector<std::string> parts;
    for (std::uint64_t id : connections) parts.push_back(fmt::format("connection #{}", id));
    for (const std::string& id : client_ids) parts.push_back(fmt::format("client id '{}'", id));
    for (const std::string& topic : topics) parts.push_back(fmt::format("topic '{}'", topic));
    return fmt::format("{}", fmt::join(parts, ", "));
}

bool Narrowing::selects_topic(std::string_view topic) const {
    return std::any_of(topics.begin(), topics.end(),
                       [topic](const std::string& filter) { return topic_matches(filter, topic); });
}

bool Narrowing::selects_filter(std::string_view filter) const {
    return std::any_of(topics.begin(), topics.end(),
                       [filter](const std::string& mine) { return filters_overlap(mine, filter); });
}

bool PacketSelection::selects_connection(std::uint64_t connection, const std::string& client_id) const {
    if (!narrowing_.connections.empty() && !contains(narrowing_.connections, connection)) return false;
    return narrowing_.client_ids.empty() || contains(narrowing_.client_ids, client_id);
}

bool PacketSelection::keep(std::uint64_t connection, Direction dir, const mqtt::Packet& packet) {
    if (packet.type == PacketType::Connect) client_ids_[connection] = packet.client_id;
    if (packet.type == PacketType::Connack)
        if (const std::string* assigned = assigned_client_id(packet)) client_ids_[connection] = *assigned;
    const auto known = client_ids_.find(connection);
    if (!selects_connection(connection, known == client_ids_.end() ? std::string() : known->second))
        return false;
    return narrowing_.topics.empty() || keep_for_topic(connection, dir, packet);
}

bool PacketSelection::keep_for_topic(std::uint64_t connection, Direction dir, const mqtt::Packet& packet) {
    const auto await = [&] {
        if (packet.packet_id) awaited_[connection].insert(exchange_key(dir, *packet.packet_id));
        return true;
    };
    switch (packet.type) {
        case PacketType::Publish:
            if (!narrowing_.selects_topic(packet.effective_topic())) return false;
            return packet.qos > 0 ? await() : true;
        case PacketType::Subscribe:
            for (const mqtt::Subscription& s : packet.subscriptions)
                if (narrowing_.selects_filter(subscription_topic_filter(s.filter))) return await();
            return false;
        case PacketType::Unsubscribe:
            for (const std::string& filter : packet.unsubscribe_filters)
                if (narrowing_.selects_filter(subscription_topic_filter(filter))) return await();
            return false;
        default: break;
    }
    if (!is_ack(packet.type) || !packet.packet_id) return false;
    const std::uint32_t key = exchange_key(initiator(packet.type, dir), *packet.packet_id);
    const auto found = awaited_.find(connection);
    if (found == awaited_.end() || found->second.count(key) == 0) return false;
    if (ends_exchange(packet.type)) found->second.erase(key);
    return true;
}

void PacketSelection::forget(std::uint64_t connection) {
    client_ids_.erase(connection);
    awaited_.erase(connection);
}

void narrow(CaptureReport& report, const Narrowing& n) {
    if (!n.active()) return;
    PacketSelection selection(n);
    std::unordered_set<std::uint64_t> kept;
    const auto client_id = [&](std::uint64_t id) {
        const SessionReport* s = find_connection_record(report.sessions, id);
        return s == nullptr ? std::string() : s->client_id;
    };
    for (MqttConnectionReport& m : report.mqtt) {
        const std::uint64_t unlisted = m.packet_count - m.packets.size();
        keep_if(m.packets, [&](const MqttPacketRecord& r) { return selection.keep(m.connection, r.dir, r.packet); });
        // Packets that were never listed stay "not listed": they were not looked at.
        m.packet_count = m.packets.size() + unlisted;
        if (!m.packets.empty()) kept.insert(m.connection);
    }
    const bool by_topic = !n.topics.empty();
    keep_if(report.qos.flows, [&](const QosFlow& f) {
        const bool keep = selection.selects_connection(f.connection, client_id(f.connection)) &&
                          (!by_topic || n.selects_topic(f.topic));
        if (keep) kept.insert(f.connection);
        return keep;
    });
    DeliveryReport& d = report.delivery;
    keep_if(d.subscriptions, [&](const SubscriptionRecord& s) {
        const bool keep = selection.selects_connection(s.connection, s.client_id) &&
                          (!by_topic || n.selects_filter(subscription_topic_filter(s.filter)));
        if (keep) kept.insert(s.connection);
        return keep;
    });
    keep_if(d.retained, [&](const RetainedEvent& r) {
        return selection.selects_connection(r.connection, client_id(r.connection)) &&
               (!by_topic || n.selects_topic(r.topic));
    });
    // A fan-out stays when its publisher or one of its subscribers is selected;
    // deliveries never listed stay counted, as nobody looked at where they went.
    for (Fanout& f : d.fanouts) {
        if (selection.selects_connection(f.connection, f.client_id)) continue;
        const std::uint64_t unlisted = f.delivery_count - f.deliveries.size();
        keep_if(f.deliveries, [&](const Delivery& x) { return selection.selects_connection(x.connection, x.client_id); });
        f.delivery_count = f.deliveries.size() + unlisted;
    }
    keep_if(d.fanouts, [&](const Fanout& f) {
        if (by_topic && !n.selects_topic(f.topic)) return false;
        const bool publisher = selection.selects_connection(f.connection, f.client_id);
        if (publisher) kept.insert(f.connection);
        for (const Delivery& x : f.deliveries) kept.insert(x.connection);
        return publisher || !f.deliveries.empty();
    });
    if (by_topic) keep_if(d.topics, [&](const TopicStats& t) { return n.selects_topic(t.topic); });

    // Without --topic every selected connection is kept, MQTT or not; with it,
    // those that carried something on the topics.
    const auto selected = [&](std::uint64_t id) {
        return selection.selects_connection(id, client_id(id)) && (!by_topic || kept.count(id) > 0);
    };
    keep_if(report.connections, [&](const ConnectionSummary& c) { return selected(c.id); });
    keep_if(report.sessions, [&](const SessionReport& s) { return selected(s.connection); });
    keep_if(report.mqtt, [&](const MqttConnectionReport& m) { return selected(m.connection); });
    keep_if(report.tls, [&](const TlsConnectionReport& t) { return selected(t.connection); });
    keep_if(report.keepalive, [&](const KeepaliveReport& k) { return selected(k.connection); });
    keep_if(report.qos.per_connection, [&](const QosConnectionTotals& q) { return selected(q.connection); });
    keep_if(report.findings, [&](const Finding& f) {
        if (by_topic && !f.topic.empty() && !n.selects_topic(f.topic)) return false;
        return !f.connection || selected(*f.connection);
    });
    keep_if(report.anomalies, [&](const Anomaly& a) { return !a.connection || selected(*a.connection); });
}

}  // namespace mqscan
