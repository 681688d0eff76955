#include <catch2/catch.hpp>

#include <string>

#include "analysis/qos_flows.hpp"
#include "analyzer_harness.hpp"
#include "mqtt_packets.hpp"
#include "report/json_qos.hpp"
#include "report/text_qos.hpp"

using namespace mqscan;
using mqscan::test::ack_packet;
using mqscan::test::kHarnessStartNs;
using mqscan::test::ms;
using mqscan::test::publish_packet;
using mqscan::test::sec;
using mqscan::test::us;
using mqtt::PacketType;

namespace {

using Harness = test::AnalyzerHarness<QosFlowAnalyzer>;

constexpr Direction kUp = Direction::ToServer;
constexpr Direction kDown = Direction::ToClient;

mqtt::Packet dup_publish(std::uint8_t qos, std::uint16_t id, const std::string& topic) {
    mqtt::Packet p = publish_packet(qos, id, topic, "hello");
    p.dup = true;
    return p;
}

std::vector<PacketType> step_types(const QosFlow& f) {
    std::vector<PacketType> types;
    for (const QosStep& s : f.steps) types.push_back(s.type);
    return types;
}

std::vector<std::uint64_t> step_frames(const QosFlow& f) {
    std::vector<std::uint64_t> frames;
    for (const QosStep& s : f.steps) frames.push_back(s.frame);
    return frames;
}

std::size_t count_findings(const CaptureReport& r, FindingId id) {
    return static_cast<std::size_t>(r.finding_counts[static_cast<std::size_t>(id)]);
}

// The QoS 1 exchange of the JSON test: PUBLISH at frame 10, PUBACK 1.5 ms later.
void qos1_exchange(Harness& h) {
    h.open();
    h.packet(kUp, 10, 0, publish_packet(1, 1, "ciel", "hello"));
    h.packet(kDown, 11, us(1500), ack_packet(PacketType::Puback, 1));
    h.end(EndReason::Fin);
}

}  // namespace

TEST_CASE("qos: a QoS 1 PUBLISH acknowledged by PUBACK is complete", "[qos]") {
    Harness h;
    qos1_exchange(h);
    const CaptureReport& r = h.finish();

    const QosTotals& t = r.qos.totals;
    CHECK(t.flows == 1);
    CHECK(t.qos1 == 1);
    CHECK(t.qos2 == 0);
    CHECK(t.complete == 1);
    CHECK(t.incomplete == 0);
    CHECK(t.latency.count == 1);
    CHECK(t.latency.min_ns == us(1500));
    CHECK(t.latency.median_ns == us(1500));
    CHECK(t.latency.max_ns == us(1500));

    REQUIRE(r.qos.flows.size() == 1);
    const QosFlow& f = r.qos.flows[0];
    CHECK(f.connection == 0);
    CHECK(f.dir == kUp);
    CHECK(f.packet_id == 1);
    CHECK(f.qos == 1);
    CHECK(f.topic == "ciel");
    CHECK(f.payload_length == 5);
    CHECK(f.status == FlowStatus::Complete);
    CHECK_FALSE(f.missing);
    CHECK(step_types(f) == std::vector{PacketType::Publish, PacketType::Puback});
    CHECK(step_frames(f) == std::vector<std::uint64_t>{10, 11});
    CHECK(f.steps[1].time.ns == kHarnessStartNs + us(1500));
    CHECK(f.latency_ns == us(1500));
    CHECK(f.retransmissions == 0);

    REQUIRE(r.qos.per_connection.size() == 1);
    CHECK(r.qos.per_connection[0].connection == 0);
    CHECK(r.qos.per_connection[0].totals.complete == 1);
    CHECK(r.qos.per_connection[0].totals.latency.max_ns == us(1500));
    CHECK(r.findings.empty());
}

