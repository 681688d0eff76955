// Delivery through the broker: the DeliveryAnalyzer fed synthetic captures
// (one frame per MQTT packet, 1 ms apart), then the bundled mosquitto sample.
#include <catch2/catch.hpp>

#include <deque>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "analysis/delivery.hpp"
#include "analysis/delivery_words.hpp"
#include "report/json_delivery.hpp"
#include "report/text_delivery.hpp"

using namespace mqscan;
using mqtt::Packet;
using mqtt::PacketType;
using mqtt::Version;

namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kStart = 1'700'000'000LL * 1'000'000'000;

Packet connect(const std::string& client_id, bool clean = true) {
    Packet p;
    p.type = PacketType::Connect;
    p.protocol_name = "MQTT";
    p.protocol_level = 4;
    p.connect_flags = clean ? 0x02 : 0x00;
    p.keepalive = 60;
    p.client_id = client_id;
    return p;
}

Packet connect_with_will(const std::string& client_id, const std::string& topic, const std::string& payload,
                         std::uint8_t qos) {
    Packet p = connect(client_id);
    p.connect_flags = static_cast<std::uint8_t>(p.connect_flags | 0x04 | (qos << 3));
    p.will = mqtt::Will{qos, false, {}, topic, payload};
    return p;
}

Packet connack(bool session_present = false) {
    Packet p;
    p.type = PacketType::Connack;
    p.session_present = session_present;
    p.reason_code = 0;
    return p;
}

Packet publish(const std::string& topic, const std::string& payload, std::uint8_t qos = 0, bool retain = false,
               bool dup = false) {
    Packet p;
    p.type = PacketType::Publish;
    p.qos = qos;
    p.retain = retain;
    p.dup = dup;
    if (qos > 0) p.packet_id = 1;
    p.topic = topic;
    p.payload = payload;
    p.payload_length = static_cast<std::uint32_t>(payload.size());
    return p;
}

Packet subscribe(std::uint16_t id, const std::vector<std::pair<std::string, std::uint8_t>>& filters) {
    Packet p;
    p.type = PacketType::Subscribe;
    p.packet_id = id;
    for (const auto& [filter, qos] : filters) {
        mqtt::Subscription s;
        s.filter = filter;
        s.qos = qos;
        s.options = qos;
        p.subscriptions.push_back(s);
    }
    return p;
}

Packet suback(std::uint16_t id, std::vector<std::uint8_t> codes) {
    Packet p;
    p.type = PacketType::Suback;
    p.packet_id = id;
    p.reason_codes = std::move(codes);
    return p;
}

Packet unsubscribe(std::uint16_t id, std::vector<std::string> filters) {
    Packet p;
    p.type = PacketType::Unsubscribe;
    p.packet_id = id;
    p.unsubscribe_filters = std::move(filters);
    return p;
}

Packet disconnect() {
    Packet p;
    p.type = PacketType::Disconnect;
    return p;
}

Timestamp time_of(std::uint64_t frame) { return Timestamp{kStart + static_cast<std::int64_t>(frame) * kMs}; }

// A synthetic capture fed to a DeliveryAnalyzer: each call is one frame.
class Lab {
public:
    explicit Lab(const Limits& limits = {}) : settings_(with_limits(limits)), builder_(settings_.limits),
                                              analyzer_(settings_, builder_) {}

    // A new connection; its SYN takes a frame.
    ConnectionSummary& open(std::uint64_t id) {
        ConnectionSummary& c = connections_.emplace_back();
        c.id = id;
        c.first_frame = next_frame();
        c.start = time_of(c.first_frame);
        analyzer_.on_mqtt_connection(c);
        return c;
    }
    std::uint64_t to_broker(ConnectionSummary& c, const Packet& p, Version v = Version::V311) {
        return send(c, Direction::ToServer, p, v);
    }
    std::uint64_t to_client(ConnectionSummary& c, const Packet& p, Version v = Version::V311) {
        return send(c, Direction::ToClient, p, v);
    }
    std::uint64_t reset_by_client(ConnectionSummary& c) {
        DirectionStats& s = c.stats(Direction::ToServer);
        s.rst = true;
        s.rst_frame = next_frame();
        s.rst_time = time_of(s.rst_frame);
        c.end_reason = EndReason::Rst;
        return s.rst_frame;
    }
    // FIN from both sides, client first.
    void close(ConnectionSummary& c) {
        for (const Direction d : {Direction::ToServer, Direction::ToClient}) {
            DirectionStats& s = c.stats(d);
            s.fin = true;
            s.fin_frame = next_frame();
            s.fin_time = time_of(s.fin_frame);
        }
        c.end_reason = EndReason::Fin;
        end(c);
    }
    void end(const ConnectionSummary& c) { analyzer_.on_mqtt_end(c); }

    const DeliveryReport& finish() {
        analyzer_.finish(builder_);
        return builder_.draft().delivery;
    }
    [[nodiscard]] std::vector<std::string> findings(FindingId id) {
        std::vector<std::string> out;
        for (const Finding& f : builder_.draft().findings)
            if (f.id == id) out.push_back(f.message);
        return out;
    }
    [[nodiscard]] std::uint64_t anomalies(AnomalyId id) {
        return builder_.draft().anomaly_counts[static_cast<std::size_t>(id)];
    }
    [[nodiscard]] const std::vector<Anomaly>& anomaly_list() { return builder_.draft().anomalies; }

private:
    static AnalysisSettings with_limits(const Limits& limits) {
        AnalysisSettings s;
        s.limits = limits;
        return s;
    }
    std::uint64_t next_frame() { return ++frame_; }
    std::uint64_t send(ConnectionSummary& c, Direction dir, const Packet& p, Version v) {
        const std::uint64_t frame = next_frame();
        c.last_frame = frame;
        c.end = time_of(frame);
        analyzer_.on_mqtt_packet(MqttPacketEvent{c, dir, FrameRef{frame, time_of(frame)}, v, true, p, false});
        return frame;
    }

