// `--ladder`: the exact diagram of a QoS 2 exchange, fixed widths, shortened
// and escaped labels, hidden passwords and unlisted packets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "mqtt_packets.hpp"
#include "report/ladder.hpp"

using namespace mqscan;
using namespace mqscan::mqtt;

namespace {

constexpr std::int64_t kStartNs = 1'700'000'000'000'000'000;

ConnectionSummary summary(std::uint64_t id) {
    ConnectionSummary c;
    c.id = id;
    c.client.address.bytes = {127, 0, 0, 1};
    c.client.port = 41234;
    c.server.address.bytes = {127, 0, 0, 1};
    c.server.port = 1883;
    return c;
}

Packet connect_with_password() {
    Packet p = test::connect_packet(Version::V311, "pub-1");
    p.connect_flags = 0xc2;  // username, password, clean session
    p.username = "eleve";
    p.password = "s3cret";
    return p;
}

Packet with_reason(PacketType type, std::uint8_t code) {
    Packet p;
    p.type = type;
    p.reason_code = code;
    return p;
}

// One connection of a report, packets added in time order.
struct ReportBuilder {
    explicit ReportBuilder(std::uint64_t id) {
        report.connections.push_back(summary(id));
        MqttConnectionReport& mqtt = report.mqtt.emplace_back();
        mqtt.connection = id;
        mqtt.version = Version::V311;
        mqtt.version_from_connect = true;
    }
    ReportBuilder& add(std::uint64_t frame, std::int64_t micros, Direction dir, const Packet& p) {
        MqttConnectionReport& mqtt = report.mqtt.back();
        mqtt.packets.push_back({frame, Timestamp{kStartNs + micros * 1000}, dir, p, false, false});
        ++mqtt.packet_count;
        if (p.type == PacketType::Connect) mqtt.connect = p;
        return *this;
    }
    CaptureReport report;
};

CaptureReport qos2_exchange() {
    const auto to_server = Direction::ToServer;
    const auto to_client = Direction::ToClient;
    return ReportBuilder(5)
        .add(82, 0, to_server, connect_with_password())
        .add(84, 210, to_client, with_reason(PacketType::Connack, 0))
        .add(86, 800, to_server, test::publish_packet(2, 1, "ciel", "hello"))
        .add(87, 1100, to_client, test::simple_packet(PacketType::Pubrec, 1))
        .add(88, 1300, to_server, test::simple_packet(PacketType::Pubrel, 1))
        .add(91, 1600, to_client, test::simple_packet(PacketType::Pubcomp, 1))
        .add(93, 2000, to_server, test::simple_packet(PacketType::Disconnect))
        .report;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        lines.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return lines;
}

// Terminal columns of valid UTF-8: one per code point.
std::size_t columns(const std::string& line) {
    std::size_t n = 0;
    for (unsigned char c : line) n += (c & 0xc0) != 0x80 ? 1 : 0;
    return n;
}

}  // namespace

TEST_CASE("the ladder of a QoS 2 exchange, exactly", "[ladder]") {
    CHECK(render_ladder(qos2_exchange()) ==
          "#5  client 127.0.0.1:41234 (client id 'pub-1')  <->  broker 127.0.0.1:1883  MQTT 3.1.1\n"
          "frame         time  client                                              broker\n"
          "                    |                                                        |\n"
          "   82  +0.000000 s  |-- CONNECT clean k60 user 'eleve' password hidden ----->|\n"
          "   84  +0.000210 s  |<--------------------------------------- CONNACK rc=0 --|\n"
          "   86  +0.000800 s  |-- PUBLISH q2 id=1 'ciel' \"hello\" --------------------->|\n"
          "   87  +0.001100 s  |<---------------------------------------- PUBREC id=1 --|\n"
          "   88  +0.001300 s  |-- PUBREL id=1 ---------------------------------------->|\n"
          "   91  +0.001600 s  |<--------------------------------------- PUBCOMP id=1 --|\n"
          "   93  +0.002000 s  |-- DISCONNECT ----------------------------------------->|\n"
          "                    |                                                        |\n");
}

TEST_CASE("the ladder never shows a password", "[ladder]") {
    CHECK(render_ladder(qos2_exchange()).find("s3cret") == std::string::npos);
}

