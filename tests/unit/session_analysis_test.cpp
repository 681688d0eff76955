// The session analysis and the conclusions over it (keepalive expiry named,
// abrupt endings, security verdict, capture quality), fed synthetic events.
#include <catch2/catch.hpp>

#include <algorithm>

#include "analysis/conclusions.hpp"
#include "analysis/connack_codes.hpp"
#include "analysis/sessions.hpp"

namespace mqscan {
namespace {

Timestamp at_ms(std::int64_t ms) { return Timestamp{ms * 1'000'000}; }

ConnectionSummary connection(std::uint64_t id, std::uint16_t server_port = 1883) {
    ConnectionSummary c;
    c.id = id;
    const IpAddress loopback{IpVersion::V4, {127, 0, 0, 1}};
    c.client = Endpoint{loopback, static_cast<std::uint16_t>(50000 + id)};
    c.server = Endpoint{loopback, server_port};
    c.end_reason = EndReason::Fin;
    return c;
}

mqtt::Packet connect(std::string client_id, std::uint16_t keepalive, bool clean) {
    mqtt::Packet p;
    p.type = mqtt::PacketType::Connect;
    p.client_id = std::move(client_id);
    p.keepalive = keepalive;
    p.connect_flags = clean ? 0x02 : 0x00;
    return p;
}

mqtt::Packet connack(std::uint8_t code) {
    mqtt::Packet p;
    p.type = mqtt::PacketType::Connack;
    p.reason_code = code;
    return p;
}

mqtt::Packet publish(std::string topic, std::uint32_t payload_length) {
    mqtt::Packet p;
    p.type = mqtt::PacketType::Publish;
    p.topic = std::move(topic);
    p.payload_length = payload_length;
    return p;
}

mqtt::Packet of_type(mqtt::PacketType type) {
    mqtt::Packet p;
    p.type = type;
    return p;
}

struct Harness {
    Harness() : report(settings.limits), analyzer(settings, report) {}

    void packet(const ConnectionSummary& c, Direction dir, std::uint64_t frame, const mqtt::Packet& p) {
        analyzer.on_mqtt_packet(MqttPacketEvent{c, dir, FrameRef{frame, at_ms(static_cast<std::int64_t>(frame))},
                                                mqtt::Version::V311, true, p, false});
    }
    // The connection ends: the session analysis and the conclusions run.
    CaptureReport& finish(std::vector<ConnectionSummary> connections) {
        for (ConnectionSummary& c : connections) report.connection(std::move(c));
        report.sort_records();  // as Pipeline::finish does before the analyses
        analyzer.finish(report);
        conclude(settings, report);
        return report.draft();
    }
    [[nodiscard]] std::vector<const Finding*> findings(FindingId id) {
        std::vector<const Finding*> out;
        for (const Finding& f : report.draft().findings)
            if (f.id == id) out.push_back(&f);
        return out;
    }