    AnalysisSettings settings_;
    ReportBuilder builder_;
    DeliveryAnalyzer analyzer_;
    std::deque<ConnectionSummary> connections_;  // in place: the analyzer keeps references
    std::uint64_t frame_ = 0;
};

// A client that connects and subscribes; the broker grants what it asks.
ConnectionSummary& subscriber(Lab& lab, std::uint64_t id, const std::string& client_id,
                              const std::vector<std::pair<std::string, std::uint8_t>>& filters) {
    ConnectionSummary& c = lab.open(id);
    lab.to_broker(c, connect(client_id));
    lab.to_client(c, connack());
    lab.to_broker(c, subscribe(1, filters));
    std::vector<std::uint8_t> granted;
    for (const auto& f : filters) granted.push_back(f.second);
    lab.to_client(c, suback(1, granted));
    return c;
}

ConnectionSummary& publisher(Lab& lab, std::uint64_t id, const std::string& client_id) {
    ConnectionSummary& c = lab.open(id);
    lab.to_broker(c, connect(client_id));
    lab.to_client(c, connack());
    return c;
}

// (connection, qos, expected QoS, filter) of each listed delivery.
using DeliverySummary = std::tuple<std::uint64_t, int, int, std::string>;

std::vector<DeliverySummary> summary_of(const Fanout& f) {
    std::vector<DeliverySummary> out;
    for (const Delivery& d : f.deliveries) out.emplace_back(d.connection, d.qos, d.expected_qos, d.filter);
    return out;
}

}  // namespace

TEST_CASE("A PUBLISH fans out to two subscribers, one at a lower granted QoS", "[delivery]") {
    Lab lab;
    ConnectionSummary& a = subscriber(lab, 0, "sub-a", {{"ciel", 2}});
    ConnectionSummary& b = subscriber(lab, 1, "sub-b", {{"ciel", 1}});
    ConnectionSummary& p = publisher(lab, 2, "pub");
    const std::uint64_t published = lab.to_broker(p, publish("ciel", "hello", 2));
    const std::uint64_t to_a = lab.to_client(a, publish("ciel", "hello", 2));
    const std::uint64_t to_b = lab.to_client(b, publish("ciel", "hello", 1));
    lab.to_client(a, publish("ciel", "hello", 2, false, true));  // a DUP re-delivery: not a second one
    CHECK(std::vector<std::uint64_t>{published, to_a, to_b} == std::vector<std::uint64_t>{14, 15, 16});

    const DeliveryReport& d = lab.finish();
    REQUIRE(d.fanouts.size() == 1);
    const Fanout& f = d.fanouts[0];
    CHECK(f.source == DeliverySource::Publish);
    CHECK(f.connection == 2);
    CHECK(f.client_id == "pub");
    CHECK(f.frame == 14);
    CHECK(f.time == time_of(14));
    CHECK(f.topic == "ciel");
    CHECK(f.qos == 2);
    CHECK_FALSE(f.retain);
    CHECK(f.payload_length == 5);
    CHECK(f.delivery_count == 2);
    REQUIRE(f.deliveries.size() == 2);
    const Delivery& first = f.deliveries[0];
    CHECK(first.connection == 0);
    CHECK(first.client_id == "sub-a");
    CHECK(first.frame == 15);
    CHECK(first.time == time_of(15));
    CHECK(first.qos == 2);
    CHECK(first.expected_qos == 2);
    CHECK(first.latency_ns == 1 * kMs);
    CHECK(first.filter == "ciel");
    CHECK_FALSE(first.after_reconnect);
    CHECK(summary_of(f) == std::vector<DeliverySummary>{{0, 2, 2, "ciel"}, {1, 1, 1, "ciel"}});
    CHECK(f.deliveries[1].latency_ns == 2 * kMs);

    CHECK(d.qos_downgrades == 1);
    CHECK(d.reached_no_one == 0);
    CHECK(d.unmatched_deliveries == 0);
    CHECK(d.latency.count == 2);
    CHECK(d.latency.min_ns == 1 * kMs);
    CHECK(d.latency.median_ns == 1'500'000);
    CHECK(d.latency.max_ns == 2 * kMs);
    REQUIRE(d.topics.size() == 1);
    CHECK(d.topics[0].topic == "ciel");
    CHECK(d.topics[0].publishes == 1);
    CHECK(d.topics[0].deliveries == 2);
    CHECK(d.topics[0].payload_bytes == 5);
    CHECK_FALSE(d.topics[0].retained);
    CHECK(lab.findings(FindingId::QosDowngraded) ==
          std::vector<std::string>{
              "#1 (client 'sub-b') received 1 message at a lower QoS than published; the first, on 'ciel', "
              "was published at QoS 2 (frame 14) and came at QoS 1 in frame 16: its subscription 'ciel' was "
              "granted QoS 1. A broker delivers at the lower of the published QoS and the QoS granted to the "
              "subscription [MQTT-3.8.4-8]"});
}