TEST_CASE("qos: a QoS 2 exchange is complete at PUBCOMP", "[qos]") {
    Harness h;
    h.open();
    h.packet(kUp, 12, 0, publish_packet(2, 7, "ciel", "hello"));
    h.packet(kDown, 13, us(200), ack_packet(PacketType::Pubrec, 7));
    h.packet(kUp, 14, us(300), ack_packet(PacketType::Pubrel, 7));
    h.packet(kDown, 15, us(450), ack_packet(PacketType::Pubcomp, 7));
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.qos2 == 1);
    CHECK(r.qos.totals.complete == 1);
    REQUIRE(r.qos.flows.size() == 1);
    const QosFlow& f = r.qos.flows[0];
    CHECK(f.status == FlowStatus::Complete);
    CHECK(step_types(f) ==
          std::vector{PacketType::Publish, PacketType::Pubrec, PacketType::Pubrel, PacketType::Pubcomp});
    CHECK(step_frames(f) == std::vector<std::uint64_t>{12, 13, 14, 15});
    CHECK(f.latency_ns == us(450));
    CHECK(r.findings.empty());
}

TEST_CASE("qos: a QoS 2 exchange without PUBCOMP is incomplete", "[qos]") {
    Harness h;
    h.open();
    h.packet(kUp, 12, 0, publish_packet(2, 7, "ciel", "hello"));
    h.packet(kDown, 13, us(200), ack_packet(PacketType::Pubrec, 7));
    h.packet(kUp, 14, us(300), ack_packet(PacketType::Pubrel, 7));
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.incomplete == 1);
    CHECK(r.qos.totals.complete == 0);
    CHECK(r.qos.totals.latency.count == 0);
    REQUIRE(r.qos.flows.size() == 1);
    const QosFlow& f = r.qos.flows[0];
    CHECK(f.status == FlowStatus::Incomplete);
    CHECK(f.missing == PacketType::Pubcomp);
    CHECK_FALSE(f.latency_ns);
    CHECK(step_frames(f) == std::vector<std::uint64_t>{12, 13, 14});

    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].id == FindingId::QosFlowIncomplete);
    CHECK(r.findings[0].connection == 0u);
    CHECK(r.findings[0].frame == 12u);
    CHECK(r.findings[0].message ==
          "QoS 2 PUBLISH id 7 on 'ciel' (frame 12, client -> broker): PUBREC at frame 13, PUBREL at "
          "frame 14, no PUBCOMP before the connection ended");
}

TEST_CASE("qos: a flow still open when the capture ends says so", "[qos]") {
    Harness h;
    h.open();
    h.packet(kDown, 5, 0, publish_packet(1, 2, "maison/salon/temperature", "21.5"));
    h.end(EndReason::Open);
    const CaptureReport& r = h.finish();

    REQUIRE(r.qos.flows.size() == 1);
    CHECK(r.qos.flows[0].missing == PacketType::Puback);
    CHECK(r.qos.flows[0].dir == kDown);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].message ==
          "QoS 1 PUBLISH id 2 on 'maison/salon/temperature' (frame 5, broker -> client): no PUBACK by "
          "the end of the capture");
}

TEST_CASE("qos: a 5.0 PUBREC with reason code 0x87 refuses the message", "[qos]") {
    Harness h;
    h.open();
    h.packet(kUp, 20, 0, publish_packet(2, 3, "ciel", "hello"), mqtt::Version::V5);
    h.packet(kDown, 21, us(90), ack_packet(PacketType::Pubrec, 3, 0x87), mqtt::Version::V5);
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.refused == 1);
    CHECK(r.qos.totals.incomplete == 0);
    CHECK(r.qos.totals.latency.count == 0);
    REQUIRE(r.qos.flows.size() == 1);
    const QosFlow& f = r.qos.flows[0];
    CHECK(f.status == FlowStatus::Refused);
    CHECK_FALSE(f.missing);
    CHECK_FALSE(f.latency_ns);
    REQUIRE(f.steps.size() == 2);
    CHECK(f.steps[1].reason_code == std::uint8_t{0x87});
    CHECK_FALSE(f.steps[0].reason_code);

    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].id == FindingId::QosFlowRefused);
    CHECK(r.findings[0].frame == 20u);
    CHECK(r.findings[0].message ==
          "QoS 2 PUBLISH id 3 on 'ciel' (frame 20, client -> broker) refused: PUBREC at frame 21 with "
          "reason code 0x87");
}

