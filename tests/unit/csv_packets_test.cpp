// `--format csv`: RFC 4180 fields, spreadsheet-safe text, and the exact rows of
// decoded packets, synthetic and from the sample capture.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mqscan/analysis.hpp"
#include "mqtt_packets.hpp"
#include "report/csv_packets.hpp"

using namespace mqscan;
using namespace mqscan::mqtt;

namespace {

// Frame 7 of connection #3, 127.0.0.1:40000 -> 127.0.0.1:1883, at 1700000000.25 s.
struct Connection {
    Connection() {
        summary.id = 3;
        summary.client.address.bytes = {127, 0, 0, 1};
        summary.client.port = 40000;
        summary.server.address.bytes = {127, 0, 0, 1};
        summary.server.port = 1883;
    }
    std::string row(const Packet& p, Direction dir = Direction::ToServer, ReportOptions options = {},
                    bool malformed = false) const {
        const FrameRef at{7, Timestamp{1'700'000'000'250'000'000}};
        return csv_packet_row({summary, dir, at, Version::V311, true, p, malformed}, TimePrecision::Micro,
                              options);
    }
    ConnectionSummary summary;
};

constexpr const char* kRowStart = "3,7,1700000000.250000,to_server,127.0.0.1:40000,127.0.0.1:1883,3.1.1,";

Packet connect_with_password() {
    Packet p = test::connect_packet(Version::V311, "sensor-1");
    p.connect_flags = 0xc2;  // username, password, clean session
    p.username = "eleve";
    p.password = "s3cret";
    return p;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = std::min(text.find("\r\n", at), text.size());
        lines.push_back(text.substr(at, end - at));
        at = end + 2;
    }
    return lines;
}

// Column `index` of a row whose fields before it are not quoted.
std::string field_of(const std::string& row, std::size_t index) {
    std::size_t at = 0;
    for (std::size_t i = 0; i < index; ++i) at = row.find(',', at) + 1;
    return row.substr(at, row.find(',', at) - at);
}

std::string read_all(std::FILE* file) {
    std::rewind(file);
    std::string text;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, n);
    return text;
}

}  // namespace

TEST_CASE("csv_field leaves plain text alone and quotes RFC 4180 specials", "[csv]") {
    CHECK(csv_field("") == "");
    CHECK(csv_field("maison/salon/temperature") == "maison/salon/temperature");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("cr\r") == "\"cr\r\"");
    CHECK(csv_field("température") == "température");
}

TEST_CASE("csv_field quotes the separator it is given", "[csv]") {
    CHECK(csv_field("a;b") == "a;b");
    CHECK(csv_field("a;b", ';') == "\"a;b\"");
    CHECK(csv_field("a,b", ';') == "a,b");
    CsvRow row(';');
    row.add("Hélène; Martin");
    row.add(std::uint64_t{3});
    row.skip(1);
    CHECK(row.take() == "\"Hélène; Martin\";3;");
}