TEST_CASE("Wildcards on the lab's maison tree explain each delivery", "[delivery]") {
    Lab lab;
    ConnectionSummary& all = subscriber(lab, 0, "tout", {{"maison/#", 1}});
    ConnectionSummary& temperatures = subscriber(lab, 1, "temperatures", {{"maison/+/temperature", 1}});
    ConnectionSummary& salon = subscriber(lab, 2, "salon", {{"maison/salon/#", 1}});
    // Overlapping filters: the one with the highest granted QoS decides [MQTT-3.3.5-1].
    ConnectionSummary& both = subscriber(lab, 3, "double", {{"maison/#", 0}, {"maison/salon/#", 2}});
    ConnectionSummary& p = publisher(lab, 4, "capteurs");
    // As mosquitto delivers them: once per client, whatever the number of matching filters.
    lab.to_broker(p, publish("maison/salon/temperature", "21.5", 1));
    for (ConnectionSummary* c : {&all, &temperatures, &salon, &both})
        lab.to_client(*c, publish("maison/salon/temperature", "21.5", 1));
    lab.to_broker(p, publish("maison/chambre_1/temperature", "19.0", 1));
    lab.to_client(all, publish("maison/chambre_1/temperature", "19.0", 1));
    lab.to_client(temperatures, publish("maison/chambre_1/temperature", "19.0", 1));
    lab.to_client(both, publish("maison/chambre_1/temperature", "19.0", 0));
    lab.to_broker(p, publish("maison/salon/humidite", "40", 1));
    lab.to_client(all, publish("maison/salon/humidite", "40", 1));
    lab.to_client(salon, publish("maison/salon/humidite", "40", 1));
    lab.to_client(both, publish("maison/salon/humidite", "40", 1));

    const DeliveryReport& d = lab.finish();
    REQUIRE(d.fanouts.size() == 3);
    CHECK(summary_of(d.fanouts[0]) == std::vector<DeliverySummary>{{0, 1, 1, "maison/#"},
                                                                    {1, 1, 1, "maison/+/temperature"},
                                                                    {2, 1, 1, "maison/salon/#"},
                                                                    {3, 1, 1, "maison/salon/#"}});
    CHECK(summary_of(d.fanouts[1]) == std::vector<DeliverySummary>{{0, 1, 1, "maison/#"},
                                                                    {1, 1, 1, "maison/+/temperature"},
                                                                    {3, 0, 0, "maison/#"}});
    CHECK(summary_of(d.fanouts[2]) ==
          std::vector<DeliverySummary>{{0, 1, 1, "maison/#"}, {2, 1, 1, "maison/salon/#"}, {3, 1, 1, "maison/salon/#"}});
    CHECK(d.qos_downgrades == 1);  // 'double' got chambre_1 at QoS 0, as granted to maison/#
    CHECK(d.unmatched_deliveries == 0);
    REQUIRE(d.subscriptions.size() == 5);
    for (const SubscriptionRecord& s : d.subscriptions) CHECK(s.wildcard);
    std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> topics;
    for (const TopicStats& t : d.topics) topics.emplace_back(t.topic, t.publishes, t.deliveries);
    CHECK(topics == std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>>{
                        {"maison/chambre_1/temperature", 1, 3},
                        {"maison/salon/humidite", 1, 3},
                        {"maison/salon/temperature", 1, 4}});
}

TEST_CASE("'#' does not match $SYS topics: '$SYS/#' explains their delivery", "[delivery]") {
    Lab lab;
    ConnectionSummary& admin = subscriber(lab, 0, "admin", {{"#", 2}, {"$SYS/#", 0}});
    ConnectionSummary& p = publisher(lab, 1, "pub");
    lab.to_broker(p, publish("$SYS/broker/test", "x", 1));
    lab.to_client(admin, publish("$SYS/broker/test", "x", 0));
    lab.to_broker(p, publish("ciel", "y", 1));
    lab.to_client(admin, publish("ciel", "y", 1));

    const DeliveryReport& d = lab.finish();
    REQUIRE(d.fanouts.size() == 2);
    CHECK(summary_of(d.fanouts[0]) == std::vector<DeliverySummary>{{0, 0, 0, "$SYS/#"}});
    CHECK(summary_of(d.fanouts[1]) == std::vector<DeliverySummary>{{0, 1, 1, "#"}});
    CHECK(d.qos_downgrades == 1);
}

TEST_CASE("A retained message is set, delivered to a later subscriber, then cleared", "[delivery]") {
    Lab lab;
    ConnectionSummary& sensor = publisher(lab, 0, "capteur");
    const std::uint64_t set = lab.to_broker(sensor, publish("maison/salon/temperature", "21.5", 1, true));
    ConnectionSummary& board = subscriber(lab, 1, "tableau", {{"maison/#", 1}});
    const std::uint64_t got = lab.to_client(board, publish("maison/salon/temperature", "21.5", 1, true));
    const std::uint64_t cleared = lab.to_broker(sensor, publish("maison/salon/temperature", "", 1, true));
    // An established subscription gets the clearing message with the retain flag off [MQTT-3.3.1-9].
    const std::uint64_t forwarded = lab.to_client(board, publish("maison/salon/temperature", "", 1));
    subscriber(lab, 2, "tard", {{"maison/#", 1}});  // nothing is retained any more
    CHECK(std::vector<std::uint64_t>{set, got, cleared, forwarded} == std::vector<std::uint64_t>{4, 10, 11, 12});

    const DeliveryReport& d = lab.finish();
    using Event = std::tuple<RetainedKind, std::uint64_t, std::uint64_t, std::string, std::uint32_t, std::uint64_t>;
    std::vector<Event> events;
    for (const RetainedEvent& r : d.retained)
        events.emplace_back(r.kind, r.connection, r.frame, r.topic, r.payload_length, r.set_frame);
    CHECK(events == std::vector<Event>{{RetainedKind::Set, 0, 4, "maison/salon/temperature", 4, 0},
                                       {RetainedKind::Delivered, 1, 10, "maison/salon/temperature", 4, 4},
                                       {RetainedKind::Cleared, 0, 11, "maison/salon/temperature", 0, 0}});
    REQUIRE(d.fanouts.size() == 3);
    // The retained PUBLISH reached no one when it was sent, but it is not lost:
    // the broker keeps it for the next subscriber.
    CHECK(d.fanouts[0].source == DeliverySource::Publish);
    CHECK(d.fanouts[0].delivery_count == 0);
    const Fanout& retained = d.fanouts[1];
    CHECK(retained.source == DeliverySource::Retained);
    CHECK(retained.connection == 0);
    CHECK(retained.client_id == "capteur");
    CHECK(retained.frame == 4);
    CHECK(retained.retain);
    CHECK(summary_of(retained) == std::vector<DeliverySummary>{{1, 1, 1, "maison/#"}});
    CHECK(retained.deliveries[0].latency_ns == 6 * kMs);
    CHECK(summary_of(d.fanouts[2]) == std::vector<DeliverySummary>{{1, 1, 1, "maison/#"}});
    CHECK(d.fanouts[2].payload_length == 0);
    CHECK(d.reached_no_one == 0);
    CHECK(d.unmatched_deliveries == 0);
    CHECK(d.latency.count == 1);  // the latency is over deliveries of a client's PUBLISH only
    REQUIRE(d.topics.size() == 1);
    CHECK(d.topics[0].publishes == 2);
    CHECK(d.topics[0].deliveries == 2);
    CHECK(d.topics[0].payload_bytes == 4);
    CHECK_FALSE(d.topics[0].retained);
    CHECK(lab.findings(FindingId::PublishReachedNoOne).empty());
    CHECK(lab.findings(FindingId::RetainedDelivered) ==
          std::vector<std::string>{"The retained message of 'maison/salon/temperature' was sent for 1 new "
                                   "subscription: first to #1 (client 'tableau') in frame 10 (set in frame 4). A broker "
                                   "keeps the last message published with the retain flag on each topic and "
                                   "sends it to every new subscription [MQTT-3.3.1-6]"});
}