TEST_CASE("qos: a 5.0 PUBACK with a success code below 0x80 completes the flow", "[qos]") {
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, publish_packet(1, 3, "ciel", "hello"), mqtt::Version::V5);
    // 0x10: no matching subscribers, still a success [MQTT 5.0 3.4.2.1].
    h.packet(kDown, 2, us(40), ack_packet(PacketType::Puback, 3, 0x10), mqtt::Version::V5);
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    REQUIRE(r.qos.flows.size() == 1);
    CHECK(r.qos.flows[0].status == FlowStatus::Complete);
    CHECK(r.qos.flows[0].steps[1].reason_code == std::uint8_t{0x10});
    CHECK(r.qos.flows[0].latency_ns == us(40));
}

TEST_CASE("qos: a DUP PUBLISH on an id in flight is a retransmission", "[qos]") {
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, publish_packet(1, 3, "ciel", "hello"));
    h.packet(kUp, 2, sec(10), dup_publish(1, 3, "ciel"));
    h.packet(kDown, 3, sec(10) + us(100), ack_packet(PacketType::Puback, 3));
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.flows == 1);
    CHECK(r.qos.totals.retransmissions == 1);
    CHECK(r.qos.totals.packet_id_reused == 0);
    REQUIRE(r.qos.flows.size() == 1);
    const QosFlow& f = r.qos.flows[0];
    CHECK(f.status == FlowStatus::Complete);
    CHECK(f.retransmissions == 1);
    CHECK(step_types(f) == std::vector{PacketType::Publish, PacketType::Publish, PacketType::Puback});
    CHECK_FALSE(f.steps[0].dup);
    CHECK(f.steps[1].dup);
    // From the first PUBLISH, not the retransmission.
    CHECK(f.latency_ns == sec(10) + us(100));
    CHECK(r.findings.empty());
}

TEST_CASE("qos: a DUP PUBLISH opening a flow counts as a retransmission", "[qos]") {
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, dup_publish(2, 9, "ciel"));
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.retransmissions == 1);
    REQUIRE(r.qos.flows.size() == 1);
    CHECK(r.qos.flows[0].steps[0].dup);
    CHECK(r.qos.flows[0].retransmissions == 1);
    CHECK(r.qos.flows[0].missing == PacketType::Pubrec);
}

TEST_CASE("qos: a PUBREL sent again is a retransmission", "[qos]") {
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, publish_packet(2, 4, "ciel", "hello"));
    h.packet(kDown, 2, us(10), ack_packet(PacketType::Pubrec, 4));
    h.packet(kUp, 3, us(20), ack_packet(PacketType::Pubrel, 4));
    h.packet(kUp, 4, sec(20), ack_packet(PacketType::Pubrel, 4));
    h.packet(kDown, 5, sec(20) + us(30), ack_packet(PacketType::Pubcomp, 4));
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.retransmissions == 1);
    CHECK(r.qos.totals.ack_without_publish == 0);
    REQUIRE(r.qos.flows.size() == 1);
    const QosFlow& f = r.qos.flows[0];
    CHECK(f.status == FlowStatus::Complete);
    CHECK(f.retransmissions == 1);
    CHECK(step_frames(f) == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
    CHECK(f.latency_ns == sec(20) + us(30));
}

