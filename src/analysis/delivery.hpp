#pragma once
// Subscriptions, retained messages and delivery through the broker: each
// message a client sends the broker (or a will) matched to the PUBLISH
// packets the broker sends its subscribers.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/delivery_window.hpp"
#include "analysis/id_table.hpp"
#include "analysis/latency_stats.hpp"
#include "analysis/listed_records.hpp"
#include "analysis/subscription_table.hpp"
#include "analysis/topic_table.hpp"
#include "mqscan/analysis.hpp"

namespace mqscan {

class DeliveryAnalyzer final : public Analyzer {
public:
    DeliveryAnalyzer(const AnalysisSettings& settings, ReportBuilder& report);

    void on_mqtt_connection(const ConnectionSummary& connection) override;
    void on_mqtt_packet(const MqttPacketEvent& event) override;
    void on_mqtt_end(const ConnectionSummary& connection) override;
    void finish(ReportBuilder& report) override;

private:
    // The will of a live connection, until it is published or discarded.
    struct ArmedWill {
        std::uint64_t topic_key = 0;
        std::uint64_t key = 0;
        std::string topic;  // cut at the payload cap
        bool topic_cut = false;
        std::uint8_t qos = 0;
        bool retain = false;
        std::uint32_t payload_length = 0;
    };
    // A filter of a SUBSCRIBE awaiting its SUBACK code: those followed or listed.
    struct PendingFilter {
        std::size_t position = 0;  // in the SUBSCRIBE, which is the SUBACK code's [MQTT-3.9.3-1]
        std::uint64_t key = 0;
        std::size_t record = 0;
    };
    struct PendingSubscribe {
        std::uint16_t packet_id = 0;
        std::vector<PendingFilter> filters;
    };
    // What a subscriber connection received, told in one finding each when it ends.
    struct SubscriberNotes {
        std::uint64_t queued = 0;
        std::uint64_t first_queued_frame = 0;
        std::uint64_t first_queued_source_frame = 0;
        std::uint64_t downgraded = 0;      // below the published QoS
        std::uint64_t below_expected = 0;  // and below min(published, granted) too
        std::string first_downgrade;       // the first one, in words
        std::uint64_t first_downgrade_frame = 0;
    };
    struct ConnectionState {
        // The tracker keeps the summary in place until on_mqtt_end (the MQTT
        // dissector holds the same reference): its FIN and RST frames tell
        // when a will was triggered.
        const ConnectionSummary* summary = nullptr;
        IdentityId identity = 0;
        std::string client_id;  // cut at the payload cap
        bool clean_start = false;
        bool session_persists = false;
        // Candidates numbered below it entered the broker before this
        // connection's session began: a fresh session cannot receive them.
        // 0 for a resumed session (or no CONNECT seen).
        std::uint64_t floor = 0;
        std::uint64_t connect_number = 0;  // the window's next number at CONNECT
        std::optional<ArmedWill> will;
        std::optional<FrameRef> will_disconnect;  // a 5.0 DISCONNECT that keeps the will
        std::uint8_t will_disconnect_reason = 0;
        std::vector<PendingSubscribe> pending_subscribes;
        std::uint64_t last_retained_key = 0;
        SubscriberNotes notes;
    };
    // Where a delivered message came from.
    struct Source {
        DeliverySource kind = DeliverySource::Publish;
        std::uint64_t frame = 0;
        Timestamp time;
        std::uint8_t qos = 0;
        std::size_t fanout = kNotListed;
    };
    // A PUBLISH's digests: of its topic, and of its topic and payload.
    struct Keys {
        std::uint64_t topic = 0;
        std::uint64_t message = 0;
    };
    struct WillTrigger {
        std::uint64_t frame = 0;
        Timestamp time;
        std::string cause;
    };

    ConnectionState& state_of(const ConnectionSummary& connection);

    void on_connect(ConnectionState& s, const MqttPacketEvent& e);
    void on_connack(ConnectionState& s, const MqttPacketEvent& e);
    void on_client_disconnect(ConnectionState& s, const MqttPacketEvent& e);
    void bind_identity(ConnectionState& s, const std::string& client_id);

    void on_subscribe(ConnectionState& s, const MqttPacketEvent& e);
    void on_suback(ConnectionState& s, const MqttPacketEvent& e);
    void apply_suback_code(ConnectionState& s, const MqttPacketEvent& e, std::uint64_t filter_key,
                           std::size_t record, std::uint8_t code);
    void on_unsubscribe(ConnectionState& s, const MqttPacketEvent& e);
    std::size_t list_subscription(const ConnectionState& s, const MqttPacketEvent& e,
                                  const mqtt::Subscription& subscription);

    void on_client_publish(ConnectionState& s, const MqttPacketEvent& e);
    void record_retained_publish(const ConnectionState& s, const MqttPacketEvent& e, std::uint64_t key,
                                 TopicEntry* entry);
    void on_broker_publish(ConnectionState& s, const MqttPacketEvent& e);
    [[nodiscard]] DeliveryWindow::Wanted wanted(const ConnectionState& s, const MqttPacketEvent& e,
                                                std::uint64_t key, const ActiveSubscription* subscription) const;
    void deliver_published(ConnectionState& s, const MqttPacketEvent& e, const Keys& keys,
                           const ActiveSubscription* subscription);
    void deliver_retained(ConnectionState& s, const MqttPacketEvent& e, const Keys& keys,
                          const ActiveSubscription* subscription);
    void record_delivery(ConnectionState& s, const MqttPacketEvent& e, const Source& source,
                         const ActiveSubscription* subscription);
    std::size_t retained_fanout(RetainedMessage& retained, std::string_view topic);

    void arm_will(ConnectionState& s, std::uint64_t connection, const mqtt::Will& will);
    void disarm_will(ConnectionState& s, std::uint64_t connection);
    std::uint64_t publish_will_matching(std::uint64_t key);
    std::uint64_t publish_will(ConnectionState& s, const ConnectionSummary& connection);
    static WillTrigger will_trigger(const ConnectionState& s, const ConnectionSummary& connection);

    [[nodiscard]] std::string listed_text(std::string_view text) const;
    template <typename Record, typename Make>
    std::size_t list_within(std::vector<Record>& listed, std::uint64_t& unlisted, std::size_t limit, Make make);
    template <typename MakeFanout>
    std::size_t list_fanout(MakeFanout make);
    std::uint64_t add_candidate(const Candidate& candidate);
    void settle(const Candidate& candidate);
    TopicEntry* topic_entry(std::uint64_t key, std::string_view topic, std::uint64_t connection, std::uint64_t frame);
    void connection_findings(std::uint64_t connection, const ConnectionState& s);
    void no_subscriber_findings();
    void retained_findings();

    const AnalysisSettings& settings_;
    ReportBuilder& report_;
    SubscriptionTable subscriptions_;
    DeliveryWindow window_;
    TopicTable topics_;
    IdTable<ConnectionState> connections_;
    std::set<std::pair<std::uint64_t, std::uint64_t>> wills_;  // (will key, connection) of live connections
    DeliveryReport out_;
    std::size_t listing_bytes_ = 0;  // held by the records of out_
    LatencyStats latency_;
    bool has_subscriber_ = false;  // a connection subscribed or received a PUBLISH
    bool window_limit_reported_ = false;
    bool topics_limit_reported_ = false;
    bool subscriptions_limit_reported_ = false;
};

}  // namespace mqscan
