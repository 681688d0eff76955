#include <catch2/catch.hpp>

#include <string>

#include "analysis/keepalive.hpp"
#include "analyzer_harness.hpp"
#include "mqtt_packets.hpp"
#include "report/json_qos.hpp"
#include "report/text_qos.hpp"

using namespace mqscan;
using mqscan::test::ms;
using mqscan::test::sec;
using mqscan::test::us;
using mqtt::PacketType;

namespace {

using Harness = test::AnalyzerHarness<KeepaliveAnalyzer>;

constexpr Direction kUp = Direction::ToServer;
constexpr Direction kDown = Direction::ToClient;

mqtt::Packet connect_with(std::uint16_t keepalive, mqtt::Version version = mqtt::Version::V311) {
    mqtt::Packet p = test::connect_packet(version, "student");
    p.keepalive = keepalive;
    return p;
}

mqtt::Packet packet_of(PacketType type) { return test::simple_packet(type); }

mqtt::Packet disconnect_with(std::uint8_t reason_code) {
    mqtt::Packet p = packet_of(PacketType::Disconnect);
    p.reason_code = reason_code;
    return p;
}

// The connection's first FIN (or RST) from one side.
void close_side(ConnectionSummary& c, Direction side, std::uint64_t frame, std::int64_t at_ns, bool rst = false) {
    DirectionStats& s = c.stats(side);
    const Timestamp time{test::kHarnessStartNs + at_ns};
    if (rst) {
        s.rst = true;
        s.rst_frame = frame;
        s.rst_time = time;
    } else {
        s.fin = true;
        s.fin_frame = frame;
        s.fin_time = time;
    }
}

const KeepaliveReport& only_report(const CaptureReport& r) {
    REQUIRE(r.keepalive.size() == 1);
    return r.keepalive[0];
}

std::size_t count_findings(const CaptureReport& r, FindingId id) {
    return static_cast<std::size_t>(r.finding_counts[static_cast<std::size_t>(id)]);
}

// CONNECT (keepalive 60) at 0, two pings a minute apart, then DISCONNECT and the client's FIN.
void two_pings(Harness& h) {
    h.open();
    h.packet(kUp, 1, 0, connect_with(60));
    h.packet(kDown, 2, ms(1), packet_of(PacketType::Connack));
    h.packet(kUp, 3, sec(60), packet_of(PacketType::Pingreq));
    h.packet(kDown, 4, sec(60) + us(200), packet_of(PacketType::Pingresp));
    h.packet(kUp, 5, sec(120) + ms(100), packet_of(PacketType::Pingreq));
    h.packet(kDown, 6, sec(120) + ms(100) + us(300), packet_of(PacketType::Pingresp));
    h.packet(kUp, 7, sec(150), packet_of(PacketType::Disconnect));
    close_side(h.connection, kUp, 8, sec(150) + us(10));
    close_side(h.connection, kDown, 9, sec(150) + us(20));
    h.end(EndReason::Fin);
}

}  // namespace

TEST_CASE("keepalive: pings with their idle time and response latency", "[keepalive]") {
    Harness h;
    two_pings(h);
    const CaptureReport& r = h.finish();
    const KeepaliveReport& k = only_report(r);

    CHECK(k.connection == 0);
    CHECK(k.keepalive == 60);
    CHECK_FALSE(k.server_keepalive);
    CHECK(k.pingreq == 2);
    CHECK(k.pingresp == 2);
    CHECK(k.unanswered == 0);
    REQUIRE(k.pings.size() == 2);
    CHECK(k.pings[0].frame == 3);
    CHECK(k.pings[0].time.ns == test::kHarnessStartNs + sec(60));
    CHECK(k.pings[0].idle_ns == sec(60));
    CHECK(k.pings[0].response_frame == 4u);
    CHECK(k.pings[0].response_ns == us(200));
    CHECK(k.pings[1].idle_ns == sec(60) + ms(100));
    CHECK(k.pings[1].response_frame == 6u);
    CHECK(k.pings[1].response_ns == us(300));
    CHECK(k.response_latency.count == 2);
    CHECK(k.response_latency.min_ns == us(200));
    CHECK(k.response_latency.median_ns == us(250));
    CHECK(k.response_latency.max_ns == us(300));
    CHECK(k.max_client_silence_ns == sec(60) + ms(100));
    CHECK(k.max_client_silence_frame == 5);
    CHECK(k.verdict == KeepaliveVerdict::Respected);
    CHECK_FALSE(k.expired);
    CHECK(k.silence_before_close_ns == 0);
    CHECK(r.findings.empty());
}