TEST_CASE("qos: a new PUBLISH on an id in flight reuses it", "[qos]") {
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, publish_packet(1, 5, "a", "x"));
    SECTION("without DUP") { h.packet(kUp, 2, ms(1), publish_packet(1, 5, "b", "y")); }
    SECTION("with DUP but another topic") { h.packet(kUp, 2, ms(1), dup_publish(1, 5, "b")); }
    h.packet(kDown, 3, ms(3), ack_packet(PacketType::Puback, 5));
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.flows == 2);
    CHECK(r.qos.totals.packet_id_reused == 1);
    CHECK(r.qos.totals.incomplete == 1);
    CHECK(r.qos.totals.complete == 1);
    REQUIRE(r.qos.flows.size() == 2);
    CHECK(r.qos.flows[0].topic == "a");
    CHECK(r.qos.flows[0].status == FlowStatus::Incomplete);
    CHECK(r.qos.flows[0].missing == PacketType::Puback);
    CHECK(r.qos.flows[1].topic == "b");
    CHECK(r.qos.flows[1].status == FlowStatus::Complete);
    CHECK(r.qos.flows[1].latency_ns == ms(2));
    // The reuse finding stands for the old flow: no separate incomplete finding.
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].id == FindingId::QosPacketIdReused);
    CHECK(r.findings[0].frame == 2u);
    CHECK(r.findings[0].message ==
          "QoS 1 PUBLISH id 5 on 'b' (frame 2, client -> broker) reuses the id of the QoS 1 PUBLISH on "
          "'a' at frame 1, still waiting for its PUBACK");
}

TEST_CASE("qos: an acknowledgement with no PUBLISH in flight", "[qos]") {
    Harness h;
    h.open();
    SECTION("no flow at all") {
        h.packet(kDown, 30, 0, ack_packet(PacketType::Puback, 9));
        h.end(EndReason::Fin);
        const CaptureReport& r = h.finish();
        CHECK(r.qos.totals.ack_without_publish == 1);
        CHECK(r.qos.totals.flows == 0);
        REQUIRE(r.qos.per_connection.size() == 1);
        CHECK(r.qos.per_connection[0].totals.ack_without_publish == 1);
        REQUIRE(r.findings.size() == 1);
        CHECK(r.findings[0].id == FindingId::QosAckWithoutPublish);
        CHECK(r.findings[0].frame == 30u);
        CHECK(r.findings[0].message ==
              "PUBACK id 9 (frame 30, broker -> client) matches no PUBLISH in flight: the capture "
              "probably started late, or a session resumed");
    }
    SECTION("a PUBREL: the PUBLISH went the same way") {
        h.packet(kDown, 1, 0, publish_packet(2, 4, "ciel", "hello"));
        h.packet(kUp, 2, us(10), ack_packet(PacketType::Pubrel, 4));  // the client published no id 4
        h.end(EndReason::Fin);
        const CaptureReport& r = h.finish();
        CHECK(r.qos.totals.ack_without_publish == 1);
        CHECK(count_findings(r, FindingId::QosAckWithoutPublish) == 1);
        CHECK(r.qos.flows.at(0).missing == PacketType::Pubrec);
    }
    SECTION("a step that does not fit the flow's stage") {
        h.packet(kUp, 1, 0, publish_packet(2, 1, "ciel", "hello"));
        h.packet(kDown, 2, us(10), ack_packet(PacketType::Pubcomp, 1));
        h.end(EndReason::Fin);
        const CaptureReport& r = h.finish();
        CHECK(r.qos.totals.ack_without_publish == 1);
        CHECK(r.qos.totals.incomplete == 1);
        CHECK(count_findings(r, FindingId::QosAckWithoutPublish) == 1);
        CHECK(r.findings.at(0).message ==
              "PUBCOMP id 1 (frame 2, broker -> client) does not fit the QoS 2 PUBLISH at frame 1, which "
              "waits for a PUBREC");
    }
}

TEST_CASE("qos: flows in both directions with the same id are distinct", "[qos]") {
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, publish_packet(1, 1, "ciel", "up"));
    h.packet(kDown, 2, us(10), publish_packet(2, 1, "ciel", "down"));
    h.packet(kDown, 3, us(50), ack_packet(PacketType::Puback, 1));   // answers the client's
    h.packet(kUp, 4, us(60), ack_packet(PacketType::Pubrec, 1));     // answers the broker's
    h.packet(kDown, 5, us(70), ack_packet(PacketType::Pubrel, 1));
    h.packet(kUp, 6, us(90), ack_packet(PacketType::Pubcomp, 1));
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.complete == 2);
    CHECK(r.qos.totals.ack_without_publish == 0);
    REQUIRE(r.qos.flows.size() == 2);
    CHECK(r.qos.flows[0].dir == kUp);
    CHECK(r.qos.flows[0].qos == 1);
    CHECK(step_frames(r.qos.flows[0]) == std::vector<std::uint64_t>{1, 3});
    CHECK(r.qos.flows[0].latency_ns == us(50));
    CHECK(r.qos.flows[1].dir == kDown);
    CHECK(r.qos.flows[1].qos == 2);
    CHECK(step_frames(r.qos.flows[1]) == std::vector<std::uint64_t>{2, 4, 5, 6});
    CHECK(r.qos.flows[1].latency_ns == us(80));
    CHECK(r.qos.totals.latency.min_ns == us(50));
    CHECK(r.qos.totals.latency.max_ns == us(80));
    CHECK(r.qos.totals.latency.median_ns == us(65));
}

