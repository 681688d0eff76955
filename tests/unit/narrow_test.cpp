// Narrowing a report or a packet stream to connections, client ids and topics.
#include <catch2/catch.hpp>

#include "report/narrow.hpp"

namespace mqscan {
namespace {

using mqtt::PacketType;

mqtt::Packet packet(PacketType type, std::optional<std::uint16_t> id = std::nullopt) {
    mqtt::Packet p;
    p.type = type;
    p.packet_id = id;
    return p;
}

mqtt::Packet publish(std::string topic, std::uint8_t qos, std::uint16_t id) {
    mqtt::Packet p = packet(PacketType::Publish, id);
    p.topic = std::move(topic);
    p.qos = qos;
    return p;
}

}  // namespace

TEST_CASE("Topic narrowing keeps a PUBLISH's acks, told apart by who sent the PUBLISH", "[narrow]") {
    Narrowing n;
    n.topics = {"maison/#"};
    PacketSelection s(n);
    const Direction up = Direction::ToServer;
    const Direction down = Direction::ToClient;
    // The client publishes id 1 on a selected topic; the broker delivers its own id 1 elsewhere.
    CHECK(s.keep(0, up, publish("maison/salon/temperature", 1, 1)));
    CHECK_FALSE(s.keep(0, down, publish("ciel", 1, 1)));
    // The client's PUBACK answers the broker's PUBLISH: not selected.
    CHECK_FALSE(s.keep(0, up, packet(PacketType::Puback, 1)));
    // The broker's PUBACK answers the client's: selected.
    CHECK(s.keep(0, down, packet(PacketType::Puback, 1)));
    // The exchange is over: a second PUBACK for id 1 matches nothing.
    CHECK_FALSE(s.keep(0, down, packet(PacketType::Puback, 1)));
    // QoS 2: PUBREL comes from the publisher, PUBREC and PUBCOMP from the receiver.
    CHECK(s.keep(0, up, publish("maison/chambre_1/temperature", 2, 7)));
    CHECK(s.keep(0, down, packet(PacketType::Pubrec, 7)));
    CHECK(s.keep(0, up, packet(PacketType::Pubrel, 7)));
    CHECK(s.keep(0, down, packet(PacketType::Pubcomp, 7)));
    CHECK_FALSE(s.keep(0, up, packet(PacketType::Pingreq)));
}

TEST_CASE("A SUBSCRIBE is kept when one of its filters can match a selected topic", "[narrow]") {
    Narrowing n;
    n.topics = {"maison/salon/temperature"};
    PacketSelection s(n);
    mqtt::Packet subscribe = packet(PacketType::Subscribe, 3);
    subscribe.subscriptions.push_back(mqtt::Subscription{"maison/+/temperature"});
    mqtt::Packet other = packet(PacketType::Subscribe, 4);
    other.subscriptions.push_back(mqtt::Subscription{"ciel/#"});
    CHECK(s.keep(0, Direction::ToServer, subscribe));
    CHECK_FALSE(s.keep(0, Direction::ToServer, other));
    CHECK(s.keep(0, Direction::ToClient, packet(PacketType::Suback, 3)));
    CHECK_FALSE(s.keep(0, Direction::ToClient, packet(PacketType::Suback, 4)));
    CHECK(n.selects_filter("maison/#"));
    CHECK(n.selects_filter("#"));
    CHECK_FALSE(n.selects_filter("maison/salon/temperature/x"));
}

TEST_CASE("A client id assigned by a 5.0 broker selects the connection's packets", "[narrow]") {
    Narrowing n;
    n.client_ids = {"auto-1234"};
    PacketSelection s(n);
    CHECK_FALSE(s.keep(2, Direction::ToServer, packet(PacketType::Connect)));
    mqtt::Packet connack = packet(PacketType::Connack);
    mqtt::Property assigned;
    assigned.id = 0x12;
    assigned.kind = mqtt::PropertyKind::Utf8;
    assigned.text = "auto-1234";
    connack.properties.push_back(assigned);
    CHECK(s.keep(2, Direction::ToClient, connack));
    CHECK(s.keep(2, Direction::ToServer, publish("ciel", 0, 0)));
    CHECK_FALSE(s.keep(3, Direction::ToServer, publish("ciel", 0, 0)));
}

TEST_CASE("Narrowing a report keeps the selected connections and says nothing of the others", "[narrow]") {
    CaptureReport report;
    for (std::uint64_t id = 0; id < 3; ++id) {
        ConnectionSummary c;
        c.id = id;
        report.connections.push_back(c);
        report.sessions.push_back(SessionReport{});
        report.sessions.back().connection = id;
        report.findings.push_back(Finding{FindingId::CleartextMqtt, id, std::nullopt, "x"});
    }
    report.findings.push_back(Finding{FindingId::CaptureFramesCut, std::nullopt, std::nullopt, "capture"});
    Narrowing n;
    n.connections = {1};
    narrow(report, n);
    REQUIRE(report.connections.size() == 1);
    CHECK(report.connections[0].id == 1);
    REQUIRE(report.sessions.size() == 1);
    CHECK(report.sessions[0].connection == 1);
    REQUIRE(report.findings.size() == 2);
    CHECK(report.findings[0].connection == 1);
    CHECK_FALSE(report.findings[1].connection);
    CHECK(n.describe() == "connection #1");
}

TEST_CASE("Narrowing by topic keeps a capture-wide finding about a topic only for a topic asked for", "[narrow]") {
    CaptureReport report;
    report.findings.push_back(Finding{FindingId::RetainedDelivered, std::nullopt, 8, "maison", "maison/salon/temperature"});
    report.findings.push_back(Finding{FindingId::RetainedDelivered, std::nullopt, 9, "ciel", "ciel"});
    report.findings.push_back(Finding{FindingId::CaptureFramesCut, std::nullopt, std::nullopt, "capture"});
    Narrowing n;
    n.topics = {"maison/#"};
    narrow(report, n);
    REQUIRE(report.findings.size() == 2);
    CHECK(report.findings[0].topic == "maison/salon/temperature");
    CHECK(report.findings[1].id == FindingId::CaptureFramesCut);
}

TEST_CASE("A fan-out narrowed to one subscriber counts only its deliveries, and those never listed",
          "[narrow]") {
    CaptureReport report;
    Fanout f;
    f.connection = 1;
    f.topic = "maison/salon/temperature";
    for (std::uint64_t subscriber : {2, 3}) {
        Delivery d;
        d.connection = subscriber;
        f.deliveries.push_back(d);
    }
    f.delivery_count = 3;  // one more than the listing
    report.delivery.fanouts.push_back(f);
    Narrowing n;
    n.connections = {3};
    narrow(report, n);
    REQUIRE(report.delivery.fanouts.size() == 1);
    const Fanout& kept = report.delivery.fanouts[0];
    REQUIRE(kept.deliveries.size() == 1);
    CHECK(kept.deliveries[0].connection == 3);
    CHECK(kept.delivery_count == 2);
}

}  // namespace mqscan