TEST_CASE("A persistent session gets the messages published while it was offline", "[delivery]") {
    Lab lab;
    ConnectionSummary& before = lab.open(0);
    bool clean = false;
    SECTION("clean session 0: the subscription survives") { clean = false; }
    SECTION("clean session 1: the session ends with the connection") { clean = true; }
    lab.to_broker(before, connect("abonne", clean));
    lab.to_client(before, connack());
    lab.to_broker(before, subscribe(1, {{"ciel", 1}}));
    lab.to_client(before, suback(1, {1}));
    lab.to_broker(before, disconnect());
    lab.close(before);
    ConnectionSummary& p = publisher(lab, 1, "pub");
    const std::uint64_t published = lab.to_broker(p, publish("ciel", "pendant l'absence", 1));
    ConnectionSummary& after = lab.open(2);
    lab.to_broker(after, connect("abonne", false));
    lab.to_client(after, connack(!clean));
    const std::uint64_t delivered = lab.to_client(after, publish("ciel", "pendant l'absence", 1));
    CHECK(std::vector<std::uint64_t>{published, delivered} == std::vector<std::uint64_t>{12, 16});

    const DeliveryReport& d = lab.finish();
    REQUIRE(d.fanouts.size() == 1);
    if (clean) {
        // The broker had no session to resume: a message published before this
        // connection cannot be its delivery.
        CHECK(d.fanouts[0].delivery_count == 0);
        CHECK(d.unmatched_deliveries == 1);
        CHECK(lab.findings(FindingId::QueuedDelivery).empty());
        return;
    }
    REQUIRE(d.fanouts[0].deliveries.size() == 1);
    const Delivery& queued = d.fanouts[0].deliveries[0];
    CHECK(queued.connection == 2);
    CHECK(queued.client_id == "abonne");
    CHECK(queued.after_reconnect);
    CHECK(queued.latency_ns == 4 * kMs);
    CHECK(queued.filter == "ciel");
    CHECK(lab.findings(FindingId::QueuedDelivery) ==
          std::vector<std::string>{"#2 (client 'abonne') received 1 message published before this connection "
                                   "began: the broker kept it for its persistent session while it was offline; "
                                   "it came in frame 16 (published in frame 12)"});
}

TEST_CASE("A client reset without DISCONNECT: its will reaches the subscribers", "[delivery]") {
    Lab lab;
    ConnectionSummary& sensor = lab.open(0);
    lab.to_broker(sensor, connect_with_will("capteur", "maison/etat", "offline", 1));
    lab.to_client(sensor, connack());
    ConnectionSummary& board = subscriber(lab, 1, "tableau", {{"maison/etat", 1}});
    const std::uint64_t reset = lab.reset_by_client(sensor);
    std::uint64_t delivered = 0;
    SECTION("the will is delivered before the connection ends in the capture") {
        delivered = lab.to_client(board, publish("maison/etat", "offline", 1));
        lab.end(sensor);
    }
    SECTION("the connection ends first") {
        lab.end(sensor);
        delivered = lab.to_client(board, publish("maison/etat", "offline", 1));
    }
    CHECK(std::vector<std::uint64_t>{reset, delivered} == std::vector<std::uint64_t>{9, 10});

    const DeliveryReport& d = lab.finish();
    REQUIRE(d.fanouts.size() == 1);
    const Fanout& will = d.fanouts[0];
    CHECK(will.source == DeliverySource::Will);
    CHECK(will.connection == 0);
    CHECK(will.client_id == "capteur");
    CHECK(will.frame == 9);
    CHECK(will.time == time_of(9));
    CHECK(will.topic == "maison/etat");
    CHECK(will.qos == 1);
    CHECK(will.payload_length == 7);
    CHECK(summary_of(will) == std::vector<DeliverySummary>{{1, 1, 1, "maison/etat"}});
    CHECK(will.deliveries[0].latency_ns == 1 * kMs);
    CHECK(d.unmatched_deliveries == 0);
    CHECK(d.reached_no_one == 0);
    CHECK(lab.findings(FindingId::WillPublished) ==
          std::vector<std::string>{"#0 (client 'capteur') reset the TCP connection (RST) in frame 9 without "
                                   "DISCONNECT: the broker publishes its will message on 'maison/etat' (QoS 1, "
                                   "7 bytes) [MQTT-3.1.2-8]"});
}

TEST_CASE("A DISCONNECT discards the will", "[delivery]") {
    Lab lab;
    ConnectionSummary& sensor = lab.open(0);
    lab.to_broker(sensor, connect_with_will("capteur", "maison/etat", "offline", 1));
    lab.to_client(sensor, connack());
    ConnectionSummary& board = subscriber(lab, 1, "tableau", {{"maison/etat", 1}});
    lab.to_broker(sensor, disconnect());
    lab.close(sensor);
    lab.to_client(board, publish("maison/etat", "offline", 1));  // from somewhere the capture misses

    const DeliveryReport& d = lab.finish();
    CHECK(d.fanouts.empty());
    CHECK(d.unmatched_deliveries == 1);
    CHECK(lab.findings(FindingId::WillPublished).empty());
}