TEST_CASE("keepalive: a first PINGREQ's idle time runs from the connection's start", "[keepalive]") {
    Harness h;
    h.open();
    h.packet(kUp, 4, sec(5), packet_of(PacketType::Pingreq));
    h.packet(kDown, 5, sec(5) + us(70), packet_of(PacketType::Pingresp));
    h.end(EndReason::Open);
    const KeepaliveReport& k = only_report(h.finish());
    REQUIRE(k.pings.size() == 1);
    CHECK(k.pings[0].idle_ns == sec(5));
    CHECK(k.pings[0].response_ns == us(70));
    CHECK(k.verdict == KeepaliveVerdict::Unknown);
}

TEST_CASE("keepalive: a PINGREQ with no PINGRESP before the next one or the end", "[keepalive]") {
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, connect_with(30));
    h.packet(kUp, 3, sec(30), packet_of(PacketType::Pingreq));
    h.packet(kUp, 4, sec(60), packet_of(PacketType::Pingreq));
    h.packet(kDown, 5, sec(60) + us(100), packet_of(PacketType::Pingresp));
    h.packet(kUp, 6, sec(90), packet_of(PacketType::Pingreq));
    SECTION("the connection ended") {
        close_side(h.connection, kUp, 7, sec(91));
        h.end(EndReason::HalfClosed);
        const CaptureReport& r = h.finish();
        const KeepaliveReport& k = only_report(r);
        CHECK(k.pingreq == 3);
        CHECK(k.pingresp == 1);
        CHECK(k.unanswered == 2);
        REQUIRE(k.pings.size() == 3);
        CHECK_FALSE(k.pings[0].response_frame);
        CHECK(k.pings[1].response_frame == 5u);
        CHECK(k.pings[1].response_ns == us(100));
        CHECK_FALSE(k.pings[2].response_frame);
        CHECK(k.response_latency.count == 1);
        REQUIRE(r.findings.size() == 2);
        CHECK(r.findings[0].id == FindingId::PingUnanswered);
        CHECK(r.findings[0].frame == 3u);
        CHECK(r.findings[0].message == "PINGREQ at frame 3 got no PINGRESP before the next PINGREQ (frame 4)");
        CHECK(r.findings[1].message == "PINGREQ at frame 6 got no PINGRESP before the connection ended");
    }
    SECTION("the capture ended") {
        h.end(EndReason::Open);
        const CaptureReport& r = h.finish();
        REQUIRE(r.findings.size() == 2);
        CHECK(r.findings[1].message == "PINGREQ at frame 6 got no PINGRESP by the end of the capture");
    }
}