TEST_CASE("qos: past max_qos_in_flight, new flows are counted but not followed", "[qos]") {
    Harness h;
    h.settings.limits.max_qos_in_flight = 2;
    h.open();
    h.packet(kUp, 1, 0, publish_packet(1, 1, "ciel", "a"));
    h.packet(kUp, 2, us(1), publish_packet(1, 2, "ciel", "b"));
    h.packet(kUp, 3, us(2), publish_packet(1, 3, "ciel", "c"));  // a third in flight: untracked
    h.packet(kDown, 4, us(3), ack_packet(PacketType::Puback, 3));  // its ack is no stray
    h.packet(kDown, 5, us(4), ack_packet(PacketType::Puback, 1));
    h.packet(kDown, 6, us(5), ack_packet(PacketType::Puback, 2));
    h.packet(kUp, 7, us(6), publish_packet(1, 4, "ciel", "d"));  // room again
    h.packet(kDown, 8, us(9), ack_packet(PacketType::Puback, 4));
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.flows == 3);
    CHECK(r.qos.totals.complete == 3);
    CHECK(r.qos.flows_untracked == 1);
    CHECK(r.qos.totals.ack_without_publish == 0);
    CHECK(r.anomaly_counts[static_cast<std::size_t>(AnomalyId::AnalysisQosInFlightLimit)] == 1);
    REQUIRE(r.anomalies.size() == 1);
    CHECK(r.anomalies[0].frame == 3u);
    CHECK(r.anomalies[0].detail == "2 QoS exchanges in flight");
    CHECK(r.findings.empty());
}

TEST_CASE("qos: the listing keeps the first flows by PUBLISH, whatever order they end in", "[qos]") {
    Harness h;
    h.settings.limits.max_qos_flows_listed = 2;
    h.open();
    h.packet(kUp, 1, 0, publish_packet(2, 1, "ciel", "a"));
    h.packet(kUp, 2, us(1), publish_packet(1, 2, "ciel", "b"));
    h.packet(kUp, 3, us(2), publish_packet(1, 3, "ciel", "c"));
    h.packet(kDown, 4, us(3), ack_packet(PacketType::Puback, 3));
    h.packet(kDown, 5, us(4), ack_packet(PacketType::Puback, 2));
    h.packet(kDown, 6, us(5), ack_packet(PacketType::Pubrec, 1));
    h.packet(kUp, 7, us(6), ack_packet(PacketType::Pubrel, 1));
    h.packet(kDown, 8, us(7), ack_packet(PacketType::Pubcomp, 1));
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.flows == 3);
    CHECK(r.qos.flows_unlisted == 1);
    REQUIRE(r.qos.flows.size() == 2);
    CHECK(r.qos.flows[0].packet_id == 1);
    CHECK(r.qos.flows[0].latency_ns == us(7));
    CHECK(r.qos.flows[1].packet_id == 2);
    CHECK(r.qos.flows[1].latency_ns == us(3));
}