TEST_CASE("A PUBLISH that reached no one is a finding only when the capture has a subscriber",
          "[delivery]") {
    Lab lab;
    const bool with_subscriber = GENERATE(true, false);
    if (with_subscriber) subscriber(lab, 0, "eleve", {{"ciel", 1}});
    ConnectionSummary& p = publisher(lab, 1, "pub");
    const std::uint64_t published = lab.to_broker(p, publish("jardin/arrosage", "on", 1));

    const DeliveryReport& d = lab.finish();
    CHECK(d.reached_no_one == 1);
    REQUIRE(d.fanouts.size() == 1);
    CHECK(d.fanouts[0].delivery_count == 0);
    if (with_subscriber) {
        CHECK(published == 9);
        CHECK(lab.findings(FindingId::PublishReachedNoOne) ==
              std::vector<std::string>{"1 message on 'jardin/arrosage', from #1 (client 'pub') in frame 9, reached "
                                       "no subscriber in the capture: no captured client had subscribed to a "
                                       "matching filter"});
    } else {
        CHECK(lab.findings(FindingId::PublishReachedNoOne).empty());
    }
}

TEST_CASE("Subscriptions granted, refused and unsubscribed", "[delivery]") {
    Lab lab;
    ConnectionSummary& student = lab.open(0);
    lab.to_broker(student, connect("eleve"));
    lab.to_client(student, connack());
    const std::uint64_t subscribed = lab.to_broker(student, subscribe(7, {{"maison/#", 1}, {"secret/#", 2}}));
    lab.to_client(student, suback(7, {1, 0x80}));
    const std::uint64_t unsubscribed = lab.to_broker(student, unsubscribe(8, {"maison/#"}));
    ConnectionSummary& mqttx = lab.open(1);
    lab.to_broker(mqttx, connect("mqttx"), Version::V5);
    lab.to_client(mqttx, connack(), Version::V5);
    lab.to_broker(mqttx, subscribe(1, {{"ciel", 0}}), Version::V5);
    lab.to_client(mqttx, suback(1, {0x87}), Version::V5);

    const DeliveryReport& d = lab.finish();
    REQUIRE(d.subscriptions.size() == 3);
    const SubscriptionRecord& granted = d.subscriptions[0];
    CHECK(granted.connection == 0);
    CHECK(granted.client_id == "eleve");
    CHECK(granted.frame == subscribed);
    CHECK(granted.time == time_of(subscribed));
    CHECK(granted.filter == "maison/#");
    CHECK(granted.requested_qos == 1);
    CHECK(granted.granted_qos == std::optional<std::uint8_t>(1));
    CHECK_FALSE(granted.refused_code);
    CHECK(granted.wildcard);
    CHECK(granted.unsubscribed_frame == unsubscribed);
    const SubscriptionRecord& refused = d.subscriptions[1];
    CHECK(refused.filter == "secret/#");
    CHECK(refused.requested_qos == 2);
    CHECK_FALSE(refused.granted_qos);
    CHECK(refused.refused_code == std::optional<std::uint8_t>(0x80));
    CHECK(refused.unsubscribed_frame == 0);
    CHECK_FALSE(d.subscriptions[2].wildcard);
    CHECK(lab.findings(FindingId::SubscriptionRefused) ==
          std::vector<std::string>{"#0 (client 'eleve') subscribed to 'secret/#'; the broker refused it with "
                                   "SUBACK code 0x80 (failure): no message on it reaches this client",
                                   "#1 (client 'mqttx') subscribed to 'ciel'; the broker refused it with SUBACK "
                                   "code 0x87 (not authorized): no message on it reaches this client"});
}

TEST_CASE("DUP copies are retransmissions; a repeated message is a new one", "[delivery]") {
    Lab lab;
    ConnectionSummary& sub = subscriber(lab, 0, "sub", {{"ciel", 1}});
    ConnectionSummary& p = publisher(lab, 1, "pub");
    lab.to_broker(p, publish("ciel", "bonjour", 1));
    lab.to_broker(p, publish("ciel", "bonjour", 1, false, true));  // the client retransmits
    lab.to_client(sub, publish("ciel", "bonjour", 1));
    lab.to_client(sub, publish("ciel", "bonjour", 1, false, true));  // the broker retransmits
    const std::uint64_t again = lab.to_broker(p, publish("ciel", "bonjour", 1));
    const std::uint64_t second = lab.to_client(sub, publish("ciel", "bonjour", 1));

    const DeliveryReport& d = lab.finish();
    REQUIRE(d.fanouts.size() == 2);
    CHECK(d.fanouts[0].delivery_count == 1);
    CHECK(d.fanouts[1].frame == again);
    REQUIRE(d.fanouts[1].deliveries.size() == 1);
    CHECK(d.fanouts[1].deliveries[0].frame == second);
    CHECK(d.unmatched_deliveries == 0);
    CHECK(d.topics[0].publishes == 2);
    CHECK(d.topics[0].deliveries == 2);
}

TEST_CASE("Past max_delivery_candidates the oldest PUBLISH is forgotten", "[delivery]") {
    Limits limits;
    limits.max_delivery_candidates = 2;
    Lab lab(limits);
    ConnectionSummary& sub = subscriber(lab, 0, "sub", {{"ciel", 0}});
    ConnectionSummary& p = publisher(lab, 1, "pub");
    lab.to_broker(p, publish("ciel", "a"));
    lab.to_broker(p, publish("ciel", "b"));
    const std::uint64_t third = lab.to_broker(p, publish("ciel", "c"));
    lab.to_client(sub, publish("ciel", "a"));  // its PUBLISH was forgotten
    lab.to_client(sub, publish("ciel", "c"));

    const DeliveryReport& d = lab.finish();
    CHECK(d.unmatched_deliveries == 1);
    REQUIRE(d.fanouts.size() == 3);
    CHECK(d.fanouts[0].delivery_count == 0);
    CHECK(d.fanouts[2].delivery_count == 1);
    CHECK(d.reached_no_one == 2);  // "a" forgotten undelivered, "b" never delivered
    CHECK(lab.anomalies(AnomalyId::AnalysisDeliveryWindowLimit) == 1);
    REQUIRE(lab.anomaly_list().size() == 1);
    CHECK(lab.anomaly_list()[0].connection == std::optional<std::uint64_t>(1));
    CHECK(lab.anomaly_list()[0].frame == std::optional<std::uint64_t>(third));
    CHECK(lab.anomaly_list()[0].detail == "2 messages are remembered; deliveries of older ones count as unmatched");
}