TEST_CASE("keepalive: respected, late and exceeded at their boundaries", "[keepalive]") {
    // Keepalive 10 s: respected up to 11 s of silence, late up to 15 s [MQTT-3.1.2-24].
    const auto [gap, verdict] = GENERATE(table<std::int64_t, KeepaliveVerdict>({
        {sec(11), KeepaliveVerdict::Respected},
        {sec(11) + 1, KeepaliveVerdict::Late},
        {sec(15), KeepaliveVerdict::Late},
        {sec(15) + 1, KeepaliveVerdict::Exceeded},
    }));
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, connect_with(10));
    h.packet(kUp, 2, gap, packet_of(PacketType::Pingreq));
    h.packet(kDown, 3, gap + us(50), packet_of(PacketType::Pingresp));
    close_side(h.connection, kUp, 4, gap + sec(1));
    close_side(h.connection, kDown, 5, gap + sec(1) + us(10));
    h.end(EndReason::Fin);
    const CaptureReport& r = h.finish();
    const KeepaliveReport& k = only_report(r);

    CHECK(k.max_client_silence_ns == gap);
    CHECK(k.max_client_silence_frame == 2);
    CHECK(k.verdict == verdict);
    CHECK_FALSE(k.expired);
    if (verdict == KeepaliveVerdict::Exceeded) {
        REQUIRE(r.findings.size() == 1);
        CHECK(r.findings[0].id == FindingId::KeepaliveExceeded);
        CHECK(r.findings[0].frame == 2u);
        CHECK(r.findings[0].message ==
              "The client was silent for 15.000 s between frame 1 and frame 2, longer than 1.5 x its "
              "keepalive of 10 s [MQTT-3.1.2-24]");
    } else {
        CHECK(r.findings.empty());
    }
}

TEST_CASE("keepalive: the broker closing after 1.5 x keepalive of silence is an expiry", "[keepalive]") {
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, connect_with(10));
    h.packet(kDown, 2, ms(1), packet_of(PacketType::Connack));

    SECTION("FIN at 1.5 x keepalive - 0.5 s: mosquitto's whole seconds allow it") {
        close_side(h.connection, kDown, 3, sec(14) + ms(500));
        close_side(h.connection, kUp, 4, sec(14) + ms(501));
        h.end(EndReason::Fin);
        const CaptureReport& r = h.finish();
        const KeepaliveReport& k = only_report(r);
        CHECK(k.expired);
        CHECK(k.silence_before_close_ns == sec(14) + ms(500));
        CHECK(k.max_client_silence_ns == sec(14) + ms(500));
        CHECK(k.max_client_silence_frame == 3);
        CHECK(k.verdict == KeepaliveVerdict::Late);
        CHECK(r.findings.empty());  // the conclusions name the expiry
    }
    SECTION("FIN a nanosecond earlier: not an expiry") {
        close_side(h.connection, kDown, 3, sec(14) + ms(500) - 1);
        h.end(EndReason::HalfClosed);
        const KeepaliveReport& k = only_report(h.finish());
        CHECK_FALSE(k.expired);
        CHECK(k.silence_before_close_ns == 0);
        CHECK(k.max_client_silence_ns == sec(14) + ms(500) - 1);
        CHECK(k.verdict == KeepaliveVerdict::Late);
    }
    SECTION("RST long after: expired, the silence exceeded") {
        close_side(h.connection, kDown, 3, sec(20), true);
        h.end(EndReason::Rst);
        const CaptureReport& r = h.finish();
        const KeepaliveReport& k = only_report(r);
        CHECK(k.expired);
        CHECK(k.silence_before_close_ns == sec(20));
        CHECK(k.verdict == KeepaliveVerdict::Exceeded);
        CHECK(count_findings(r, FindingId::KeepaliveExceeded) == 0);
    }
    SECTION("the client closed first: its silence before is not the broker's doing") {
        close_side(h.connection, kUp, 3, sec(20));
        close_side(h.connection, kDown, 4, sec(20) + us(10));
        h.end(EndReason::Fin);
        const KeepaliveReport& k = only_report(h.finish());
        CHECK_FALSE(k.expired);
        CHECK(k.max_client_silence_ns == 0);
        CHECK(k.verdict == KeepaliveVerdict::Respected);
    }
    SECTION("silence while the connection stays open does not count") {
        h.end(EndReason::Open);
        const KeepaliveReport& k = only_report(h.finish());
        CHECK_FALSE(k.expired);
        CHECK(k.verdict == KeepaliveVerdict::Respected);
    }
}

