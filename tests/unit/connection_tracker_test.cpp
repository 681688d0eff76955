// ConnectionTracker: roles, endings, port reuse and the limits of the table.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "flow/connection_tracker.hpp"

using namespace mqscan;

namespace {

Endpoint v4(std::uint8_t last, std::uint16_t port) {
    Endpoint e;
    e.address.bytes = {192, 0, 2, last};
    e.port = port;
    return e;
}

// Collects what the consumer sees, per connection and direction.
class StreamLog final : public StreamConsumer {
public:
    void on_data(const ConnectionSummary& c, Direction d, Bytes bytes, FrameRef) override {
        streams[{c.id, d}].append(bytes.begin(), bytes.end());
    }
    void on_gap(const ConnectionSummary& c, Direction d, std::uint64_t bytes, FrameRef) override {
        streams[{c.id, d}] += "<gap " + std::to_string(bytes) + ">";
    }
    void on_end(const ConnectionSummary& c) override { ++ends[c.id]; }

    std::map<std::pair<std::uint64_t, Direction>, std::string> streams;
    std::map<std::uint64_t, int> ends;
};

class Harness {
public:
    Harness() : report(limits), tracker(limits, {1883}, report, &log) {}
    explicit Harness(Limits custom)
        : limits(custom), report(limits), tracker(limits, {1883}, report, &log) {}