TEST_CASE("Past max_topics new topics are left out of the tree", "[delivery]") {
    Limits limits;
    limits.max_topics = 1;
    Lab lab(limits);
    ConnectionSummary& p = publisher(lab, 0, "pub");
    lab.to_broker(p, publish("maison/salon/temperature", "21"));
    lab.to_broker(p, publish("maison/cuisine/temperature", "22"));
    lab.to_broker(p, publish("maison/cuisine/temperature", "23"));

    const DeliveryReport& d = lab.finish();
    REQUIRE(d.topics.size() == 1);
    CHECK(d.topics[0].topic == "maison/salon/temperature");
    CHECK(d.topics_unlisted == 2);  // PUBLISH packets on the topic left out
    CHECK(d.fanouts.size() == 3);
    CHECK(lab.anomalies(AnomalyId::AnalysisTopicsLimit) == 1);
}

TEST_CASE("Retain-as-published and shared subscriptions (5.0)", "[delivery]") {
    Lab lab;
    ConnectionSummary& mqttx = lab.open(0);
    lab.to_broker(mqttx, connect("mqttx"), Version::V5);
    lab.to_client(mqttx, connack(), Version::V5);
    Packet sub = subscribe(1, {{"maison/#", 1}, {"$share/groupe/ciel", 1}});
    sub.subscriptions[0].retain_as_published = true;
    lab.to_broker(mqttx, sub, Version::V5);
    lab.to_client(mqttx, suback(1, {1, 1}), Version::V5);
    ConnectionSummary& p = publisher(lab, 1, "pub");
    lab.to_broker(p, publish("maison/salon/temperature", "21.5", 1, true));
    // Retain-as-published: an established subscription's delivery keeps the flag [MQTT-3.3.1-13].
    lab.to_client(mqttx, publish("maison/salon/temperature", "21.5", 1, true), Version::V5);
    lab.to_broker(p, publish("ciel", "bonjour", 1));
    lab.to_client(mqttx, publish("ciel", "bonjour", 1), Version::V5);

    const DeliveryReport& d = lab.finish();
    REQUIRE(d.fanouts.size() == 2);
    CHECK(d.fanouts[0].source == DeliverySource::Publish);
    CHECK(summary_of(d.fanouts[0]) == std::vector<DeliverySummary>{{0, 1, 1, "maison/#"}});
    CHECK(summary_of(d.fanouts[1]) == std::vector<DeliverySummary>{{0, 1, 1, "$share/groupe/ciel"}});
    CHECK(d.retained.size() == 1);  // the Set only: no retained delivery
    CHECK(d.unmatched_deliveries == 0);
}

TEST_CASE("Long topics are cut in the listing and in sentences", "[delivery]") {
    Lab lab;
    subscriber(lab, 0, "sub", {{"ciel", 0}});
    ConnectionSummary& p = publisher(lab, 1, "pub");
    const std::string topic = "maison/" + std::string(2000, 'x');
    lab.to_broker(p, publish(topic, "21.5"));

    const DeliveryReport& d = lab.finish();
    REQUIRE(d.fanouts.size() == 1);
    CHECK(d.fanouts[0].topic == topic.substr(0, 1024));  // the payload cap, as in the packet listing
    REQUIRE(d.topics.size() == 1);
    CHECK(d.topics[0].topic == topic);  // the topic tree keeps whole names, within its byte budget
    CHECK(lab.findings(FindingId::PublishReachedNoOne) ==
          std::vector<std::string>{"1 message on 'maison/" + std::string(73, 'x') +
                                   "...', from #1 (client 'pub') in frame 9, reached no subscriber in the "
                                   "capture: no captured client had subscribed to a matching filter"});
}

TEST_CASE("shown_name cuts long names at a UTF-8 boundary", "[delivery]") {
    CHECK(shown_name("maison/salon") == "maison/salon");
    CHECK(shown_name(std::string(80, 'a')) == std::string(80, 'a'));
    CHECK(shown_name(std::string(81, 'a')) == std::string(80, 'a') + "...");
    // 79 ASCII characters then "é" (2 bytes): the cut would split it.
    CHECK(shown_name(std::string(79, 'a') + "\xc3\xa9zz") == std::string(79, 'a') + "...");
    CHECK(who(3, "") == "#3");
    CHECK(who(3, "capteur") == "#3 (client 'capteur')");
    CHECK(count_of(1, "message", "messages") == "1 message");
    CHECK(count_of(2, "message", "messages") == "2 messages");
}

