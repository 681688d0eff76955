// Which dissector a connection gets: the client's first bytes decide, the
// server's port only when they cannot; a protocol on the other's port is a finding.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/session_manager.hpp"
#include "mqtt_packets.hpp"

using namespace mqscan;
using namespace mqscan::test;

namespace {

class CountingSink final : public EventSink {
public:
    void on_mqtt_connection(const ConnectionSummary&) override { ++connections; }
    void on_mqtt_packet(const MqttPacketEvent&) override { ++packets; }
    int connections = 0;
    int packets = 0;
};

// A TLS 1.2 record header and the start of a ClientHello (RFC 5246 §6.2.1, §7.4.1.2).
const std::vector<std::uint8_t> kClientHelloStart = {
    0x16, 0x03, 0x01, 0x00, 0x2f,  // handshake record, TLS 1.0 record version, 47 bytes
    0x01, 0x00, 0x00, 0x2b,        // client_hello, 43 bytes
    0x03, 0x03};                   // client version TLS 1.2

struct Outcome {
    int mqtt_connections = 0;
    int mqtt_packets = 0;
    std::size_t tls_connections = 0;
    std::vector<std::uint64_t> anomaly_counts;

    [[nodiscard]] std::uint64_t count(AnomalyId id) const {
        return anomaly_counts[static_cast<std::size_t>(id)];
    }
};

// One connection to `server_port` whose client sends `first_bytes`, split at
// `split`; with `gap_between`, a gap in the server's direction comes between
// the two pieces; without `second_piece` the connection ends after the first.
Outcome run(std::uint16_t server_port, const std::vector<std::uint8_t>& first_bytes,
            std::size_t split, bool gap_between = false, bool second_piece = true) {
    AnalysisSettings settings;
    ReportBuilder report(settings.limits);
    CountingSink sink;
    ConnectionSummary connection;
    connection.server.port = server_port;
    connection.client.port = 50000;
    {
        SessionManager sessions(settings, report, sink);
        sessions.on_connection_start(connection);
        const Bytes all(first_bytes.data(), first_bytes.size());
        sessions.on_data(connection, Direction::ToServer, all.first(split), FrameRef{1, {}});
        if (gap_between) sessions.on_gap(connection, Direction::ToClient, 100, FrameRef{2, {}});
        if (second_piece)
            sessions.on_data(connection, Direction::ToServer, all.subspan(split), FrameRef{3, {}});
        sessions.on_end(connection);
    }
    const CaptureReport taken = report.take({});
    return {sink.connections, sink.packets, taken.tls.size(), taken.anomaly_counts};
}

std::vector<std::uint8_t> connect_bytes() {
    const std::string frame = mqtt::encode_packet(connect_packet(mqtt::Version::V311, "c"),
                                                  mqtt::Version::V311);
    return {frame.begin(), frame.end()};
}

}  // namespace

TEST_CASE("Cleartext MQTT sent to 8883 is decoded as MQTT and flagged", "[session]") {
    const auto bytes = connect_bytes();
    const std::size_t split = GENERATE(1u, 5u, 10u);
    const Outcome o = run(8883, bytes, split);
    CHECK(o.mqtt_connections == 1);
    CHECK(o.mqtt_packets == 1);
    CHECK(o.tls_connections == 0);
    CHECK(o.count(AnomalyId::MqttCleartextOnTlsPort) == 1);
}

TEST_CASE("TLS sent to 1883 is decoded as TLS and flagged", "[session]") {
    const std::size_t split = GENERATE(1u, 3u, 6u);
    const Outcome o = run(1883, kClientHelloStart, split);
    CHECK(o.mqtt_connections == 0);
    CHECK(o.tls_connections == 1);
    CHECK(o.count(AnomalyId::TlsOnMqttPort) == 1);
}

TEST_CASE("On their own ports MQTT and TLS are no finding", "[session]") {
    const Outcome mqtt = run(1883, connect_bytes(), 3);
    CHECK(mqtt.mqtt_packets == 1);
    CHECK(mqtt.count(AnomalyId::MqttCleartextOnTlsPort) == 0);
    const Outcome tls = run(8883, kClientHelloStart, 3);
    CHECK(tls.tls_connections == 1);
    CHECK(tls.count(AnomalyId::TlsOnMqttPort) == 0);
}

TEST_CASE("On any other port the probes decide, or nothing is decoded", "[session]") {
    CHECK(run(4000, connect_bytes(), 4).mqtt_packets == 1);
    CHECK(run(4000, kClientHelloStart, 4).tls_connections == 1);
    const std::vector<std::uint8_t> http = {'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P'};
    const Outcome other = run(4000, http, 4);
    CHECK(other.mqtt_connections == 0);
    CHECK(other.tls_connections == 0);
}

TEST_CASE("A gap while the probes wait: the held bytes go to the protocol they can start",
          "[session]") {
    // 3 bytes of a CONNECT rule TLS out: MQTT, although the port is 8883.
    const Outcome o = run(8883, connect_bytes(), 3, true);
    CHECK(o.mqtt_packets == 1);
    CHECK(o.tls_connections == 0);
    CHECK(o.count(AnomalyId::MqttCleartextOnTlsPort) == 1);
    CHECK(o.count(AnomalyId::TlsRecordContentTypeInvalid) == 0);
}

TEST_CASE("The end while the probes wait: the held bytes are still decoded", "[session]") {
    // Half a CONNECT, then the connection ends: the port decides, and the
    // dissector is told of the cut packet it was handed.
    const Outcome o = run(1883, connect_bytes(), 4, false, false);
    CHECK(o.mqtt_connections == 1);
    CHECK(o.count(AnomalyId::MqttPacketIncomplete) == 1);
}