TEST_CASE("qos: connections past max_connections_listed are counted, not listed", "[qos]") {
    Harness h;
    h.settings.limits.max_connections_listed = 1;
    ConnectionSummary second = Harness::connection_with_id(1);
    h.open();
    h.open(second);
    h.packet(kUp, 1, 0, publish_packet(1, 1, "ciel", "a"));
    h.packet(second, kUp, 2, us(1), publish_packet(1, 1, "ciel", "b"));
    h.packet(second, kDown, 3, us(5), ack_packet(PacketType::Puback, 1));
    h.packet(kDown, 4, us(8), ack_packet(PacketType::Puback, 1));
    h.end(second, EndReason::Fin);
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.flows == 2);
    CHECK(r.qos.totals.latency.count == 2);
    CHECK(r.qos.flows_unlisted == 1);
    REQUIRE(r.qos.flows.size() == 1);
    CHECK(r.qos.flows[0].connection == 0);
    CHECK(r.qos.flows[0].latency_ns == us(8));
    REQUIRE(r.qos.per_connection.size() == 1);
    CHECK(r.qos.per_connection[0].connection == 0);
}

TEST_CASE("qos: totals and per-connection latency over complete flows", "[qos]") {
    Harness h;
    ConnectionSummary second = Harness::connection_with_id(1);
    h.open();
    h.open(second);
    h.packet(kUp, 1, 0, publish_packet(1, 1, "ciel", "a"));
    h.packet(kDown, 2, us(100), ack_packet(PacketType::Puback, 1));
    h.packet(kUp, 3, ms(1), publish_packet(1, 2, "ciel", "b"));
    h.packet(kDown, 4, ms(1) + us(300), ack_packet(PacketType::Puback, 2));
    h.packet(second, kUp, 5, ms(2), publish_packet(1, 1, "ciel", "c"));
    h.packet(second, kDown, 6, ms(2) + us(200), ack_packet(PacketType::Puback, 1));
    h.packet(kUp, 7, ms(3), publish_packet(1, 3, "ciel", "d"));  // never acknowledged
    h.end(EndReason::Fin);
    h.end(second, EndReason::Fin);
    const CaptureReport& r = h.finish();

    const LatencySummary& all = r.qos.totals.latency;
    CHECK(all.count == 3);
    CHECK(all.min_ns == us(100));
    CHECK(all.median_ns == us(200));
    CHECK(all.max_ns == us(300));
    CHECK(all.median_exact);
    REQUIRE(r.qos.per_connection.size() == 2);
    const QosTotals& first = r.qos.per_connection[0].totals;
    CHECK(first.flows == 3);
    CHECK(first.incomplete == 1);
    CHECK(first.latency.count == 2);
    CHECK(first.latency.median_ns == us(200));
    const QosTotals& other = r.qos.per_connection[1].totals;
    CHECK(r.qos.per_connection[1].connection == 1);
    CHECK(other.flows == 1);
    CHECK(other.latency.min_ns == us(200));
}

TEST_CASE("qos: malformed packets are followed only with a packet id", "[qos]") {
    Harness h;
    h.open();
    // Damaged after the id (in its properties): the id, type and topic are sound.
    h.packet(kUp, 1, 0, publish_packet(1, 6, "ciel", ""), mqtt::Version::V5, true);
    // Damaged before the id: nothing to match it with.
    h.packet(kDown, 2, us(10), test::simple_packet(PacketType::Puback), mqtt::Version::V5, true);
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(r.qos.totals.flows == 1);
    CHECK(r.qos.totals.incomplete == 1);
    CHECK(r.qos.totals.ack_without_publish == 0);
    REQUIRE(r.qos.flows.size() == 1);
    CHECK(r.qos.flows[0].missing == PacketType::Puback);
}

TEST_CASE("qos: past kStepsListed steps, the last listed is the newest", "[qos]") {
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, publish_packet(1, 2, "ciel", "hello"));
    for (std::uint64_t i = 0; i < 9; ++i)
        h.packet(kUp, 2 + i, sec(static_cast<std::int64_t>(i) + 1), dup_publish(1, 2, "ciel"));
    h.packet(kDown, 11, sec(10) + us(5), ack_packet(PacketType::Puback, 2));
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    REQUIRE(r.qos.flows.size() == 1);
    const QosFlow& f = r.qos.flows[0];
    CHECK(f.retransmissions == 9);
    CHECK(f.status == FlowStatus::Complete);
    CHECK(step_frames(f) == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 11});
    CHECK(f.latency_ns == sec(10) + us(5));
}