TEST_CASE("keepalive: an odd keepalive expires at floor(1.5 x keepalive) in mosquitto", "[keepalive]") {
    // Keepalive 5: mosquitto closes once now_s - last_s > 7, after as little as 7.0 s of real silence.
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, connect_with(5));
    close_side(h.connection, kDown, 2, sec(7) + ms(200));
    h.end(EndReason::HalfClosed);
    const KeepaliveReport& k = only_report(h.finish());
    CHECK(k.expired);
    CHECK(k.silence_before_close_ns == sec(7) + ms(200));
    CHECK(k.verdict == KeepaliveVerdict::Late);
}

TEST_CASE("keepalive: at 1 s, mosquitto may close after 1.0 s of silence", "[keepalive]") {
    // Keepalive 1: mosquitto closes once now_s - last_s > 1 (whole seconds), after 1.0 to 2.0 s of
    // real silence; 1.5 x keepalive - 0.5 s is the earliest. The client kept its keepalive.
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, connect_with(1));
    SECTION("a close 1.0 s after the client's last packet is the expiry") {
        close_side(h.connection, kDown, 2, sec(1));
        h.end(EndReason::HalfClosed);
        const KeepaliveReport& k = only_report(h.finish());
        CHECK(k.expired);
        CHECK(k.silence_before_close_ns == sec(1));
        CHECK(k.verdict == KeepaliveVerdict::Respected);
    }
    SECTION("a nanosecond earlier it is not") {
        close_side(h.connection, kDown, 2, sec(1) - 1);
        h.end(EndReason::HalfClosed);
        const KeepaliveReport& k = only_report(h.finish());
        CHECK_FALSE(k.expired);
        CHECK(k.verdict == KeepaliveVerdict::Respected);
    }
    SECTION("after 1.6 s of silence the client exceeded it") {
        close_side(h.connection, kDown, 2, sec(1) + ms(600));
        h.end(EndReason::HalfClosed);
        const KeepaliveReport& k = only_report(h.finish());
        CHECK(k.expired);
        CHECK(k.verdict == KeepaliveVerdict::Exceeded);
    }
}

TEST_CASE("keepalive: a 5.0 broker's DISCONNECT", "[keepalive]") {
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, connect_with(10, mqtt::Version::V5), mqtt::Version::V5);
    SECTION("with Keep Alive timeout (0x8D), the broker says it expired") {
        h.packet(kDown, 2, sec(3), disconnect_with(0x8D), mqtt::Version::V5);
        h.end(EndReason::Open);
        const KeepaliveReport& k = only_report(h.finish());
        CHECK(k.expired);
        CHECK(k.silence_before_close_ns == sec(3));
        CHECK(k.max_client_silence_frame == 2);
    }
    SECTION("another reason after 16 s of silence closes it just the same") {
        h.packet(kDown, 2, sec(16), disconnect_with(0x89), mqtt::Version::V5);
        close_side(h.connection, kDown, 3, sec(16) + us(5));
        h.end(EndReason::HalfClosed);
        const KeepaliveReport& k = only_report(h.finish());
        CHECK(k.expired);
        CHECK(k.silence_before_close_ns == sec(16));
        CHECK(k.verdict == KeepaliveVerdict::Exceeded);
    }
    SECTION("after the client's DISCONNECT, the broker's close is no expiry") {
        h.packet(kUp, 2, sec(16), packet_of(PacketType::Disconnect), mqtt::Version::V5);
        close_side(h.connection, kDown, 3, sec(40));
        h.end(EndReason::HalfClosed);
        const KeepaliveReport& k = only_report(h.finish());
        CHECK_FALSE(k.expired);
        CHECK(k.max_client_silence_ns == sec(16));
        CHECK(k.verdict == KeepaliveVerdict::Exceeded);
    }
}