TEST_CASE("csv_field neutralises what a spreadsheet would run as a formula", "[csv]") {
    CHECK(csv_field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
    CHECK(csv_field("+cmd") == "'+cmd");
    CHECK(csv_field("-1+2") == "'-1+2");
    CHECK(csv_field("@SUM(A1)") == "'@SUM(A1)");
    CHECK(csv_field("\tx") == "'\tx");
    CHECK(csv_field("+/temperature") == "'+/temperature");
    SECTION("a plain number stays a number") {
        CHECK(csv_field("-3.5") == "-3.5");
        CHECK(csv_field("+33") == "+33");
        CHECK(csv_field("-") == "'-");
        CHECK(csv_field("-3.") == "'-3.");
    }
    SECTION("only the first character counts") { CHECK(csv_field("a=b") == "a=b"); }
}

TEST_CASE("csv_field replaces bytes that are not UTF-8", "[csv]") {
    CHECK(csv_field(std::string("a\xff" "b")) == "a\xef\xbf\xbd" "b");
    CHECK(csv_field(std::string("\xc3")) == "\xef\xbf\xbd");
}

TEST_CASE("the csv header names every column", "[csv]") {
    CHECK(kCsvPacketHeader ==
          "connection,frame,time,dir,client,broker,version,type,dup,qos,retain,packet_id,topic,"
          "payload_len,payload_encoding,payload,client_id,username,password,keepalive,reason_code,"
          "session_present,filters,malformed");
}

TEST_CASE("a csv CONNECT row hides the password unless asked", "[csv]") {
    const Connection c;
    const Packet p = connect_with_password();
    CHECK(c.row(p) == std::string(kRowStart) + "CONNECT,,,,,,,,,sensor-1,eleve,<hidden>,60,,,,0");
    ReportOptions show_secrets;
    show_secrets.show_secrets = true;
    CHECK(c.row(p, Direction::ToServer, show_secrets) ==
          std::string(kRowStart) + "CONNECT,,,,,,,,,sensor-1,eleve,s3cret,60,,,,0");
    SECTION("no password: the column is empty") {
        CHECK(c.row(test::connect_packet(Version::V311, "x")) ==
              std::string(kRowStart) + "CONNECT,,,,,,,,,x,,,60,,,,0");
    }
}

TEST_CASE("a csv PUBLISH row quotes a topic with a comma, a quote and a newline", "[csv]") {
    const Connection c;
    Packet p = test::publish_packet(1, 12, "a,b \"c\"\nd", "21.5");
    p.retain = true;
    CHECK(c.row(p) == std::string(kRowStart) + "PUBLISH,0,1,1,12,\"a,b \"\"c\"\"\nd\",4,utf8,21.5,,,,,,,,0");
}

TEST_CASE("a csv PUBLISH row gives a binary payload in hex and its exact length", "[csv]") {
    const Connection c;
    Packet p = test::publish_packet(0, 0, "bin", std::string("\x00\x01\xfe", 3));
    p.payload_length = 3000;  // only the first bytes were kept
    CHECK(c.row(p) == std::string(kRowStart) + "PUBLISH,0,0,0,,bin,3000,hex,0x0001fe,,,,,,,,0");
}

TEST_CASE("a csv PUBLISH row neutralises a formula-like topic and payload", "[csv]") {
    const Connection c;
    const Packet p = test::publish_packet(0, 0, "=1+1", "@cmd");
    CHECK(c.row(p) == std::string(kRowStart) + "PUBLISH,0,0,0,,'=1+1,4,utf8,'@cmd,,,,,,,,0");
}

TEST_CASE("a csv PUBLISH row shows the topic an alias stands for", "[csv]") {
    const Connection c;
    Packet p = test::publish_packet(0, 0, "", "x");
    p.alias_topic = "ciel";
    CHECK(c.row(p) == std::string(kRowStart) + "PUBLISH,0,0,0,,ciel,1,utf8,x,,,,,,,,0");
}

TEST_CASE("csv rows of acknowledgements, subscriptions and malformed packets", "[csv]") {
    const Connection c;
    const std::string from_broker = "3,7,1700000000.250000,to_client,127.0.0.1:40000,127.0.0.1:1883,3.1.1,";
    Packet connack;
    connack.type = PacketType::Connack;
    connack.reason_code = 0;
    connack.session_present = true;
    CHECK(c.row(connack, Direction::ToClient) == from_broker + "CONNACK,,,,,,,,,,,,,0,1,,0");

    Packet subscribe = test::simple_packet(PacketType::Subscribe, 2);
    subscribe.subscriptions = {{"+/temperature", 2, false, false, 0, 2}, {"maison/#", 1, false, false, 0, 1}};
    CHECK(c.row(subscribe) == std::string(kRowStart) + "SUBSCRIBE,,,,2,,,,,,,,,,,'+/temperature:2 maison/#:1,0");

    Packet suback = test::simple_packet(PacketType::Suback, 2);
    suback.reason_codes = {1, 128};
    CHECK(c.row(suback, Direction::ToClient) == from_broker + "SUBACK,,,,2,,,,,,,,,1 128,,,0");

    Packet unsubscribe = test::simple_packet(PacketType::Unsubscribe, 3);
    unsubscribe.unsubscribe_filters = {"a", "b"};
    CHECK(c.row(unsubscribe) == std::string(kRowStart) + "UNSUBSCRIBE,,,,3,,,,,,,,,,,a b,0");

    CHECK(c.row(test::simple_packet(PacketType::Pubrec, 9), Direction::ToClient, {}, true) ==
          from_broker + "PUBREC,,,,9,,,,,,,,,,,,1");
}

// The sample's MQTT packets, one frame each: `tshark -r samples/mosquitto-loopback.pcap
// -d tcp.port==18830,mqtt -Y mqtt -T fields -e mqtt.msgtype` lists 79 messages in 79
// frames (a frame with two messages would show "3,3": count messages, not frames), by
// type 9 CONNECT, 9 CONNACK, 21 PUBLISH, 9 PUBACK, 6 PUBREC, 6 PUBREL, 6 PUBCOMP,
// 2 SUBSCRIBE, 2 SUBACK, 9 DISCONNECT. The rows checked whole agree with tshark's
// frame.time_epoch, tcp.stream, mqtt.qos, mqtt.retain, mqtt.msgid, mqtt.topic, mqtt.msg.
TEST_CASE("the csv of the sample capture has a row per MQTT packet", "[csv]") {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::tmpfile(), std::fclose);
    REQUIRE(file);
    {
        CsvPacketWriter writer(file.get(), TimePrecision::Micro, {});
        const AnalysisResult result = analyze_file(MQSCAN_SOURCE_DIR "/samples/mosquitto-loopback.pcap",
                                                   AnalysisSettings{}, AnalysisHooks{nullptr, &writer});
        REQUIRE(result.status == AnalysisStatus::Complete);
    }
    const std::vector<std::string> lines = lines_of(read_all(file.get()));
    REQUIRE(lines.size() == 1 + 79);
    CHECK(lines[0] == kCsvPacketHeader);

    std::map<std::string, int> types;
    for (std::size_t i = 1; i < lines.size(); ++i) ++types[field_of(lines[i], 7)];
    CHECK(types == std::map<std::string, int>{{"CONNECT", 9}, {"CONNACK", 9}, {"PUBLISH", 21}, {"PUBACK", 9},
                                              {"PUBREC", 6}, {"PUBREL", 6}, {"PUBCOMP", 6}, {"SUBSCRIBE", 2},
                                              {"SUBACK", 2}, {"DISCONNECT", 9}});

    const std::string conn0 = ",127.0.0.1:60534,127.0.0.1:18830,3.1.1,";
    const std::string conn1 = ",127.0.0.1:60540,127.0.0.1:18830,3.1.1,";
    const std::string conn5 = ",127.0.0.1:60558,127.0.0.1:18830,3.1.1,";
    CHECK(lines[1] == "0,4,1795340804.864537,to_server" + conn0 + "CONNECT,,,,,,,,,,,,60,,,,0");
    CHECK(lines[3] == "0,8,1795340804.876242,to_server" + conn0 +
                          "PUBLISH,0,1,1,1,maison/salon/temperature,4,utf8,21.5,,,,,,,,0");
    CHECK(lines[8] == "1,21,1795340804.968797,to_server" + conn1 +
                          "SUBSCRIBE,,,,1,,,,,,,,,,,ciel:2 maison/salon/temperature:2,0");
    CHECK(lines[9] == "1,22,1795340804.968855,to_client" + conn1 + "SUBACK,,,,1,,,,,,,,,2 2,,,0");
    CHECK(lines[35] == "5,86,1795340805.228674,to_server" + conn5 + "PUBLISH,0,2,0,1,ciel,5,utf8,hello,,,,,,,,0");
    CHECK(lines[36] == "5,87,1795340805.228717,to_client" + conn5 + "PUBREC,,,,1,,,,,,,,,,,,0");
}