TEST_CASE("qos: the JSON of one flow", "[qos][json]") {
    Harness h;
    qos1_exchange(h);
    const CaptureReport& r = h.finish();
    std::string out;
    JsonWriter json(out, 0);
    write_qos_json(json, r.qos, TimePrecision::Micro);

    const std::string latency =
        R"({"count":1,"min":0.001500,"median":0.001500,"max":0.001500,"median_exact":true})";
    const std::string totals =
        R"("flows":1,"qos1":1,"qos2":0,"complete":1,"incomplete":0,"refused":0,"retransmissions":0,)"
        R"("packet_id_reused":0,"ack_without_publish":0,"latency":)" + latency;
    CHECK(out ==
          R"({"totals":{)" + totals + R"(},"per_connection":[{"connection":0,)" + totals +
              R"(}],"flows":[{"connection":0,"dir":"to_server","packet_id":1,"qos":1,"topic":"ciel",)"
              R"("payload_len":5,"status":"complete","missing":null,"steps":[)"
              R"({"type":"PUBLISH","frame":10,"time":1700000000.000000,"dup":false},)"
              R"({"type":"PUBACK","frame":11,"time":1700000000.001500,"dup":false}],)"
              R"("latency":0.001500,"retransmissions":0}],"flows_unlisted":0,"flows_untracked":0})");
}

TEST_CASE("qos: the JSON of a refused flow and an empty latency", "[qos][json]") {
    QosReport qos;
    QosFlow f;
    f.connection = 2;
    f.dir = Direction::ToClient;
    f.packet_id = 3;
    f.qos = 2;
    f.topic = "a\"b";
    f.status = FlowStatus::Refused;
    f.steps.push_back(QosStep{PacketType::Publish, 20, Timestamp{1'700'000'000'123'456'789}, true, std::nullopt});
    f.steps.push_back(QosStep{PacketType::Pubrec, 21, Timestamp{1'700'000'000'223'456'789}, false, 0x87});
    f.retransmissions = 1;
    qos.flows.push_back(f);
    std::string out;
    JsonWriter json(out, 0);
    write_qos_json(json, qos, TimePrecision::Nano);
    CHECK(out.find(R"("latency":{"count":0,"min":null,"median":null,"max":null,"median_exact":true})") !=
          std::string::npos);
    CHECK(out.find(R"({"connection":2,"dir":"to_client","packet_id":3,"qos":2,"topic":"a\"b","payload_len":0,)"
                   R"("status":"refused","missing":null,"steps":[)"
                   R"({"type":"PUBLISH","frame":20,"time":1700000000.123456789,"dup":true},)"
                   R"({"type":"PUBREC","frame":21,"time":1700000000.223456789,"dup":false,"reason_code":135}],)"
                   R"("latency":null,"retransmissions":1})") != std::string::npos);
}

TEST_CASE("qos: the text report's sentences", "[qos][text]") {
    Harness h;
    h.open();
    h.packet(kUp, 10, 0, publish_packet(1, 1, "ciel", "hello"), mqtt::Version::V5);
    h.packet(kDown, 11, us(1500), ack_packet(PacketType::Puback, 1), mqtt::Version::V5);
    h.packet(kUp, 12, ms(2), publish_packet(2, 7, "ciel", "hello"), mqtt::Version::V5);
    h.packet(kDown, 13, ms(3), ack_packet(PacketType::Pubrec, 7), mqtt::Version::V5);
    h.packet(kUp, 14, ms(4), ack_packet(PacketType::Pubrel, 7), mqtt::Version::V5);
    h.packet(kUp, 20, ms(5), publish_packet(1, 4, "ciel", "hello"), mqtt::Version::V5);
    h.packet(kDown, 21, ms(6), ack_packet(PacketType::Puback, 4, 0x87), mqtt::Version::V5);
    h.packet(kDown, 22, ms(7), ack_packet(PacketType::Puback, 9), mqtt::Version::V5);
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();

    CHECK(qos_text_lines(r, 0) ==
          std::vector<std::string>{
              "QoS flows: 3 (2 QoS 1, 1 QoS 2): 1 complete, 1 incomplete, 1 refused (PUBCOMP missing for id 7 "
              "from the client, frame 12; id 4 from the client refused by PUBACK 0x87 at frame 21); latency "
              "1.500 ms",
              "1 acknowledgement with no PUBLISH in the capture"});
    CHECK(qos_text_lines(r, 1).empty());
    CHECK(qos_summary_lines(r) ==
          std::vector<std::string>{
              "QoS flows: 3 (2 QoS 1, 1 QoS 2): 1 complete, 1 incomplete, 1 refused; latency 1.500 ms",
              "1 acknowledgement with no PUBLISH in the capture"});
}