TEST_CASE("keepalive: the 5.0 Server Keep Alive replaces the client's", "[keepalive]") {
    Harness h;
    h.open();
    h.packet(kUp, 1, 0, connect_with(60, mqtt::Version::V5), mqtt::Version::V5);
    mqtt::Packet connack = packet_of(PacketType::Connack);
    connack.properties.push_back(mqtt::Property{0x13, mqtt::PropertyKind::TwoByte, 10, {}, {}});
    h.packet(kDown, 2, ms(1), connack, mqtt::Version::V5);
    h.packet(kUp, 3, sec(16), packet_of(PacketType::Pingreq), mqtt::Version::V5);
    close_side(h.connection, kUp, 4, sec(17));
    h.end(EndReason::HalfClosed);
    const CaptureReport& r = h.finish();
    const KeepaliveReport& k = only_report(r);
    CHECK(k.keepalive == 60);
    CHECK(k.server_keepalive == std::uint16_t{10});
    CHECK(k.verdict == KeepaliveVerdict::Exceeded);  // 16 s against 10 s, respected against 60 s
    CHECK(count_findings(r, FindingId::KeepaliveExceeded) == 1);
}

TEST_CASE("keepalive: unknown without CONNECT, disabled at 0", "[keepalive]") {
    Harness h;
    h.open();
    SECTION("no CONNECT") {
        h.packet(kUp, 1, 0, test::publish_packet(0, 0, "ciel", "hello"));
        h.packet(kUp, 2, sec(500), test::publish_packet(0, 0, "ciel", "hello"));
        close_side(h.connection, kDown, 3, sec(1000));
        h.end(EndReason::HalfClosed);
        const CaptureReport& r = h.finish();
        const KeepaliveReport& k = only_report(r);
        CHECK(k.verdict == KeepaliveVerdict::Unknown);
        CHECK_FALSE(k.expired);
        CHECK(k.max_client_silence_ns == sec(500));
        CHECK(r.findings.empty());
    }
    SECTION("keepalive 0") {
        h.packet(kUp, 1, 0, connect_with(0));
        close_side(h.connection, kDown, 2, sec(1000));
        h.end(EndReason::HalfClosed);
        const KeepaliveReport& k = only_report(h.finish());
        CHECK(k.verdict == KeepaliveVerdict::Disabled);
        CHECK_FALSE(k.expired);
        CHECK(k.max_client_silence_ns == sec(1000));
    }
    SECTION("a malformed CONNECT's keepalive is not trusted") {
        h.packet(kUp, 1, 0, connect_with(10), mqtt::Version::V311, true);
        h.packet(kUp, 2, sec(100), packet_of(PacketType::Pingreq));
        h.end(EndReason::Open);
        CHECK(only_report(h.finish()).verdict == KeepaliveVerdict::Unknown);
    }
}

TEST_CASE("keepalive: listing limits", "[keepalive]") {
    Harness h;
    SECTION("pings past max_pings_listed are counted") {
        h.settings.limits.max_pings_listed = 1;
        two_pings(h);
        const KeepaliveReport& k = only_report(h.finish());
        CHECK(k.pingreq == 2);
        REQUIRE(k.pings.size() == 1);
        CHECK(k.pings[0].response_frame == 4u);
        CHECK(k.response_latency.count == 2);
    }
    SECTION("connections past max_connections_listed have no record, still their findings") {
        h.settings.limits.max_connections_listed = 0;
        h.open();
        h.packet(kUp, 1, 0, packet_of(PacketType::Pingreq));
        h.end(EndReason::Open);
        const CaptureReport& r = h.finish();
        CHECK(r.keepalive.empty());
        CHECK(count_findings(r, FindingId::PingUnanswered) == 1);
    }
}

TEST_CASE("keepalive: the JSON of one connection", "[keepalive][json]") {
    Harness h;
    two_pings(h);
    const CaptureReport& r = h.finish();
    std::string out;
    JsonWriter json(out, 0);
    write_keepalive_json(json, r.keepalive, TimePrecision::Micro);
    CHECK(out ==
          R"([{"connection":0,"keepalive":60,"server_keepalive":null,"verdict":"respected",)"
          R"("max_client_silence":60.100000,"max_client_silence_frame":5,"expired":false,)"
          R"("silence_before_close":null,"pingreq":2,"pingresp":2,"unanswered":0,)"
          R"("response_latency":{"count":2,"min":0.000200,"median":0.000250,"max":0.000300,"median_exact":true},)"
          R"("pings":[{"frame":3,"time":1700000060.000000,"idle":60.000000,"response_frame":4,"response_latency":0.000200},)"
          R"({"frame":5,"time":1700000120.100000,"idle":60.100000,"response_frame":6,"response_latency":0.000300}],)"
          R"("pings_unlisted":0}])");
}

