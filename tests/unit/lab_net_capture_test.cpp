// The simulated network's captures: byte for byte the same on every run, cut
// and filtered as asked, and read by mqscan as the traffic that was written.
// With MQSCAN_LAB_NET_PCAP_DIR set, the scenarios' captures are left there for
// tshark (tests/lab/tshark_check.sh).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include "lab_net_test_support.hpp"
#include "mqscan/analysis.hpp"
#include "mqscan/packet_source.hpp"
#include "mqtt_packets.hpp"

using namespace mqscan;
using namespace mqscan::lab::net;
using namespace mqscan::test;
using namespace std::chrono_literals;

namespace fs = std::filesystem;

namespace {

const Endpoint kClient{parse_address("192.0.2.10"), 50000};
const Endpoint kBroker{parse_address("192.0.2.1"), 1883};

Timestamp at(Duration since_start) { return after(NetworkOptions{}.start, since_start); }

// A short MQTT 3.1.1 session: CONNECT, CONNACK, a QoS 1 PUBLISH of `payload`
// bytes and its PUBACK, a PINGREQ every `ping_every` until `duration`, DISCONNECT;
// the broker answers each packet once it has all of it, and closes when the client has.
struct MqttSession {
    Network network;
    ConnectionId id;
    std::array<std::uint64_t, 2> written{};
    std::deque<std::pair<std::uint64_t, mqtt::PacketType>> client_packet_ends;
    std::uint64_t broker_received = 0;
    std::size_t driver_steps = 0;

    MqttSession(const NetworkOptions& options, Endpoint client, Endpoint broker,
                std::size_t payload = 3000, Duration ping_every = 60s, Duration duration = 1s)
        : network(options), id(network.connect(client, broker)) {
        run_to(at(1ms));
        send_from_client(connect_packet(mqtt::Version::V311, "lab"));
        run_to(at(2ms));
        send_from_client(publish_packet(1, 1, "lab/net", std::string(payload, 'x')));
        for (Duration t = ping_every; t < duration; t += ping_every) {
            run_to(at(t));
            send_from_client(simple_packet(mqtt::PacketType::Pingreq));
        }
        run_to(at(duration));
        send_from_client(simple_packet(mqtt::PacketType::Disconnect));
        network.close(id, Side::Client);
        run_to_end();
    }