// The bundled sample (samples/MANIFEST.md). Counts cross-checked against
//   tshark -r samples/mosquitto-loopback.pcap -d tcp.port==18830,mqtt -Y mqtt -T fields
//     -e frame.number -e tcp.stream -e mqtt.msgtype -e mqtt.msgid -e mqtt.qos
// QoS 1 and 2 PUBLISHes: #0 frame 8 (q1 -> PUBACK 9); the subscribers #1 (frames 35, 66,
// 128 q1; 89, 151 q2) and #2 (34, 68, 130 q1; 90, 154 q2), all answered; #4 65 -> 72;
// #5 86 -> 87, 88, 91; #7 127 -> 134; #8 148 -> 149, 150, 155. Latencies from tshark's
// frame.time_relative: shortest #2 frame 130 -> 132 (60 us), longest #8 148 -> 155
// (4380 us), median of the 15 #4 65 -> 72 (492 us).
TEST_CASE("qos: the mosquitto loopback sample", "[qos][sample]") {
    const AnalysisResult result = analyze_file(MQSCAN_SOURCE_DIR "/samples/mosquitto-loopback.pcap", AnalysisSettings{});
    REQUIRE(result.status == AnalysisStatus::Complete);
    const QosReport& qos = result.report.qos;
    CHECK(qos.totals.flows == 15);
    CHECK(qos.totals.qos1 == 9);
    CHECK(qos.totals.qos2 == 6);
    CHECK(qos.totals.complete == 15);
    CHECK(qos.totals.incomplete == 0);
    CHECK(qos.totals.refused == 0);
    CHECK(qos.totals.retransmissions == 0);
    CHECK(qos.totals.packet_id_reused == 0);
    CHECK(qos.totals.ack_without_publish == 0);
    CHECK(qos.totals.latency.count == 15);
    CHECK(qos.totals.latency.min_ns == us(60));
    CHECK(qos.totals.latency.median_ns == us(492));
    CHECK(qos.totals.latency.max_ns == us(4380));
    CHECK(qos.flows_unlisted == 0);
    CHECK(qos.flows_untracked == 0);

    REQUIRE(qos.flows.size() == 15);
    std::vector<std::uint64_t> publish_frames;
    for (const QosFlow& f : qos.flows) publish_frames.push_back(f.steps.front().frame);
    CHECK(publish_frames ==
          std::vector<std::uint64_t>{8, 34, 35, 65, 66, 68, 86, 89, 90, 127, 128, 130, 148, 151, 154});
    const QosFlow& qos2 = qos.flows[12];  // #8's QoS 2 PUBLISH
    CHECK(qos2.connection == 8);
    CHECK(qos2.dir == Direction::ToServer);
    CHECK(step_frames(qos2) == std::vector<std::uint64_t>{148, 149, 150, 155});
    CHECK(qos2.latency_ns == us(4380));

    std::vector<std::uint64_t> connections;
    std::vector<std::uint64_t> flow_counts;
    for (const QosConnectionTotals& c : qos.per_connection) {
        connections.push_back(c.connection);
        flow_counts.push_back(c.totals.flows);
    }
    CHECK(connections == std::vector<std::uint64_t>{0, 1, 2, 4, 5, 7, 8});
    CHECK(flow_counts == std::vector<std::uint64_t>{1, 5, 5, 1, 1, 1, 1});
}
