#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqscan/latency.hpp"
#include "mqscan/timestamp.hpp"

namespace mqscan {

// One topic filter asked for in a SUBSCRIBE, with the broker's answer.
struct SubscriptionRecord {
    std::uint64_t connection = 0;
    std::string client_id;
    std::uint64_t frame = 0;  // the SUBSCRIBE
    Timestamp time;
    std::string filter;
    std::uint8_t requested_qos = 0;
    std::optional<std::uint8_t> granted_qos;   // SUBACK code < 0x80
    std::optional<std::uint8_t> refused_code;  // SUBACK code >= 0x80
    bool wildcard = false;                      // holds + or #
    std::uint64_t unsubscribed_frame = 0;       // the UNSUBSCRIBE that removed it (0: none)
};

enum class RetainedKind : std::uint8_t {
    Set,        // a client published with the retain flag
    Cleared,    // a client published an empty retained payload [MQTT-3.3.1-10]
    Delivered,  // the broker sent a message with the retain flag to a new subscriber
};

[[nodiscard]] std::string_view to_string(RetainedKind k);

struct RetainedEvent {
    RetainedKind kind = RetainedKind::Set;
    std::uint64_t connection = 0;
    std::uint64_t frame = 0;
    Timestamp time;
    std::string topic;
    std::uint32_t payload_length = 0;
    std::uint64_t set_frame = 0;  // for Delivered: the frame that set it, if captured (0: not seen)
};

// What a broker-delivered PUBLISH came from.
enum class DeliverySource : std::uint8_t {
    Publish,   // a client's PUBLISH received by the broker
    Retained,  // the retained message of the topic, to a new subscriber
    Will,      // the will of a connection that ended abnormally
};

[[nodiscard]] std::string_view to_string(DeliverySource s);

// One PUBLISH the broker sent to a subscriber.
struct Delivery {
    std::uint64_t connection = 0;  // the subscriber's
    std::string client_id;
    std::uint64_t frame = 0;
    Timestamp time;
    std::uint8_t qos = 0;
    std::uint8_t expected_qos = 0;  // min(published QoS, granted QoS) [MQTT-3.8.4-8]
    std::int64_t latency_ns = 0;    // from the source PUBLISH (or the will's connection end)
    std::string filter;             // the subscription explaining it ("" when none was seen)
    bool after_reconnect = false;   // queued for a persistent session while it was offline
};

// A message that entered the broker (a client's PUBLISH, or a will) and where it went.
struct Fanout {
    DeliverySource source = DeliverySource::Publish;
    std::uint64_t connection = 0;  // the publisher's
    std::string client_id;
    std::uint64_t frame = 0;
    Timestamp time;
    std::string topic;
    std::uint8_t qos = 0;
    bool retain = false;
    std::uint32_t payload_length = 0;
    std::vector<Delivery> deliveries;  // the first Limits::max_deliveries_listed
    std::uint64_t delivery_count = 0;
};

// A topic seen in PUBLISH packets, for the topic tree.
struct TopicStats {
    std::string topic;
    std::uint64_t publishes = 0;       // to the broker
    std::uint64_t deliveries = 0;      // from the broker
    std::uint64_t payload_bytes = 0;   // to the broker
    bool retained = false;             // a retained message was left on it at the end
};

struct DeliveryReport {
    std::vector<SubscriptionRecord> subscriptions;  // in order; the first Limits::max_subscriptions_listed
    std::uint64_t subscriptions_unlisted = 0;
    std::vector<RetainedEvent> retained;  // in order; the first Limits::max_retained_listed
    std::uint64_t retained_unlisted = 0;
    std::vector<Fanout> fanouts;  // in order; the first Limits::max_fanouts_listed
    std::uint64_t fanouts_unlisted = 0;
    std::uint64_t reached_no_one = 0;    // fan-outs with no delivery seen
    std::uint64_t unmatched_deliveries = 0;  // broker PUBLISHes with no source in the capture
    std::uint64_t qos_downgrades = 0;    // deliveries below the publish's QoS
    LatencySummary latency;              // over deliveries of a client's PUBLISH
    std::vector<TopicStats> topics;      // sorted by topic; the first Limits::max_topics
    std::uint64_t topics_unlisted = 0;   // PUBLISH packets on topics past that limit
};

}  // namespace mqscan
