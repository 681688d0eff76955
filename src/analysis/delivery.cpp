#include "analysis/delivery.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "analysis/delivery_words.hpp"
#include "analysis/topic_filter.hpp"
#include "mqtt/properties.hpp"

namespace mqscan {
namespace {

using mqtt::Packet;
using mqtt::PacketType;

// SUBSCRIBEs awaiting their SUBACK per connection: a client rarely has more
// in flight; past it the oldest is dropped and its SUBACK goes unread.
constexpr std::size_t kPendingSubscribes = 16;

// Memory bounds whatever the capture: the listed records (strings cut at the
// payload cap), the filters of the subscriptions followed, the topic names
// counted. Past them records are counted as unlisted, subscriptions explain
// no delivery, topics are left out (each with its anomaly).
constexpr std::size_t kListingBytes = 16 * 1024 * 1024;
constexpr std::size_t kFilterBytes = 8 * 1024 * 1024;
constexpr std::size_t kTopicBytes = 8 * 1024 * 1024;


// Whether the session outlives the connection: 3.x without clean session
// [MQTT-3.1.2-4 in 3.1.1]; 5.0 with a session expiry interval above 0
// [MQTT-3.1.2-23].
bool session_persists(const Packet& connect, mqtt::Version version) {
    if (version != mqtt::Version::V5) return !connect.clean_session();
    const mqtt::Property* expiry = mqtt::property::find(connect.properties, mqtt::property::kSessionExpiryInterval);
    return expiry != nullptr && expiry->number > 0;
}

// SUBACK failure codes: 3.1.1 has one, 0x80; 5.0 names the reason (§3.9.3).
std::string_view suback_failure(std::uint8_t code, mqtt::Version version) {
    if (version != mqtt::Version::V5) return "failure";
    switch (code) {
        case 0x80: return "unspecified error";
        case 0x83: return "implementation specific error";
        case 0x87: return "not authorized";
        case 0x8F: return "topic filter invalid";
        case 0x91: return "packet identifier in use";
        case 0x97: return "quota exceeded";
        case 0x9E: return "shared subscriptions not supported";
        case 0xA1: return "subscription identifiers not supported";
        case 0xA2: return "wildcard subscriptions not supported";
        default: return "unknown reason code";
    }
}

std::size_t listing_cost(const SubscriptionRecord& r) {
    return sizeof r + r.client_id.size() + r.filter.size();
}
std::size_t listing_cost(const RetainedEvent& r) { return sizeof r + r.topic.size(); }
std::size_t listing_cost(const Fanout& f) { return sizeof f + f.client_id.size() + f.topic.size(); }
std::size_t listing_cost(const Delivery& d) { return sizeof d + d.client_id.size() + d.filter.size(); }

// The client or the broker began closing the TCP connection.
bool shows_closing(const ConnectionSummary& c) {
    const DirectionStats& client = c.stats(Direction::ToServer);
    const DirectionStats& broker = c.stats(Direction::ToClient);
    return client.fin || client.rst || broker.fin || broker.rst;
}

}  // namespace

DeliveryAnalyzer::DeliveryAnalyzer(const AnalysisSettings& settings, ReportBuilder& report)
    : settings_(settings),
      report_(report),
      subscriptions_(settings.limits.max_delivery_candidates, kFilterBytes),
      window_(settings.limits.max_delivery_candidates),
      topics_(settings.limits.max_topics, kTopicBytes) {
    reserve_limit(out_.subscriptions, settings.limits.max_subscriptions_listed);
    reserve_limit(out_.retained, settings.limits.max_retained_listed);
    reserve_limit(out_.fanouts, settings.limits.max_fanouts_listed);
}

std::string DeliveryAnalyzer::listed_text(std::string_view text) const {
    return std::string(text.substr(0, settings_.mqtt.payload_cap));
}

// Appends a record within its listing limit and the listing budget; counts it
// otherwise. `make` builds the record only when it is listed.
template <typename Record, typename Make>
std::size_t DeliveryAnalyzer::list_within(std::vector<Record>& listed, std::uint64_t& unlisted,
                                          std::size_t limit, Make make) {
    if (listed.size() >= limit || listing_bytes_ >= kListingBytes) {
        ++unlisted;
        return kNotListed;
    }
    listed.push_back(make());
    listing_bytes_ += listing_cost(listed.back());
    return listed.size() - 1;
}

DeliveryAnalyzer::ConnectionState& DeliveryAnalyzer::state_of(const ConnectionSummary& connection) {
    if (ConnectionState* s = connections_.find(connection.id)) return *s;
    ConnectionState& s = connections_.add(connection.id);
    s.summary = &connection;
    s.identity = SubscriptionTable::anonymous(connection.id);
    return s;
}

void DeliveryAnalyzer::on_mqtt_connection(const ConnectionSummary& connection) { state_of(connection); }

void DeliveryAnalyzer::on_mqtt_packet(const MqttPacketEvent& e) {
    // Fields after the damage are missing: a cut topic or payload would match nothing.
    if (e.malformed) return;
    const bool from_client = e.dir == Direction::ToServer;
    // Acks and pings concern no delivery: the connection's state is not even looked up.
    switch (e.packet.type) {
        case PacketType::Connect:
            if (from_client) on_connect(state_of(e.connection), e);
            break;
        case PacketType::Connack:
            if (!from_client) on_connack(state_of(e.connection), e);
            break;
        case PacketType::Publish:
            if (from_client) {
                on_client_publish(state_of(e.connection), e);
            } else {
                on_broker_publish(state_of(e.connection), e);
            }
            break;
        case PacketType::Subscribe:
            if (from_client) on_subscribe(state_of(e.connection), e);
            break;
        case PacketType::Suback:
            if (!from_client) on_suback(state_of(e.connection), e);
            break;
        case PacketType::Unsubscribe:
            if (from_client) on_unsubscribe(state_of(e.connection), e);
            break;
        case PacketType::Disconnect:
            if (from_client) on_client_disconnect(state_of(e.connection), e);
            break;
        default:
            break;
    }
}

void DeliveryAnalyzer::on_mqtt_end(const ConnectionSummary& connection) {
    ConnectionState* found = connections_.find(connection.id);
    if (found == nullptr) return;
    ConnectionState& s = *found;
    // A connection still open, or only silent, has not lost its will yet.
    if (s.will && (s.will_disconnect || shows_closing(connection) ||
                   connection.end_reason == EndReason::PortReused))
        publish_will(s, connection);
    disarm_will(s, connection.id);
    subscriptions_.offline(s.identity, connection.id, s.session_persists);
    connection_findings(connection.id, s);
    connections_.erase(connection.id);
}

void DeliveryAnalyzer::finish(ReportBuilder& report) {
    for (const std::uint64_t id : connections_.ids()) connection_findings(id, *connections_.find(id));
    window_.drain([this](const Candidate& candidate) { settle(candidate); });
    no_subscriber_findings();
    retained_findings();
    out_.latency = latency_.summary();
    out_.topics = topics_.stats();
    report.draft().delivery = std::move(out_);
}

// ---- sessions -------------------------------------------------------------

void DeliveryAnalyzer::on_connect(ConnectionState& s, const MqttPacketEvent& e) {
    const Packet& p = e.packet;
    s.clean_start = p.clean_session();
    s.session_persists = session_persists(p, e.version);
    // A clean start begins a fresh session; otherwise the CONNACK tells.
    s.connect_number = window_.next_number();
    s.floor = s.clean_start ? s.connect_number : 0;
    if (!p.client_id.empty()) bind_identity(s, p.client_id);
    // Clean session (3.x) or clean start (5.0) discards the previous session
    // [MQTT-3.1.2-6 in 3.1.1, MQTT-3.1.2-4 in 5.0].
    if (s.clean_start) subscriptions_.clear(s.identity);
    disarm_will(s, e.connection.id);
    if (p.will) arm_will(s, e.connection.id, *p.will);
}

void DeliveryAnalyzer::on_connack(ConnectionState& s, const MqttPacketEvent& e) {
    const Packet& p = e.packet;
    const mqtt::Property* assigned = mqtt::property::find(p.properties, mqtt::property::kAssignedClientIdentifier);
    if (assigned != nullptr && s.client_id.empty()) bind_identity(s, assigned->text);
    // Accepted without a session although one was asked for: the broker had
    // none, so no earlier subscription survives [MQTT-3.2.2-3].
    const bool accepted = p.reason_code.value_or(0) == 0;
    if (accepted && !p.session_present && !s.clean_start) {
        subscriptions_.clear(s.identity);
        s.floor = s.connect_number;
    }
}

void DeliveryAnalyzer::on_client_disconnect(ConnectionState& s, const MqttPacketEvent& e) {
    const Packet& p = e.packet;
    if (const mqtt::Property* expiry = mqtt::property::find(p.properties, mqtt::property::kSessionExpiryInterval))
        s.session_persists = expiry->number > 0;
    // Only a normal DISCONNECT (3.x, or 5.0 reason 0x00) discards the will;
    // 0x04 "disconnect with will message" and the error codes keep it [MQTT-3.1.2-10].
    const std::uint8_t reason = p.reason_code.value_or(0);
    if (reason == 0) {
        disarm_will(s, e.connection.id);
        return;
    }
    s.will_disconnect = e.at;
    s.will_disconnect_reason = reason;
}

void DeliveryAnalyzer::bind_identity(ConnectionState& s, const std::string& client_id) {
    const std::uint64_t connection = s.summary->id;
    const IdentityId id = subscriptions_.client(client_id);
    s.client_id = listed_text(client_id);
    if (id == s.identity) return;
    subscriptions_.offline(s.identity, connection, false);
    s.identity = id;
    subscriptions_.online(id, connection);
}

// ---- subscriptions --------------------------------------------------------

std::size_t DeliveryAnalyzer::list_subscription(const ConnectionState& s, const MqttPacketEvent& e,
                                                const mqtt::Subscription& subscription) {
    return list_within(out_.subscriptions, out_.subscriptions_unlisted,
                       settings_.limits.max_subscriptions_listed, [&] {
                           SubscriptionRecord r;
                           r.connection = e.connection.id;
                           r.client_id = s.client_id;
                           r.frame = e.at.number;
                           r.time = e.at.time;
                           r.filter = listed_text(subscription.filter);
                           r.requested_qos = subscription.qos;
                           r.wildcard = has_wildcard(subscription.filter);
                           return r;
                       });
}

void DeliveryAnalyzer::on_subscribe(ConnectionState& s, const MqttPacketEvent& e) {
    has_subscriber_ = true;
    const Packet& p = e.packet;
    PendingSubscribe pending{p.packet_id.value_or(0), {}};
    pending.filters.reserve(p.subscriptions.size());
    for (std::size_t position = 0; position < p.subscriptions.size(); ++position) {
        const mqtt::Subscription& subscription = p.subscriptions[position];
        const std::size_t record = list_subscription(s, e, subscription);
        const SubscriptionTable::Followed followed = subscriptions_.subscribe(
            s.identity, e.connection.id,
            ActiveSubscription{.filter = subscription.filter,
                               .qos = subscription.qos,
                               .retain_as_published = subscription.retain_as_published,
                               .record = record});
        if (followed == SubscriptionTable::Followed::Yes || record != kNotListed)
            pending.filters.push_back({position, SubscriptionTable::key_of(subscription.filter), record});
        if (followed == SubscriptionTable::Followed::TableFull && !subscriptions_limit_reported_) {
            subscriptions_limit_reported_ = true;
            report_.anomaly(AnomalyId::AnalysisSubscriptionsLimit, e.connection.id, e.at.number,
                            fmt::format("{} active subscriptions ({} MiB of filters) are followed; later ones "
                                        "are listed but explain no delivery",
                                        settings_.limits.max_delivery_candidates, kFilterBytes >> 20));
        }
    }
    if (s.pending_subscribes.size() == kPendingSubscribes)
        s.pending_subscribes.erase(s.pending_subscribes.begin());
    s.pending_subscribes.push_back(std::move(pending));
}

void DeliveryAnalyzer::on_suback(ConnectionState& s, const MqttPacketEvent& e) {
    const Packet& p = e.packet;
    auto& pending = s.pending_subscribes;
    const auto found = std::find_if(pending.begin(), pending.end(), [&p](const PendingSubscribe& sub) {
        return p.packet_id == sub.packet_id;
    });
    if (found == pending.end()) return;
    const PendingSubscribe answered = std::move(*found);
    pending.erase(found);
    for (const PendingFilter& filter : answered.filters)
        if (filter.position < p.reason_codes.size())
            apply_suback_code(s, e, filter.key, filter.record, p.reason_codes[filter.position]);
}

void DeliveryAnalyzer::apply_suback_code(ConnectionState& s, const MqttPacketEvent& e, std::uint64_t filter_key,
                                         std::size_t record, std::uint8_t code) {
    SubscriptionRecord* listed = record == kNotListed ? nullptr : &out_.subscriptions[record];
    ActiveSubscription* active = subscriptions_.find(s.identity, filter_key);
    if (active != nullptr && active->record != record) active = nullptr;  // subscribed again since
    if (code < 0x80) {  // the granted QoS
        if (listed != nullptr) listed->granted_qos = code;
        if (active != nullptr) active->qos = code;
        return;
    }
    if (listed != nullptr) listed->refused_code = code;
    const std::string filter = shown_name(listed != nullptr ? listed->filter : active != nullptr ? active->filter : "");
    if (active != nullptr) subscriptions_.remove(s.identity, filter_key);
    report_.finding(FindingId::SubscriptionRefused, e.connection.id, e.at.number,
                    [&] { return fmt::format("{} subscribed to '{}'; the broker refused it with SUBACK code "
                                "0x{:02x} ({}): no message on it reaches this client",
                                who(e.connection.id, s.client_id), filter, code, suback_failure(code, e.version)); });
}

void DeliveryAnalyzer::on_unsubscribe(ConnectionState& s, const MqttPacketEvent& e) {
    for (const std::string& filter : e.packet.unsubscribe_filters) {
        const auto removed = subscriptions_.remove(s.identity, SubscriptionTable::key_of(filter));
        if (removed && removed->record != kNotListed)
            out_.subscriptions[removed->record].unsubscribed_frame = e.at.number;
    }
}

// ---- messages entering the broker ----------------------------------------

TopicEntry* DeliveryAnalyzer::topic_entry(std::uint64_t key, std::string_view topic, std::uint64_t connection,
                                          std::uint64_t frame) {
    TopicEntry* entry = topics_.find_or_add(key, topic);
    if (entry != nullptr) return entry;
    ++out_.topics_unlisted;
    if (!topics_limit_reported_) {
        topics_limit_reported_ = true;
        report_.anomaly(AnomalyId::AnalysisTopicsLimit, connection, frame,
                        fmt::format("{} topics are counted", settings_.limits.max_topics));
    }
    return nullptr;
}

template <typename MakeFanout>
std::size_t DeliveryAnalyzer::list_fanout(MakeFanout make) {
    return list_within(out_.fanouts, out_.fanouts_unlisted, settings_.limits.max_fanouts_listed, make);
}

std::uint64_t DeliveryAnalyzer::add_candidate(const Candidate& candidate) {
    const DeliveryWindow::Added added = window_.add(candidate);
    if (!added.forgotten) return added.number;
    settle(*added.forgotten);
    if (!window_limit_reported_) {
        window_limit_reported_ = true;
        report_.anomaly(AnomalyId::AnalysisDeliveryWindowLimit, candidate.connection, candidate.frame,
                        fmt::format("{} messages are remembered; deliveries of older ones count as "
                                    "unmatched",
                                    settings_.limits.max_delivery_candidates));
    }
    return added.number;
}

void DeliveryAnalyzer::settle(const Candidate& candidate) {
    // A retained message is not lost: it waits at the broker for the next subscriber.
    if (candidate.delivery_count == 0 && !candidate.retain) ++out_.reached_no_one;
}

void DeliveryAnalyzer::on_client_publish(ConnectionState& s, const MqttPacketEvent& e) {
    const Packet& p = e.packet;
    const std::string& topic = p.effective_topic();
    if (topic.empty()) return;  // a 5.0 alias defined before the capture: the topic is unknown
    const std::uint64_t connection = e.connection.id;
    const std::uint64_t topic_digest = topic_key(topic);
    const std::uint64_t key = message_key(topic_digest, p.payload, p.payload_length);
    // A DUP copy of this client's last PUBLISH of the message is a
    // retransmission, not a new message [MQTT-3.3.1-1].
    if (p.dup) {
        const Candidate* last = window_.find(window_.newest(key));
        if (last != nullptr && last->connection == connection) return;
    }
    TopicEntry* entry = topic_entry(topic_digest, topic, connection, e.at.number);
    if (entry != nullptr) {
        ++entry->publishes;
        entry->payload_bytes += p.payload_length;
    }
    if (p.retain) record_retained_publish(s, e, key, entry);
    const std::size_t fanout = list_fanout([&] {
        Fanout f;
        f.connection = connection;
        f.client_id = s.client_id;
        f.frame = e.at.number;
        f.time = e.at.time;
        f.topic = listed_text(topic);
        f.qos = p.qos;
        f.retain = p.retain;
        f.payload_length = p.payload_length;
        return f;
    });
    add_candidate({key, DeliverySource::Publish, connection, e.at.number, e.at.time, p.qos, p.retain, fanout, 0});
}

void DeliveryAnalyzer::record_retained_publish(const ConnectionState& s, const MqttPacketEvent& e,
                                               std::uint64_t key, TopicEntry* entry) {
    const Packet& p = e.packet;
    // An empty retained payload removes the topic's retained message [MQTT-3.3.1-10].
    const RetainedKind kind = p.payload_length == 0 ? RetainedKind::Cleared : RetainedKind::Set;
    list_within(out_.retained, out_.retained_unlisted, settings_.limits.max_retained_listed, [&] {
        return RetainedEvent{kind, e.connection.id, e.at.number, e.at.time, listed_text(p.effective_topic()),
                             p.payload_length, 0};
    });
    if (entry == nullptr) return;
    if (kind == RetainedKind::Cleared) {
        entry->retained.reset();
        return;
    }
    entry->retained = RetainedMessage{key,  e.connection.id, s.client_id,      e.at.number,
                                      e.at.time, p.qos,     p.payload_length, std::nullopt};
}

// ---- messages leaving the broker -----------------------------------------

void DeliveryAnalyzer::on_broker_publish(ConnectionState& s, const MqttPacketEvent& e) {
    has_subscriber_ = true;
    const Packet& p = e.packet;
    const std::string& topic = p.effective_topic();
    if (topic.empty()) return;
    const std::uint64_t topic_digest = topic_key(topic);
    const Keys keys{topic_digest, message_key(topic_digest, p.payload, p.payload_length)};
    const ActiveSubscription* subscription = subscriptions_.best_match(s.identity, topic);
    // The retain flag marks the retained message sent for a new subscription
    // [MQTT-3.3.1-8]; under 5.0 retain-as-published an established
    // subscription's deliveries keep it too [MQTT-3.3.1-13].
    const bool as_published = subscription != nullptr && subscription->retain_as_published &&
                              window_.next_for(wanted(s, e, keys.message, subscription)) != 0;
    if (p.retain && !as_published) {
        deliver_retained(s, e, keys, subscription);
    } else {
        deliver_published(s, e, keys, subscription);
    }
}

DeliveryWindow::Wanted DeliveryAnalyzer::wanted(const ConnectionState& s, const MqttPacketEvent& e, std::uint64_t key,
                                                const ActiveSubscription* subscription) const {
    return {key,         subscriptions_.delivered(s.identity, key), s.floor, e.at.number, e.packet.qos,
            subscription == nullptr ? std::uint8_t{2} : subscription->qos};
}

void DeliveryAnalyzer::deliver_published(ConnectionState& s, const MqttPacketEvent& e, const Keys& keys,
                                         const ActiveSubscription* subscription) {
    const std::uint64_t key = keys.message;
    const DeliveryWindow::Wanted w = wanted(s, e, key, subscription);
    // A DUP copy of a message this subscriber already got is a re-delivery,
    // not a second delivery [MQTT-3.3.1-1].
    if (e.packet.dup && window_.find(w.after) != nullptr) return;
    if (TopicEntry* entry = topic_entry(keys.topic, e.packet.effective_topic(), e.connection.id, e.at.number))
        ++entry->deliveries;
    std::uint64_t number = window_.next_for(w);
    if (number == 0) number = publish_will_matching(key);
    Candidate* candidate = window_.find(number);
    if (candidate == nullptr) {
        ++out_.unmatched_deliveries;
        return;
    }
    ++candidate->delivery_count;
    subscriptions_.set_delivered(s.identity, e.connection.id, key, number);
    record_delivery(s, e, Source{candidate->source, candidate->frame, candidate->time, candidate->qos, candidate->fanout},
                    subscription);
}

void DeliveryAnalyzer::deliver_retained(ConnectionState& s, const MqttPacketEvent& e, const Keys& keys,
                                        const ActiveSubscription* subscription) {
    const Packet& p = e.packet;
    const std::uint64_t key = keys.message;
    if (p.dup && s.last_retained_key == key) return;  // a re-delivery [MQTT-3.3.1-1]
    s.last_retained_key = key;
    const std::string& topic = p.effective_topic();
    TopicEntry* entry = topic_entry(keys.topic, topic, e.connection.id, e.at.number);
    if (entry != nullptr) ++entry->deliveries;
    RetainedMessage* stored =
        entry != nullptr && entry->retained && entry->retained->key == key ? &*entry->retained : nullptr;
    const std::uint64_t set_frame = stored == nullptr ? 0 : stored->frame;
    list_within(out_.retained, out_.retained_unlisted, settings_.limits.max_retained_listed, [&] {
        return RetainedEvent{RetainedKind::Delivered, e.connection.id, e.at.number, e.at.time, listed_text(topic),
                             p.payload_length, set_frame};
    });
    if (entry != nullptr && entry->receipts.count++ == 0) {
        entry->receipts.first_subscriber = who(e.connection.id, s.client_id);
        entry->receipts.first_frame = e.at.number;
        entry->receipts.first_set_frame = set_frame;
    }
    if (stored == nullptr) {  // set before the capture began
        ++out_.unmatched_deliveries;
        return;
    }
    const Source source{DeliverySource::Retained, stored->frame, stored->time, stored->qos,
                        retained_fanout(*stored, topic)};
    record_delivery(s, e, source, subscription);
}

std::size_t DeliveryAnalyzer::retained_fanout(RetainedMessage& retained, std::string_view topic) {
    if (!retained.fanout) {
        retained.fanout = list_fanout([&] {
            Fanout f;
            f.source = DeliverySource::Retained;
            f.connection = retained.connection;
            f.client_id = retained.client_id;
            f.frame = retained.frame;
            f.time = retained.time;
            f.topic = listed_text(topic);
            f.qos = retained.qos;
            f.retain = true;
            f.payload_length = retained.payload_length;
            return f;
        });
    }
    return *retained.fanout;
}

void DeliveryAnalyzer::record_delivery(ConnectionState& s, const MqttPacketEvent& e, const Source& source,
                                       const ActiveSubscription* subscription) {
    const Packet& p = e.packet;
    // Without a captured subscription only the published QoS bounds the delivery.
    const std::uint8_t granted = subscription == nullptr ? source.qos : subscription->qos;
    const std::uint8_t expected = std::min(source.qos, granted);  // [MQTT-3.8.4-8]
    const std::int64_t latency = e.at.time.ns - source.time.ns;
    // Published before this connection began: the broker queued it for the
    // persistent session while the subscriber was offline.
    const bool after_reconnect =
        source.kind != DeliverySource::Retained && s.summary->first_frame > source.frame;
    if (source.fanout != kNotListed) {
        Fanout& fanout = out_.fanouts[source.fanout];
        ++fanout.delivery_count;
        if (fanout.deliveries.size() < settings_.limits.max_deliveries_listed && listing_bytes_ < kListingBytes) {
            fanout.deliveries.push_back(Delivery{e.connection.id, s.client_id, e.at.number, e.at.time, p.qos,
                                                 expected, latency,
                                                 subscription == nullptr ? "" : listed_text(subscription->filter),
                                                 after_reconnect});
            listing_bytes_ += listing_cost(fanout.deliveries.back());
        }
    }
    if (source.kind == DeliverySource::Publish) latency_.add(latency);
    SubscriberNotes& notes = s.notes;
    if (after_reconnect && notes.queued++ == 0) {
        notes.first_queued_frame = e.at.number;
        notes.first_queued_source_frame = source.frame;
    }
    if (p.qos >= source.qos) return;
    ++out_.qos_downgrades;
    const bool below_expected = subscription != nullptr && p.qos < expected;
    notes.below_expected += below_expected ? 1 : 0;
    if (notes.downgraded++ > 0) return;
    notes.first_downgrade_frame = e.at.number;
    const std::string what = fmt::format("the first, on '{}', was published at QoS {} (frame {}) and came at "
                                         "QoS {} in frame {}",
                                         shown_name(p.effective_topic()), source.qos, source.frame, p.qos, e.at.number);
    if (subscription == nullptr) {
        notes.first_downgrade = what + ": its subscription was not captured";
    } else if (below_expected) {
        notes.first_downgrade = fmt::format("{}, below QoS {}, the lower of the published QoS and the QoS "
                                            "granted to its subscription '{}': the broker must not do that",
                                            what, expected, shown_name(subscription->filter));
    } else {
        notes.first_downgrade = fmt::format("{}: its subscription '{}' was granted QoS {}", what,
                                            shown_name(subscription->filter), subscription->qos);
    }
}

// ---- wills ----------------------------------------------------------------

void DeliveryAnalyzer::arm_will(ConnectionState& s, std::uint64_t connection, const mqtt::Will& will) {
    const auto length = static_cast<std::uint32_t>(will.payload.size());
    // Deliveries carry the payload cut at the cap: so does the key.
    const std::string_view captured = std::string_view(will.payload).substr(0, settings_.mqtt.payload_cap);
    const std::uint64_t topic_digest = topic_key(will.topic);
    s.will = ArmedWill{topic_digest, message_key(topic_digest, captured, length), listed_text(will.topic),
                       will.topic.size() > settings_.mqtt.payload_cap, will.qos, will.retain, length};
    wills_.emplace(s.will->key, connection);
}

void DeliveryAnalyzer::disarm_will(ConnectionState& s, std::uint64_t connection) {
    if (!s.will) return;
    wills_.erase({s.will->key, connection});
    s.will.reset();
}

// The broker publishes a will as soon as it sees the connection lost, often
// before the TCP connection has ended in the capture: a delivery no PUBLISH
// explains may be the will of a live connection, the oldest one with that
// will. Many connections may share one will (copies of one client): keeping
// them ordered makes each step logarithmic.
std::uint64_t DeliveryAnalyzer::publish_will_matching(std::uint64_t key) {
    const auto oldest = wills_.lower_bound({key, 0});
    if (oldest == wills_.end() || oldest->first != key) return 0;
    ConnectionState& s = *connections_.find(oldest->second);
    return publish_will(s, *s.summary);
}

DeliveryAnalyzer::WillTrigger DeliveryAnalyzer::will_trigger(const ConnectionState& s,
                                                             const ConnectionSummary& c) {
    if (s.will_disconnect)
        return {s.will_disconnect->number, s.will_disconnect->time,
                fmt::format("sent DISCONNECT with reason code 0x{:02x}{} in frame {}", s.will_disconnect_reason,
                            s.will_disconnect_reason == 0x04 ? " (disconnect with will message)" : "",
                            s.will_disconnect->number)};
    const DirectionStats& client = c.stats(Direction::ToServer);
    const DirectionStats& broker = c.stats(Direction::ToClient);
    const WillTrigger signs[] = {
        {client.rst_frame, client.rst_time, "reset the TCP connection (RST)"},
        {client.fin_frame, client.fin_time, "closed the TCP connection (FIN)"},
        {broker.rst_frame, broker.rst_time, "was reset by the broker (RST)"},
        {broker.fin_frame, broker.fin_time, "was closed by the broker (FIN)"},
    };
    const WillTrigger* first = nullptr;
    for (const WillTrigger& sign : signs)
        if (sign.frame != 0 && (first == nullptr || sign.frame < first->frame)) first = &sign;
    if (first == nullptr)
        return {c.last_frame, c.end, fmt::format("went silent after frame {} without DISCONNECT", c.last_frame)};
    return {first->frame, first->time, fmt::format("{} in frame {} without DISCONNECT", first->cause, first->frame)};
}

std::uint64_t DeliveryAnalyzer::publish_will(ConnectionState& s, const ConnectionSummary& c) {
    const ArmedWill will = *s.will;
    const WillTrigger trigger = will_trigger(s, c);
    disarm_will(s, c.id);
    const std::size_t fanout = list_fanout([&] {
        Fanout f;
        f.source = DeliverySource::Will;
        f.connection = c.id;
        f.client_id = s.client_id;
        f.frame = trigger.frame;
        f.time = trigger.time;
        f.topic = will.topic;
        f.qos = will.qos;
        f.retain = will.retain;
        f.payload_length = will.payload_length;
        return f;
    });
    // A will with the retain flag becomes the topic's retained message
    // [MQTT-3.1.2-17] (unless its topic was too long to keep).
    if (will.retain && !will.topic_cut) {
        list_within(out_.retained, out_.retained_unlisted, settings_.limits.max_retained_listed, [&] {
            return RetainedEvent{RetainedKind::Set, c.id, trigger.frame, trigger.time, will.topic,
                                 will.payload_length, 0};
        });
        if (TopicEntry* entry = topic_entry(will.topic_key, will.topic, c.id, trigger.frame))
            entry->retained = RetainedMessage{will.key,    c.id,      s.client_id,         trigger.frame,
                                              trigger.time, will.qos, will.payload_length, std::nullopt};
    }
    report_.finding(FindingId::WillPublished, c.id, trigger.frame,
                    [&] { return fmt::format("{} {}: the broker publishes its will message on '{}' (QoS {}{}, {}) "
                                "[MQTT-3.1.2-8]",
                                who(c.id, s.client_id), trigger.cause, shown_name(will.topic), will.qos,
                                will.retain ? ", retained" : "", count_of(will.payload_length, "byte", "bytes")); });
    return add_candidate(
        {will.key, DeliverySource::Will, c.id, trigger.frame, trigger.time, will.qos, will.retain, fanout, 0});
}

// ---- findings -------------------------------------------------------------

void DeliveryAnalyzer::connection_findings(std::uint64_t connection, const ConnectionState& s) {
    const SubscriberNotes& n = s.notes;
    if (n.queued > 0) {
        const bool one = n.queued == 1;
        report_.finding(FindingId::QueuedDelivery, connection, n.first_queued_frame,
                        [&] { return fmt::format("{} received {} published before this connection began: the broker "
                                    "kept {} for its persistent session while it was offline; {} came in "
                                    "frame {} (published in frame {})",
                                    who(connection, s.client_id), count_of(n.queued, "message", "messages"),
                                    one ? "it" : "them", one ? "it" : "the first", n.first_queued_frame,
                                    n.first_queued_source_frame); });
    }
    if (n.downgraded > 0) {
        report_.finding(FindingId::QosDowngraded, connection, n.first_downgrade_frame, [&] {
            std::string message = fmt::format(
                "{} received {} at a lower QoS than published; {}. A broker delivers at the lower of the "
                "published QoS and the QoS granted to the subscription [MQTT-3.8.4-8]",
                who(connection, s.client_id), count_of(n.downgraded, "message", "messages"), n.first_downgrade);
            if (n.below_expected > 0)
                message += fmt::format("; {} came below that QoS", count_of(n.below_expected, "message", "messages"));
            return message;
        });
    }
}

// One finding per topic: each new subscriber gets the same retained message.
void DeliveryAnalyzer::retained_findings() {
    for (const TopicEntry* entry : topics_.sorted()) {
        const RetainedReceipts& r = entry->receipts;
        if (r.count == 0) continue;
        const std::string set = r.first_set_frame == 0 ? "set before the capture began"
                                                       : fmt::format("set in frame {}", r.first_set_frame);
        report_.finding(FindingId::RetainedDelivered, std::nullopt, r.first_frame,
                        [&] { return fmt::format("The retained message of '{}' was sent for {}: first to {} in "
                                    "frame {} ({}). A broker keeps the last message published with the retain "
                                    "flag on each topic and sends it to every new subscription [MQTT-3.3.1-6]",
                                    shown_name(entry->topic),
                                    count_of(r.count, "new subscription", "new subscriptions"),
                                    r.first_subscriber, r.first_frame, set); },
                        entry->topic);
    }
}

// One finding per topic, for the listed fan-outs (reached_no_one counts them
// all): a sensor publishing every second to a topic nobody reads is one fact.
void DeliveryAnalyzer::no_subscriber_findings() {
    // A capture without any subscriber shows publishers only: every PUBLISH
    // would be flagged, which says nothing. Stay quiet then.
    if (!has_subscriber_) return;
    struct Unread {
        const Fanout* first = nullptr;
        std::uint64_t count = 0;
    };
    std::map<std::string_view, Unread> by_topic;
    for (const Fanout& f : out_.fanouts) {
        if (f.delivery_count > 0 || f.retain) continue;
        Unread& unread = by_topic[f.topic];
        if (unread.count++ == 0) unread.first = &f;
    }
    for (const auto& [topic, unread] : by_topic) {
        const Fanout& f = *unread.first;
        const std::string first = f.source == DeliverySource::Will
                                      ? fmt::format("the will of {}", who(f.connection, f.client_id))
                                      : fmt::format("from {} in frame {}", who(f.connection, f.client_id), f.frame);
        report_.finding(FindingId::PublishReachedNoOne, f.connection, f.frame,
                        [&] { return fmt::format("{} on '{}', {}{}, reached no subscriber in the capture: no captured "
                                    "client had subscribed to a matching filter",
                                    count_of(unread.count, "message", "messages"), shown_name(topic),
                                    unread.count == 1 ? "" : "the first ", first); });
    }
}

}  // namespace mqscan