    SegmentStatus send(Endpoint from, Endpoint to, std::uint32_t seq, std::uint8_t flags,
                       const std::string& data = "", std::int64_t at_seconds = 0) {
        TcpSegment s;
        s.src = from;
        s.dst = to;
        s.seq = seq;
        s.flags = flags;
        s.window = 1000;
        s.payload = Bytes(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
        return tracker.on_segment(s, FrameRef{++frame, Timestamp::from_seconds(at_seconds)});
    }
    CaptureReport finish() {
        tracker.finish();
        return report.take(CaptureInfo{});
    }

    Limits limits;
    ReportBuilder report;
    StreamLog log;
    ConnectionTracker tracker;
    std::uint64_t frame = 0;
};

const Endpoint client = v4(10, 50000);
const Endpoint broker = v4(1, 1883);
using namespace tcp_flags;

}  // namespace

TEST_CASE("The SYN's sender is the client; FIN from both sides ends it", "[tracker]") {
    Harness h;
    h.send(client, broker, 100, Syn);
    h.send(broker, client, 900, Syn | Ack);
    h.send(client, broker, 101, Ack | Psh, "CONNECT");
    h.send(broker, client, 901, Ack | Psh, "CONNACK");
    h.send(client, broker, 108, Fin | Ack);
    CHECK(h.log.ends.empty());
    h.send(broker, client, 908, Fin | Ack);
    CHECK(h.log.ends.at(0) == 1);
    CHECK(h.send(client, broker, 109, Ack) == SegmentStatus::NoPayload);

    const CaptureReport report = h.finish();
    REQUIRE(report.connections.size() == 1);
    const ConnectionSummary& c = report.connections[0];
    CHECK(c.client == client);
    CHECK(c.server == broker);
    CHECK(c.syn_seen);
    CHECK(c.role_source == RoleSource::Syn);
    CHECK(c.end_reason == EndReason::Fin);
    CHECK(c.stats(Direction::ToServer).packets == 4);
    CHECK(c.stats(Direction::ToClient).packets == 3);
    CHECK(c.stats(Direction::ToServer).bytes == 7);
    CHECK(h.log.streams[{0, Direction::ToServer}] == "CONNECT");
    CHECK(h.log.streams[{0, Direction::ToClient}] == "CONNACK");
    CHECK(h.log.ends.at(0) == 1);
}

TEST_CASE("Without a SYN, roles come from the SYN-ACK or the ports", "[tracker]") {
    SECTION("SYN-ACK: its receiver is the client") {
        Harness h;
        h.send(broker, client, 900, Syn | Ack);
        const ConnectionSummary c = h.finish().connections.at(0);
        CHECK(c.client == client);
        CHECK(c.role_source == RoleSource::SynAck);
        CHECK_FALSE(c.syn_seen);
    }
    SECTION("a known service port is the server's") {
        Harness h;
        h.send(broker, client, 900, Ack | Psh, "PINGRESP");
        const ConnectionSummary c = h.finish().connections.at(0);
        CHECK(c.server == broker);
        CHECK(c.role_source == RoleSource::Port);
        CHECK(c.end_reason == EndReason::Open);
    }
    SECTION("otherwise a privileged port, then the lower port") {
        Harness h;
        h.send(v4(10, 40000), v4(1, 17501), 1, Ack | Psh, "x");
        h.send(v4(10, 40001), v4(1, 443), 1, Ack | Psh, "x");
        const CaptureReport report = h.finish();
        CHECK(report.connections.at(0).server.port == 17501);
        CHECK(report.connections.at(1).server.port == 443);
    }
}

TEST_CASE("After a RST, segments already in flight are still stream data", "[tracker]") {
    Harness h;
    h.send(client, broker, 100, Syn);
    h.send(client, broker, 101, Ack, "ab");
    h.send(client, broker, 106, Ack, "fg");
    CHECK(h.send(broker, client, 0, Rst) == SegmentStatus::NoPayload);
    CHECK(h.log.ends.empty());
    CHECK(h.send(client, broker, 103, Ack, "cde") == SegmentStatus::Delivered);
    // The text a RST carries is a diagnostic, not data [RFC 1122 4.2.2.12].
    CHECK(h.send(broker, client, 0, Rst, "connection refused") == SegmentStatus::Ignored);
    const ConnectionSummary c = h.finish().connections.at(0);
    CHECK(h.log.streams[{0, Direction::ToServer}] == "abcdefg");
    CHECK(h.log.streams.count({0, Direction::ToClient}) == 0);
    CHECK(c.end_reason == EndReason::Rst);
    CHECK(c.stats(Direction::ToClient).rst);
    CHECK(c.stats(Direction::ToServer).gap_bytes == 0);
    CHECK(h.log.ends.at(0) == 1);
}

TEST_CASE("A SYN captured after the first data belongs to the connection", "[tracker]") {
    Harness h;
    h.send(client, broker, 101, Ack | Psh, "abc");
    h.send(client, broker, 100, Syn);
    h.send(broker, client, 900, Syn | Ack);
    h.send(client, broker, 104, Ack | Psh, "def");
    const CaptureReport report = h.finish();
    REQUIRE(report.connections.size() == 1);
    CHECK(report.connections[0].syn_seen);
    CHECK(report.connections[0].role_source == RoleSource::Syn);
    CHECK(h.log.streams[{0, Direction::ToServer}] == "abcdef");
}

TEST_CASE("Bytes past the FIN are not stream data", "[tracker]") {
    Harness h;
    h.send(client, broker, 100, Syn);
    h.send(client, broker, 101, Ack, "abc");
    h.send(client, broker, 104, Fin | Ack);
    CHECK(h.send(client, broker, 105, Ack, "late") == SegmentStatus::Ignored);
    CHECK(h.send(client, broker, 102, Ack, "bcXY") == SegmentStatus::Retransmission);
    const ConnectionSummary c = h.finish().connections.at(0);
    CHECK(h.log.streams[{0, Direction::ToServer}] == "abc");
    CHECK(c.stats(Direction::ToServer).gap_bytes == 0);
}

TEST_CASE("A new SYN on the same ports starts a new connection", "[tracker]") {
    Harness h;
    h.send(client, broker, 100, Syn);
    SECTION("after a close") {
        h.send(client, broker, 101, Rst);
        h.send(client, broker, 5000, Syn);
        h.send(client, broker, 5001, Ack, "new");
        const CaptureReport report = h.finish();
        REQUIRE(report.connections.size() == 2);
        CHECK(report.connections[0].end_reason == EndReason::Rst);
        CHECK(report.connections[1].id == 1);
        CHECK(report.connections[1].stats(Direction::ToServer).bytes == 3);
        CHECK(report.anomaly_counts[static_cast<int>(AnomalyId::PortReused)] == 1);
    }
    SECTION("while still open") {
        h.send(client, broker, 5000, Syn);
        const CaptureReport report = h.finish();
        REQUIRE(report.connections.size() == 2);
        CHECK(report.connections[0].end_reason == EndReason::PortReused);
    }
    SECTION("but a retransmitted SYN does not") {
        CHECK(h.send(client, broker, 100, Syn) == SegmentStatus::NoPayload);
        CHECK(h.finish().connections.size() == 1);
    }
}

TEST_CASE("A connection silent past the idle timeout is closed in the report", "[tracker]") {
    Limits limits;
    limits.idle_timeout_seconds = 60;
    Harness h(limits);
    h.send(client, broker, 100, Syn, "", 0);
    h.send(v4(11, 50001), broker, 100, Syn, "", 61);
    h.send(client, broker, 101, Ack, "x", 62);
    const CaptureReport report = h.finish();
    REQUIRE(report.connections.size() == 3);
    CHECK(report.connections[0].end_reason == EndReason::IdleTimeout);
    CHECK(report.connections[2].client == client);
    CHECK(report.connections[2].role_source == RoleSource::Port);
    CHECK(report.anomaly_counts[static_cast<int>(AnomalyId::ConnectionIdleEvicted)] == 1);
}

TEST_CASE("A full table closes the least recently active connection", "[tracker]") {
    Limits limits;
    limits.max_connections = 2;
    Harness h(limits);
    h.send(v4(10, 50000), broker, 1, Syn);
    h.send(v4(11, 50000), broker, 1, Syn);
    h.send(v4(10, 50000), broker, 2, Ack, "a");  // makes 11 the least recently active
    h.send(v4(12, 50000), broker, 1, Syn);
    CHECK(h.tracker.tracked() == 2);
    const CaptureReport report = h.finish();
    REQUIRE(report.connections.size() == 3);
    CHECK(report.connections[1].end_reason == EndReason::Evicted);
    CHECK(report.connections[0].end_reason == EndReason::Open);
    CHECK(report.anomaly_counts[static_cast<int>(AnomalyId::FlowTableFull)] == 1);
    CHECK(h.log.ends.size() == 3);
}

TEST_CASE("A half-closed connection says which side sent its FIN", "[tracker]") {
    Harness h;
    h.send(client, broker, 100, Syn);
    h.send(client, broker, 101, Fin | Ack);
    const ConnectionSummary c = h.finish().connections.at(0);
    CHECK(c.end_reason == EndReason::HalfClosed);
    CHECK(c.stats(Direction::ToServer).fin);
    CHECK_FALSE(c.stats(Direction::ToClient).fin);
}

TEST_CASE("Frames cut by the snaplen are one anomaly per connection", "[tracker]") {
    Harness h;
    for (std::uint32_t i = 0; i < 3; ++i) {
        TcpSegment s;
        s.src = client;
        s.dst = broker;
        s.seq = 100 + i * 10;
        s.flags = Ack;
        s.payload_missing = 10;
        h.tracker.on_segment(s, FrameRef{i + 1, {}});
    }
    const CaptureReport report = h.finish();
    CHECK(report.anomaly_counts[static_cast<int>(AnomalyId::FrameCutBySnaplen)] == 1);
    CHECK(report.connections.at(0).stats(Direction::ToServer).gap_bytes == 30);
    CHECK(report.connections.at(0).stats(Direction::ToServer).bytes == 0);
}

TEST_CASE("Listing stops at the limits, counting does not", "[report]") {
    Limits limits;
    limits.max_anomalies_listed = 5;
    limits.max_anomalies_listed_per_kind = 2;
    ReportBuilder report(limits);
    for (int i = 0; i < 4; ++i) report.anomaly(AnomalyId::Ipv4ChecksumBad, std::nullopt, i);
    for (int i = 0; i < 4; ++i) report.anomaly(AnomalyId::StreamGap, 0, i);
    for (int i = 0; i < 4; ++i) report.anomaly(AnomalyId::PortReused, 0, i);
    const CaptureReport r = report.take({});
    CHECK(r.anomalies.size() == 5);
    CHECK(r.anomalies[0].id == AnomalyId::Ipv4ChecksumBad);
    CHECK(r.anomalies[2].id == AnomalyId::StreamGap);
    CHECK(r.anomalies[4].id == AnomalyId::PortReused);
    CHECK(r.anomaly_counts[static_cast<int>(AnomalyId::Ipv4ChecksumBad)] == 4);
    CHECK(r.anomaly_counts[static_cast<int>(AnomalyId::PortReused)] == 4);
}