TEST_CASE("DeliveryWindow: the oldest eligible candidate of a key", "[delivery]") {
    DeliveryWindow window(4);
    const std::uint64_t key = message_key(topic_key("ciel"), "hello", 5);
    const std::uint64_t other = message_key(topic_key("ciel"), "autre", 5);
    const auto add = [&](std::uint64_t k, std::uint64_t frame, std::uint8_t qos) {
        return window.add({k, DeliverySource::Publish, 0, frame, time_of(frame), qos, false, kNotListed, 0});
    };
    CHECK(add(key, 10, 0).number == 1);
    CHECK(add(key, 20, 2).number == 2);
    CHECK(add(other, 25, 0).number == 3);
    CHECK(add(key, 30, 0).number == 4);
    using Wanted = DeliveryWindow::Wanted;
    CHECK(window.next_for(Wanted{key, 0, 0, 100, 0, 0}) == 1);
    // After the one delivered: to a subscription granted QoS 0, 2 comes at QoS 0;
    // granted QoS 1, it would come at QoS 1, and 4 is the one delivered at QoS 0.
    CHECK(window.next_for(Wanted{key, 1, 0, 100, 0, 0}) == 2);
    CHECK(window.next_for(Wanted{key, 1, 0, 100, 0, 1}) == 4);
    // A QoS 1 delivery comes from a QoS >= 1 PUBLISH: 2, below its expected QoS 2.
    CHECK(window.next_for(Wanted{key, 0, 0, 100, 1, 2}) == 2);
    CHECK(window.next_for(Wanted{key, 2, 0, 100, 1, 2}) == 0);
    CHECK(window.next_for(Wanted{key, 0, 0, 100, 0, 2}) == 1);
    CHECK(window.next_for(Wanted{key, 0, 3, 100, 0, 2}) == 4);  // a session that began after candidate 2
    CHECK(window.next_for(Wanted{key, 0, 0, 10, 0, 2}) == 0);   // not before the delivery
    // From 2 on: 2 would come at QoS 2, 4 at QoS 0; 2 only when 4 came too late.
    CHECK(window.next_for(Wanted{key, 0, 2, 100, 0, 2}) == 4);
    CHECK(window.next_for(Wanted{key, 0, 2, 25, 0, 2}) == 2);
    CHECK(window.next_for(Wanted{other, 0, 0, 100, 0, 2}) == 3);
    CHECK(window.newest(key) == 4);
    const DeliveryWindow::Added added = add(other, 40, 1);
    CHECK(added.number == 5);
    REQUIRE(added.forgotten);
    CHECK(added.forgotten->frame == 10);
    CHECK(window.find(1) == nullptr);
    CHECK(window.next_for(Wanted{key, 1, 0, 100, 0, 2}) == 4);  // the delivered one left the window
    std::vector<std::uint64_t> drained;
    window.drain([&](const Candidate& c) { drained.push_back(c.frame); });
    CHECK(drained == std::vector<std::uint64_t>{20, 25, 30, 40});
    CHECK(window.next_for(Wanted{key, 0, 0, 100, 0, 2}) == 0);
}

TEST_CASE("The delivery JSON of a small capture", "[delivery]") {
    Lab lab;
    ConnectionSummary& sub = subscriber(lab, 0, "sub", {{"ciel", 1}});
    ConnectionSummary& p = publisher(lab, 1, "pub");
    lab.to_broker(p, publish("ciel", "hello", 2));
    lab.to_client(sub, publish("ciel", "hello", 1));

    std::string out;
    JsonWriter json(out);
    write_delivery_json(json, lab.finish(), TimePrecision::Micro);
    CHECK(out == R"({
  "subscriptions": [
    {
      "connection": 0,
      "client_id": "sub",
      "frame": 4,
      "time": 1700000000.004000,
      "filter": "ciel",
      "requested_qos": 1,
      "granted_qos": 1,
      "refused_code": null,
      "wildcard": false,
      "unsubscribed_frame": null
    }
  ],
  "subscriptions_unlisted": 0,
  "retained": [],
  "retained_unlisted": 0,
  "fanouts": [
    {
      "source": "publish",
      "connection": 1,
      "client_id": "pub",
      "frame": 9,
      "time": 1700000000.009000,
      "topic": "ciel",
      "qos": 2,
      "retain": false,
      "payload_len": 5,
      "delivery_count": 1,
      "deliveries": [
        {
          "connection": 0,
          "client_id": "sub",
          "frame": 10,
          "time": 1700000000.010000,
          "qos": 1,
          "expected_qos": 1,
          "latency": 0.001000,
          "filter": "ciel",
          "after_reconnect": false
        }
      ]
    }
  ],
  "fanouts_unlisted": 0,
  "reached_no_one": 0,
  "unmatched_deliveries": 0,
  "qos_downgrades": 1,
  "latency": {
    "count": 1,
    "min": 0.001000,
    "median": 0.001000,
    "max": 0.001000,
    "median_exact": true
  },
  "topics": [
    {
      "topic": "ciel",
      "publishes": 1,
      "deliveries": 1,
      "payload_bytes": 5,
      "retained": false
    }
  ],
  "topics_unlisted": 0
})");
}

TEST_CASE("The delivery section of the text report", "[delivery]") {
    Lab lab;
    ConnectionSummary& a = subscriber(lab, 0, "", {{"maison/#", 2}});
    ConnectionSummary& b = subscriber(lab, 1, "", {{"maison/salon/temperature", 1}});
    ConnectionSummary& p = publisher(lab, 2, "");
    const Packet hello = publish("maison/salon/temperature", "21.5", 2, true);
    const std::uint64_t published = lab.to_broker(p, hello);
    lab.to_client(a, publish("maison/salon/temperature", "21.5", 2));
    lab.to_client(b, publish("maison/salon/temperature", "21.5", 1));
    lab.to_broker(p, publish("maison", "x"));
    lab.to_client(a, publish("maison", "x"));
    lab.to_broker(p, publish("jardin", "y"));

    CaptureReport report;
    report.delivery = lab.finish();
    MqttConnectionReport mqtt;
    mqtt.connection = 2;
    mqtt.packets.push_back(MqttPacketRecord{published, time_of(published), Direction::ToServer, hello, false, false});
    report.mqtt.push_back(mqtt);
    CHECK(delivery_text_lines(report) ==
          std::vector<std::string>{
              "Subscriptions:",
              "  #0 'maison/#' (wildcard): asked QoS 2, granted QoS 2 (frame 4)",
              "  #1 'maison/salon/temperature': asked QoS 1, granted QoS 1 (frame 9)",
              "Retained messages:",
              "  frame 14: #2 set the retained message of 'maison/salon/temperature' (4 B)",
              "Through the broker: 3 messages entered the broker (1 reached no one); 0 deliveries came from the "
              "broker with no source in the capture; 1 delivery below the published QoS; broker latency min "
              "1.000 ms, median 1.000 ms, max 2.000 ms",
              "  PUBLISH \"21.5\" on 'maison/salon/temperature' q2 from #2 (frame 14) -> #0 q2 after 1.000 ms "
              "(filter 'maison/#'), #1 q1 after 2.000 ms (filter 'maison/salon/temperature', downgraded: granted 1)",
              "  PUBLISH on 'maison' q0 from #2 (frame 17) -> #0 q0 after 1.000 ms (filter 'maison/#')",
              "  PUBLISH on 'jardin' q0 from #2 (frame 19) -> no one",
              "Topic tree (3 topics):",
              "  jardin (1 publish)",
              "  maison/ (1 publish, 1 delivery)",
              "    salon/",
              "      temperature (1 publish, 2 deliveries, retained)",
          });
}