TEST_CASE("every line of a ladder but its title has the same width", "[ladder]") {
    Packet long_publish = test::publish_packet(1, 300, "maison/chambre_1/température/capteur/42", "22.5 degrés");
    long_publish.dup = true;
    long_publish.retain = true;
    const CaptureReport report = ReportBuilder(12)
                                     .add(1000, 0, Direction::ToServer, long_publish)
                                     .add(123456, 75'250'000, Direction::ToClient,
                                          test::simple_packet(PacketType::Puback, 300))
                                     .report;
    const std::vector<std::string> lines = lines_of(render_ladder(report));
    REQUIRE(lines.size() == 6);
    for (std::size_t i = 2; i < lines.size(); ++i) CHECK(columns(lines[i]) == columns(lines[1]));
    CHECK(lines[1] == " frame          time  client                                              broker");
    CHECK(lines[3] == "  1000   +0.000000 s  |-- PUBLISH q1 dup retain id=300 'maiso...' \"22.5 ... -->|");
    CHECK(lines[4] == "123456  +75.250000 s  |<-------------------------------------- PUBACK id=300 --|");
}

TEST_CASE("a ladder shortens a long topic first so that the payload shows", "[ladder]") {
    Packet retained = test::publish_packet(1, 1, "maison/salon/temperature", "21.5");
    retained.retain = true;
    const std::vector<std::string> lines =
        lines_of(render_ladder(ReportBuilder(0).add(8, 0, Direction::ToServer, retained).report));
    REQUIRE(lines.size() == 5);
    CHECK(lines[3] == "    8  +0.000000 s  |-- PUBLISH q1 retain id=1 'maison/salon/t...' \"21.5\" -->|");
}

TEST_CASE("a ladder says when the client id is empty", "[ladder]") {
    const CaptureReport report =
        ReportBuilder(0).add(1, 0, Direction::ToServer, test::connect_packet(Version::V311, "")).report;
    CHECK(lines_of(render_ladder(report))[0] ==
          "#0  client 127.0.0.1:41234 (empty client id)  <->  broker 127.0.0.1:1883  MQTT 3.1.1");
}

TEST_CASE("a ladder shortens payloads and escapes what would drive the terminal", "[ladder]") {
    const std::string seven_bytes("\x00\x01\x02\x03\x04\x05\x06", 7);
    const CaptureReport report =
        ReportBuilder(0)
            .add(1, 0, Direction::ToServer, test::publish_packet(0, 0, "a\x1b[2Jb", "line 1\nline 2 and more"))
            .add(2, 0, Direction::ToClient, test::publish_packet(0, 0, "bin", seven_bytes))
            .report;
    const std::vector<std::string> lines = lines_of(render_ladder(report));
    REQUIRE(lines.size() == 6);
    CHECK(lines[3] == "    1  +0.000000 s  |-- PUBLISH q0 'a\\x1b[2Jb' \"line 1\\x0aline ...\" -------->|");
    CHECK(lines[4] == "    2  +0.000000 s  |<----------------- PUBLISH q0 'bin' 0x000102030405... --|");
}

TEST_CASE("a ladder marks malformed packets and reason codes", "[ladder]") {
    CaptureReport report = ReportBuilder(0)
                               .add(1, 0, Direction::ToClient, with_reason(PacketType::Connack, 5))
                               .add(2, 0, Direction::ToServer, with_reason(PacketType::Disconnect, 0x8e))
                               .report;
    report.mqtt[0].packets[1].malformed = true;
    const std::vector<std::string> lines = lines_of(render_ladder(report));
    REQUIRE(lines.size() == 6);
    CHECK(lines[3] == "    1  +0.000000 s  |<--------------------------------------- CONNACK rc=5 --|");
    CHECK(lines[4] == "    2  +0.000000 s  |-- DISCONNECT rc=142 [malformed] ---------------------->|");
}

TEST_CASE("a ladder says how many packets were not listed", "[ladder]") {
    CaptureReport report = qos2_exchange();
    report.mqtt[0].packet_count = 19;
    const std::vector<std::string> lines = lines_of(render_ladder(report));
    REQUIRE(lines.size() == 12);
    CHECK(lines[10] == "                    |             ... 12 more packets not listed             |");
}

TEST_CASE("a ladder without the CONNECT or the connection's endpoints says so", "[ladder]") {
    CaptureReport report = ReportBuilder(4).report;
    report.mqtt[0].version_from_connect = false;
    report.connections.clear();
    CHECK(render_ladder(report) ==
          "#4  client ? (CONNECT not captured)  <->  broker ?  MQTT 3.1.1 (guessed)\n"
          "frame  time  client                                              broker\n"
          "             |                                                        |\n"
          "             |                     no MQTT packet                     |\n"
          "             |                                                        |\n");
}

TEST_CASE("a ladder separates connections with a blank line", "[ladder]") {
    CaptureReport report = qos2_exchange();
    const CaptureReport second = ReportBuilder(6).report;
    report.connections.push_back(second.connections[0]);
    report.mqtt.push_back(second.mqtt[0]);
    const std::vector<std::string> lines = lines_of(render_ladder(report));
    REQUIRE(lines.size() == 17);
    CHECK(lines[11].empty());
    CHECK(lines[12].rfind("#6  client 127.0.0.1:41234", 0) == 0);
}