TEST_CASE("keepalive: the text report's sentences", "[keepalive][text]") {
    Harness h;
    SECTION("pings answered") {
        two_pings(h);
        CHECK(keepalive_text_lines(h.finish(), 0) ==
              std::vector<std::string>{
                  "keepalive 60 s, longest client silence 60.100 s (ended at frame 5): respected",
                  "2 PINGREQs, after 60.000 s, 60.100 s of client silence; answered in 0.200 ms to 0.300 ms "
                  "(median 0.250 ms)"});
    }
    SECTION("a ping unanswered, then the broker's close") {
        h.open();
        h.packet(kUp, 1, 0, connect_with(10));
        h.packet(kUp, 2, sec(10), packet_of(PacketType::Pingreq));
        close_side(h.connection, kDown, 3, sec(26));
        h.end(EndReason::HalfClosed);
        CHECK(keepalive_text_lines(h.finish(), 0) ==
              std::vector<std::string>{
                  "keepalive 10 s, longest client silence 16.000 s (ended at frame 3): EXCEEDED (silent past "
                  "1.5 x the keepalive)",
                  "1 PINGREQ, after 10.000 s of client silence; 1 unanswered (frame 2)",
                  "the broker closed the connection after 16.000 s of client silence: the keepalive expired"});
    }
    SECTION("no CONNECT") {
        h.open();
        h.end(EndReason::Open);
        CHECK(keepalive_text_lines(h.finish(), 0) ==
              std::vector<std::string>{"keepalive unknown: CONNECT not captured"});
    }
}

// The bundled sample (samples/MANIFEST.md), cross-checked against
//   tshark -r samples/mosquitto-loopback.pcap -d tcp.port==18830,mqtt -Y mqtt -T fields
//     -e frame.number -e tcp.stream -e mqtt.msgtype -e mqtt.kalive -e frame.time_relative
// Every CONNECT asks keepalive 60, no CONNACK sets a Server Keep Alive, no PINGREQ is sent,
// and every client sends its FIN first. The longest client silence is the 3.1.1
// subscriber's (#1) from its PUBACK at frame 38 (0.154310 s) to the next at frame 70
// (0.334880 s), the 5.0 one's (#2) from frame 39 (0.154468) to frame 77 (0.335366).
TEST_CASE("keepalive: the mosquitto loopback sample", "[keepalive][sample]") {
    const AnalysisResult result = analyze_file(MQSCAN_SOURCE_DIR "/samples/mosquitto-loopback.pcap", AnalysisSettings{});
    REQUIRE(result.status == AnalysisStatus::Complete);
    const std::vector<KeepaliveReport>& all = result.report.keepalive;
    REQUIRE(all.size() == 9);
    for (const KeepaliveReport& k : all) {
        CHECK(k.keepalive == 60);
        CHECK_FALSE(k.server_keepalive);
        CHECK(k.pingreq == 0);
        CHECK(k.verdict == KeepaliveVerdict::Respected);
        CHECK_FALSE(k.expired);
    }
    CHECK(all[1].max_client_silence_ns == us(180'570));
    CHECK(all[1].max_client_silence_frame == 70);
    CHECK(all[2].max_client_silence_ns == us(180'898));
    CHECK(all[2].max_client_silence_frame == 77);
    CHECK(result.report.finding_counts[static_cast<std::size_t>(FindingId::KeepaliveExceeded)] == 0);
    CHECK(result.report.finding_counts[static_cast<std::size_t>(FindingId::PingUnanswered)] == 0);
}