// The bundled sample (samples/MANIFEST.md). Every number below was checked
// against tshark 4.0.17:
//   tshark -r samples/mosquitto-loopback.pcap -d tcp.port==18830,mqtt -Y mqtt.msgtype==3
//          -T fields -e frame.number -e frame.time_epoch -e tcp.stream -e mqtt.topic -e mqtt.qos -e mqtt.retain
// lists the retained PUBLISH of connection 0 (frame 8, QoS 1), its retained
// deliveries to 2 (frame 34) and 1 (frame 35), and six 'hello' PUBLISHes from
// connections 3 to 8 (frames 49, 65, 86, 111, 127, 148; QoS 0, 1, 2, 0, 1, 2),
// each delivered at its own QoS to 1 then 2.
TEST_CASE("mosquitto-loopback sample: fan-out of six 'hello's and one retained message", "[delivery]") {
    const AnalysisResult result = analyze_file(MQSCAN_SOURCE_DIR "/samples/mosquitto-loopback.pcap", AnalysisSettings{});
    REQUIRE(result.status == AnalysisStatus::Complete);
    const DeliveryReport& d = result.report.delivery;

    using Event = std::tuple<RetainedKind, std::uint64_t, std::uint64_t, std::uint64_t>;
    std::vector<Event> retained;
    for (const RetainedEvent& r : d.retained) retained.emplace_back(r.kind, r.connection, r.frame, r.set_frame);
    CHECK(retained == std::vector<Event>{{RetainedKind::Set, 0, 8, 0},
                                         {RetainedKind::Delivered, 2, 34, 8},
                                         {RetainedKind::Delivered, 1, 35, 8}});

    // (source, publisher, frame, QoS, [(subscriber, frame, QoS)])
    using Reached = std::vector<std::tuple<std::uint64_t, std::uint64_t, int>>;
    using Row = std::tuple<DeliverySource, std::uint64_t, std::uint64_t, int, Reached>;
    std::vector<Row> rows;
    for (const Fanout& f : d.fanouts) {
        Reached reached;
        for (const Delivery& x : f.deliveries) reached.emplace_back(x.connection, x.frame, x.qos);
        rows.emplace_back(f.source, f.connection, f.frame, f.qos, reached);
        CHECK(f.delivery_count == f.deliveries.size());
    }
    const DeliverySource publish_source = DeliverySource::Publish;
    CHECK(rows == std::vector<Row>{
                      {publish_source, 0, 8, 1, {}},
                      {DeliverySource::Retained, 0, 8, 1, {{2, 34, 1}, {1, 35, 1}}},
                      {publish_source, 3, 49, 0, {{1, 51, 0}, {2, 52, 0}}},
                      {publish_source, 4, 65, 1, {{1, 66, 1}, {2, 68, 1}}},
                      {publish_source, 5, 86, 2, {{1, 89, 2}, {2, 90, 2}}},
                      {publish_source, 6, 111, 0, {{1, 113, 0}, {2, 114, 0}}},
                      {publish_source, 7, 127, 1, {{1, 128, 1}, {2, 130, 1}}},
                      {publish_source, 8, 148, 2, {{1, 151, 2}, {2, 154, 2}}},
                  });
    for (const Fanout& f : d.fanouts)
        for (const Delivery& x : f.deliveries) CHECK(x.filter == (f.topic == "ciel" ? "ciel" : "maison/salon/temperature"));
    CHECK(d.reached_no_one == 0);
    CHECK(d.unmatched_deliveries == 0);
    CHECK(d.qos_downgrades == 0);
    // Frame times (tshark frame.time_epoch): frame 51 - frame 49 = 127 us is the
    // fastest, frame 154 - frame 148 = 4341 us the slowest; the median of the
    // twelve is (181 + 232) / 2 us.
    CHECK(d.latency.count == 12);
    CHECK(d.latency.min_ns == 127'000);
    CHECK(d.latency.median_ns == 206'500);
    CHECK(d.latency.max_ns == 4'341'000);
    REQUIRE(d.subscriptions.size() == 4);
    for (const SubscriptionRecord& s : d.subscriptions) CHECK(s.granted_qos == std::optional<std::uint8_t>(2));
    // mosquitto_sub -V mqttv5 sends an empty client id; the broker assigns one in its CONNACK
    // (tshark -V, frame 28: "Assigned Client Identifier (0x12)"), which names connection 2.
    const std::string assigned = "auto-CFF384E6-7FE3-7114-00DC-3E2500A931AB";
    CHECK(d.subscriptions[0].client_id.empty());
    CHECK(d.subscriptions[2].client_id == assigned);
    std::vector<std::string> retained_findings;
    for (const Finding& f : result.report.findings)
        if (f.id == FindingId::RetainedDelivered) retained_findings.push_back(f.message);
    CHECK(retained_findings ==
          std::vector<std::string>{"The retained message of 'maison/salon/temperature' was sent for 2 new "
                                   "subscriptions: first to #2 (client '" + assigned + "') in frame 34 (set in "
                                   "frame 8). A broker keeps the last message published with the retain flag on "
                                   "each topic and sends it to every new subscription [MQTT-3.3.1-6]"});
    REQUIRE(d.topics.size() == 2);
    CHECK(d.topics[0].topic == "ciel");
    CHECK(std::tuple(d.topics[0].publishes, d.topics[0].deliveries, d.topics[0].payload_bytes, d.topics[0].retained) ==
          std::tuple(6u, 12u, 30u, false));
    CHECK(d.topics[1].topic == "maison/salon/temperature");
    CHECK(std::tuple(d.topics[1].publishes, d.topics[1].deliveries, d.topics[1].payload_bytes, d.topics[1].retained) ==
          std::tuple(1u, 2u, 4u, true));
}