    AnalysisSettings settings;
    ReportBuilder report;
    SessionAnalyzer analyzer;
};

}  // namespace

TEST_CASE("A session's CONNECT, CONNACK, PUBLISH and DISCONNECT are summed up", "[sessions]") {
    Harness h;
    ConnectionSummary c = connection(0);
    mqtt::Packet hello = connect("alice", 30, false);
    hello.username = "eleve";
    hello.password = "secret123";
    h.packet(c, Direction::ToServer, 4, hello);
    h.packet(c, Direction::ToClient, 6, connack(0));
    h.packet(c, Direction::ToServer, 8, publish("ciel", 5));
    h.packet(c, Direction::ToServer, 9, publish("ciel", 7));
    h.packet(c, Direction::ToServer, 10, publish("maison/salon/temperature", 4));
    h.packet(c, Direction::ToServer, 12, of_type(mqtt::PacketType::Disconnect));
    c.stats(Direction::ToServer).fin_frame = 13;
    const CaptureReport& r = h.finish({c});

    REQUIRE(r.sessions.size() == 1);
    const SessionReport& s = r.sessions[0];
    CHECK(s.transport == Transport::Cleartext);
    CHECK(s.connect_frame == 4);
    CHECK(s.client_id == "alice");
    CHECK(s.keepalive == 30);
    CHECK_FALSE(s.clean_start);
    CHECK(s.username == "eleve");
    CHECK(s.connack_frame == 6);
    CHECK(s.connack_code == 0);
    CHECK(s.packets_to_broker == 5);
    CHECK(s.packets_to_client == 1);
    CHECK(s.publishes_to_broker == 3);
    CHECK(s.payload_bytes == 16);
    CHECK(s.topics == std::vector<std::string>{"ciel", "maison/salon/temperature"});
    CHECK(s.ending.how == SessionEnd::ClientDisconnect);
    CHECK(s.ending.frame == 12);

    CHECK(r.verdict.cleartext_mqtt);
    CHECK(r.verdict.cleartext_payloads);
    CHECK(r.verdict.cleartext_credentials);
    CHECK_FALSE(r.verdict.anonymous_access);
    CHECK(r.verdict.cleartext_topics == std::vector<std::string>{"ciel", "maison/salon/temperature"});
    const auto credentials = h.findings(FindingId::CredentialsInClear);
    REQUIRE(credentials.size() == 1);
    CHECK(credentials[0]->frame == 4);
    CHECK(credentials[0]->message.find("'eleve'") != std::string::npos);
    CHECK(credentials[0]->message.find("secret123") == std::string::npos);
    CHECK(r.verdict.summary.rfind("NOT PROTECTED", 0) == 0);
}

TEST_CASE("The first FIN or RST says who closed a session without DISCONNECT", "[sessions]") {
    Harness h;
    ConnectionSummary by_client = connection(0);
    by_client.stats(Direction::ToServer).rst_frame = 20;
    by_client.stats(Direction::ToClient).fin_frame = 21;
    ConnectionSummary by_broker = connection(1);
    by_broker.stats(Direction::ToClient).fin_frame = 30;
    by_broker.stats(Direction::ToServer).fin_frame = 31;
    ConnectionSummary open = connection(2);
    open.end_reason = EndReason::Open;
    for (const ConnectionSummary* c : {&by_client, &by_broker, &open})
        h.packet(*c, Direction::ToServer, 2 + c->id, connect("c", 60, true));
    const CaptureReport& r = h.finish({by_client, by_broker, open});

    REQUIRE(r.sessions.size() == 3);
    CHECK(r.sessions[0].ending.how == SessionEnd::ClientReset);
    CHECK(r.sessions[0].ending.frame == 20);
    CHECK(r.sessions[1].ending.how == SessionEnd::BrokerClosed);
    CHECK(r.sessions[1].ending.frame == 30);
    CHECK(r.sessions[2].ending.how == SessionEnd::Open);
    const auto abrupt = h.findings(FindingId::ClosedWithoutDisconnect);
    REQUIRE(abrupt.size() == 1);
    CHECK(abrupt[0]->connection == 0);
}

TEST_CASE("A refused CONNECT and an anonymous one are findings", "[sessions]") {
    Harness h;
    const ConnectionSummary refused = connection(0);
    const ConnectionSummary anonymous = connection(1);
    h.packet(refused, Direction::ToServer, 3, connect("a", 60, true));
    h.packet(refused, Direction::ToClient, 5, connack(5));
    h.packet(anonymous, Direction::ToServer, 7, connect("b", 60, true));
    h.packet(anonymous, Direction::ToClient, 9, connack(0));
    const CaptureReport& r = h.finish({refused, anonymous});

    const auto refusals = h.findings(FindingId::ConnectionRefused);
    REQUIRE(refusals.size() == 1);
    CHECK(refusals[0]->frame == 5);
    CHECK(refusals[0]->message.find("code 5 (not authorized)") != std::string::npos);
    const auto anonymous_access = h.findings(FindingId::AnonymousAccess);
    REQUIRE(anonymous_access.size() == 1);
    CHECK_FALSE(anonymous_access[0]->connection);
    CHECK(anonymous_access[0]->frame == 9);
    CHECK(anonymous_access[0]->message.find("1 connection (#1)") != std::string::npos);
    CHECK(r.verdict.anonymous_access);
    CHECK_FALSE(r.verdict.cleartext_payloads);
}

TEST_CASE("Cleartext MQTT on a TLS port, and a capture that started late", "[sessions]") {
    Harness h;
    const ConnectionSummary on_tls_port = connection(0, 8883);
    const ConnectionSummary late = connection(1);
    h.packet(on_tls_port, Direction::ToServer, 3, connect("a", 60, true));
    h.packet(late, Direction::ToServer, 4, publish("ciel", 2));
    const CaptureReport& r = h.finish({on_tls_port, late});

    REQUIRE(h.findings(FindingId::CleartextOnTlsPort).size() == 1);
    CHECK(h.findings(FindingId::CleartextOnTlsPort)[0]->connection == 0);
    CHECK(r.quality.connect_missing == 1);
    const auto missing = h.findings(FindingId::CaptureConnectMissing);
    REQUIRE(missing.size() == 1);
    CHECK(missing[0]->message.find("(#1)") != std::string::npos);
}

TEST_CASE("TLS connections and undecided ones on MQTT ports are sessions too", "[sessions]") {
    Harness h;
    ConnectionSummary tls = connection(0, 8883);
    ConnectionSummary silent = connection(1, 1883);
    ConnectionSummary web = connection(2, 80);
    TlsConnectionReport record;
    record.connection = 0;
    record.version = "TLS 1.3";
    record.version_code = 0x0304;
    record.established = true;
    record.certificates_visible = false;
    h.report.tls(record);
    const CaptureReport& r = h.finish({tls, silent, web});

    REQUIRE(r.sessions.size() == 2);
    CHECK(r.sessions[0].transport == Transport::Tls);
    CHECK(r.sessions[1].transport == Transport::Undecided);
    CHECK(r.verdict.tls_established);
    CHECK_FALSE(r.verdict.cleartext_mqtt);
    CHECK_FALSE(r.verdict.certificates_visible);
    CHECK(r.verdict.tls_versions == std::vector<std::string>{"TLS 1.3"});
    CHECK(h.findings(FindingId::TlsCertificatesHidden).size() == 1);
    CHECK(r.verdict.summary == "PROTECTED: the MQTT connections used TLS (TLS 1.3); TLS 1.3 hides the certificates.");
}

TEST_CASE("TLS connections that ended out of id order are all TLS sessions", "[sessions]") {
    Harness h;
    // Records arrive in the order connections end: #2 before #0 and #1.
    for (std::uint64_t id : {2, 0, 1}) {
        TlsConnectionReport record;
        record.connection = id;
        record.version = "TLS 1.2";
        record.established = true;
        h.report.tls(record);
    }
    const CaptureReport& r = h.finish({connection(2, 8883), connection(0, 8883), connection(1, 8883)});
    REQUIRE(r.sessions.size() == 3);
    for (const SessionReport& s : r.sessions) CHECK(s.transport == Transport::Tls);
}

TEST_CASE("A TLS handshake ended by a fatal alert is a failed handshake with its cause", "[sessions]") {
    Harness h;
    const ConnectionSummary c = connection(0, 8883);
    TlsConnectionReport record;
    record.connection = 0;
    record.version = "TLS 1.2";
    TlsAlert alert;
    alert.frame = 9;
    alert.dir = Direction::ToServer;
    alert.level = 2;
    alert.description_name = "unknown_ca";
    alert.explanation = "The client does not trust the CA";
    record.alerts.push_back(alert);
    h.report.tls(record);
    const CaptureReport& r = h.finish({c});

    CHECK(r.verdict.failed_handshakes);
    const auto failed = h.findings(FindingId::TlsHandshakeFailed);
    REQUIRE(failed.size() == 1);
    CHECK(failed[0]->frame == 9);
    CHECK(failed[0]->message.find("the client ended it with alert unknown_ca at frame 9. The client does not trust the CA") !=
          std::string::npos);
}

TEST_CASE("Connections seen one way only, cut frames and gaps are capture findings", "[sessions]") {
    Harness h;
    ConnectionSummary one_way = connection(0);
    one_way.stats(Direction::ToServer).bytes = 40;
    one_way.stats(Direction::ToServer).packets = 3;
    one_way.stats(Direction::ToServer).gap_count = 2;
    h.packet(one_way, Direction::ToServer, 1, connect("a", 60, true));
    h.report.draft().capture.truncated_frames = 1;
    const CaptureReport& r = h.finish({one_way});

    CHECK(r.quality.one_direction == 1);
    CHECK(r.quality.frames_cut == 1);
    CHECK(r.quality.gaps == 2);
    CHECK(h.findings(FindingId::CaptureOneDirection).size() == 1);
    CHECK(h.findings(FindingId::CaptureFramesCut).size() == 1);
    CHECK(h.findings(FindingId::CaptureSegmentsMissing).size() == 1);
}

TEST_CASE("CONNACK codes are named per version", "[sessions]") {
    CHECK(connack_meaning(mqtt::Version::V311, 5) == "not authorized");
    CHECK(connack_meaning(mqtt::Version::V311, 6).empty());
    CHECK(connack_meaning(mqtt::Version::V5, 0x86) == "bad user name or password");
    CHECK(connack_meaning(mqtt::Version::V5, 5).empty());
}

}  // namespace mqscan