    void send(Side side, const mqtt::Packet& packet) {
        const std::string bytes = mqtt::encode_packet(packet, mqtt::Version::V311);
        network.write(id, side, bytes_of(bytes));
        written[index(side)] += bytes.size();
    }
    void send_from_client(const mqtt::Packet& packet) {
        send(Side::Client, packet);
        client_packet_ends.emplace_back(written[index(Side::Client)], packet.type);
    }
    void answer(mqtt::PacketType type) {
        mqtt::Packet connack = simple_packet(mqtt::PacketType::Connack);
        connack.reason_code = 0;
        switch (type) {
            case mqtt::PacketType::Connect: return send(Side::Server, connack);
            case mqtt::PacketType::Publish:
                return send(Side::Server, simple_packet(mqtt::PacketType::Puback, 1));
            case mqtt::PacketType::Pingreq:
                return send(Side::Server, simple_packet(mqtt::PacketType::Pingresp));
            default: return;
        }
    }
    void step() {
        network.run_until(*network.next_event());
        ++driver_steps;
        for (const NetworkEvent& event : network.take_events()) {
            if (event.side != Side::Server) continue;
            if (event.kind == NetworkEventKind::PeerClosed) network.close(id, Side::Server);
            broker_received += event.data.size();
            while (!client_packet_ends.empty() &&
                   client_packet_ends.front().first <= broker_received) {
                answer(client_packet_ends.front().second);
                client_packet_ends.pop_front();
            }
        }
    }
    void run_to(Timestamp time) {
        for (auto next = network.next_event(); next && *next <= time; next = network.next_event())
            step();
        network.run_until(time);
    }
    void run_to_end() {
        while (network.next_event()) step();
    }
};

// A network's capture, written to the temporary directory and removed after
// the test, or to MQSCAN_LAB_NET_PCAP_DIR and kept there.
class WrittenCapture {
public:
    WrittenCapture(const Network& network, const std::string& name) {
        const char* kept = std::getenv("MQSCAN_LAB_NET_PCAP_DIR");
        keep_ = kept != nullptr;
        const fs::path dir = keep_ ? fs::path(kept) : fs::temp_directory_path();
        path_ = (dir / ("mqscan-lab-net-" + name + ".pcap")).string();
        const auto written = network.write_pcap(path_);
        REQUIRE(written.ok());
        CHECK(*written == network.frames().size());
    }
    ~WrittenCapture() {
        std::error_code ignored;
        if (!keep_) fs::remove(path_, ignored);
    }
    WrittenCapture(const WrittenCapture&) = delete;
    WrittenCapture& operator=(const WrittenCapture&) = delete;

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] std::vector<char> bytes() const {
        std::ifstream in(path_, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

private:
    std::string path_;
    bool keep_ = false;
};

}  // namespace

TEST_CASE("mqscan reads a lab capture as the traffic written, without a TCP anomaly",
          "[lab][net]") {
    struct Scenario {
        const char* name;
        bool ipv6;
        Impairments impairments;
    };
    const Scenario scenario =
        GENERATE(Scenario{"clean", false, {}}, Scenario{"ipv6", true, {}},
                 Scenario{"loss", false, {0.2, 0, 0}}, Scenario{"reorder", false, {0, 0.3, 0}},
                 Scenario{"duplicate", false, {0, 0, 0.3}});
    INFO(scenario.name);
    NetworkOptions options;
    options.impairments = scenario.impairments;
    options.seed = 3;
    const Endpoint client =
        scenario.ipv6 ? Endpoint{parse_address("2001:db8::10"), 50000} : kClient;
    const Endpoint broker = scenario.ipv6 ? Endpoint{parse_address("2001:db8::1"), 1883} : kBroker;
    const MqttSession session(options, client, broker, 20'000, 200ms, 1s);
    const WrittenCapture capture(session.network, scenario.name);

    const AnalysisResult result = analyze_file(capture.path(), {});
    REQUIRE(result.status == AnalysisStatus::Complete);
    REQUIRE(result.report.connections.size() == 1);
    const ConnectionSummary& connection = result.report.connections[0];
    CHECK(connection.syn_seen);
    CHECK(connection.end_reason == EndReason::Fin);
    CHECK(connection.stats(Direction::ToServer).bytes == session.written[0]);
    CHECK(connection.stats(Direction::ToClient).bytes == session.written[1]);
    CHECK(connection.stats(Direction::ToServer).gap_count == 0);
    CHECK(connection.stats(Direction::ToClient).gap_count == 0);
    for (const Anomaly& anomaly : result.report.anomalies) {
        INFO(anomaly.message());
        CHECK(describe(anomaly.id).id.substr(0, 4) != "tcp.");
    }
    REQUIRE(result.report.mqtt.size() == 1);
    CHECK(result.report.mqtt_packets_total == 2 + 2 + 2 * 4 + 1);
}

TEST_CASE("The same options and calls give the same capture, byte for byte", "[lab][net]") {
    const auto capture = [](std::uint64_t seed, const std::string& name) {
        NetworkOptions options;
        options.seed = seed;
        options.impairments = {0.1, 0.1, 0.1};
        const MqttSession session(options, Endpoint{kClient.address, 0}, kBroker, 30'000);
        return WrittenCapture(session.network, name).bytes();
    };
    const auto first = capture(11, "determinism-1");
    CHECK(first.size() > 30'000);
    CHECK(capture(11, "determinism-2") == first);
    CHECK(capture(12, "determinism-3") != first);
}

TEST_CASE("A capture can start late, see one direction, or cut frames", "[lab][net]") {
    NetworkOptions options;
    SECTION("started late: the handshake and CONNECT are missing") {
        options.capture.start_at = at(2ms);
        const MqttSession session(options, kClient, kBroker);
        const auto frames = views(session.network.frames());
        REQUIRE_FALSE(frames.empty());
        CHECK(session.network.frames().front().time >= at(2ms));
        for (const FrameView& frame : frames) CHECK_FALSE(frame.tcp().has(tcp_flags::Syn));
    }
    SECTION("one direction: only the client's frames") {
        options.capture.client_to_server_only = true;
        const MqttSession session(options, kClient, kBroker);
        const auto frames = views(session.network.frames());
        REQUIRE(frames.size() > 5);
        for (const FrameView& frame : frames) CHECK(frame.tcp().src == kClient);
    }
    SECTION("a snaplen of 80: frames cut, their length on the wire kept") {
        options.capture.snaplen = 80;
        const MqttSession session(options, kClient, kBroker);
        bool some_cut = false;
        for (const CapturedFrame& frame : session.network.frames()) {
            CHECK(frame.data.size() == std::min<std::size_t>(frame.original_length, 80));
            some_cut = some_cut || frame.original_length > 80;
        }
        CHECK(some_cut);
        const WrittenCapture capture(session.network, "snaplen");
        auto source = open_capture_file(capture.path());
        REQUIRE(source.ok());
        CHECK((*source)->info().snaplen == 80);
    }
}

TEST_CASE("Ten minutes of keepalive take a few steps of the clock", "[lab][net]") {
    const auto started = std::chrono::steady_clock::now();
    const MqttSession session({}, kClient, kBroker, 10, 60s, 10min);
    const auto took = std::chrono::steady_clock::now() - started;
    const auto& frames = session.network.frames();
    CHECK(frames.back().time > at(10min));
    CHECK(frames.back().time < at(10min + 1s));
    // The handshake; CONNECT, CONNACK, PUBLISH, PUBACK and the client's delayed
    // ACK; 9 times PINGREQ, PINGRESP and a delayed ACK; DISCONNECT, FIN, FIN, ACK.
    CHECK(frames.size() == 3 + 5 + 9 * 3 + 4);
    CHECK(session.driver_steps < 100);
    CHECK(took < 1s);
}

TEST_CASE("mqscan reads a lab connection ended by a RST as reset", "[lab][net]") {
    Network network({});
    const ConnectionId id = network.connect(kClient, kBroker);
    network.run_until(at(1ms));
    const std::string connect =
        mqtt::encode_packet(connect_packet(mqtt::Version::V311, "lab"), mqtt::Version::V311);
    network.write(id, Side::Client, bytes_of(connect));
    network.run_until(at(2ms));
    network.reset(id, Side::Server);
    run_to_end(network);

    const AnalysisResult result = analyze_file(WrittenCapture(network, "reset").path(), {});
    REQUIRE(result.report.connections.size() == 1);
    const ConnectionSummary& connection = result.report.connections[0];
    CHECK(connection.end_reason == EndReason::Rst);
    CHECK(connection.stats(Direction::ToClient).rst);
    CHECK(connection.stats(Direction::ToServer).bytes == connect.size());
}
