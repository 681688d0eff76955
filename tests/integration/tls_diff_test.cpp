// Differential test: the TLS mqscan reports (its JSON report) against tshark's TLS dissector.
// See README.md in this directory for what is compared and the documented divergences.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "capture_files.hpp"
#include "mqscan_tls.hpp"
#include "tls_corpus.hpp"
#include "tls_divergences.hpp"
#include "tshark_mqtt.hpp"
#include "tshark_tls.hpp"

namespace fs = std::filesystem;

namespace {

// The ports make_tls_loopback_captures.sh may give its broker's two TLS listeners.
std::vector<std::uint16_t> loopback_tls_ports() {
    std::vector<std::uint16_t> ports;
    for (std::uint16_t port = 18883; port < 18899; ++port) ports.push_back(port);
    return ports;
}

struct TlsComparison {
    std::string path;
    std::string name;  // the path under the directory searched
    MqscanTls mqscan;
    TlsConnections tshark;
    std::vector<std::string> expected_ja4;
    // Connections where tshark, decoding the TLS ports as MQTT, sees a client open with a
    // well-formed CONNECT; computed when `cleartext_checked`.
    std::set<std::uint64_t> tshark_cleartext_mqtt;
    bool cleartext_checked = false;
};

// A connection whose first MQTT PDU from either side is a CONNECT tshark finds whole and sound.
std::set<std::uint64_t> streams_opening_with_connect(const MqttFlows& flows) {
    std::set<std::uint64_t> streams;
    for (const auto& [flow, packets] : flows) {
        const MqttFields& first = packets.front();
        const auto type = std::ranges::find(first.fields, "type", &MqttField::name);
        if (!first.malformed && type != first.fields.end() && type->value == "1")
            streams.insert(flow.stream);
    }
    return streams;
}

// mqscan reports cleartext MQTT on a TLS port (mqtt.cleartext_on_tls_port) where tshark, told
// to decode those ports as TLS, shows no TLS record: tshark is then asked to decode them as
// MQTT. On `every_capture` it is asked even where mqscan reports nothing.
TlsComparison compare_tls(const std::string& path, const std::string& dir,
                          const std::vector<std::uint16_t>& tls_ports, bool every_capture) {
    TlsComparison comparison;
    comparison.path = path;
    comparison.name = fs::relative(path, dir).string();
    comparison.mqscan = mqscan_tls_connections(path, tls_ports);
    comparison.tshark = tshark_tls_connections(path, tls_ports);
    comparison.expected_ja4 = upstream_ja4(path);
    comparison.cleartext_checked =
        every_capture || !comparison.mqscan.cleartext_on_tls_port.empty();
    if (comparison.cleartext_checked)
        comparison.tshark_cleartext_mqtt =
            streams_opening_with_connect(tshark_mqtt_packets(path, tls_ports).flows);
    return comparison;
}

BackgroundResults<TlsComparison> corpus_comparisons() {
    const std::string dir = MQSCAN_PUBLIC_CORPUS_DIR;
    std::map<std::string, std::vector<std::uint16_t>> ports;
    std::vector<std::string> paths;
    for (const TlsCorpusCapture& capture : tls_corpus_captures(dir)) {
        paths.push_back(capture.path);
        ports[capture.path] = capture.tls_ports;
    }
    return {paths, [dir, ports](const std::string& path) {
                return compare_tls(path, dir, ports.at(path), false);
            }};
}

BackgroundResults<TlsComparison> loopback_comparisons() {
    const std::string dir = MQSCAN_TLS_LOOPBACK_CAPTURES_DIR;
    return {captures_under(dir), [dir](const std::string& path) {
                return compare_tls(path, dir, loopback_tls_ports(), true);
            }};
}

void check_capture(const TlsComparison& comparison) {
    const KnownTlsDivergence* known = known_tls_divergence(comparison.name);
    INFO("known divergence: " << (known ? known->why : "none"));
    static const std::vector<FactDifference> kNone;
    const TlsConnections& theirs = comparison.tshark;
    CHECK(differences(comparison.mqscan.connections, theirs) ==
          (known ? known->differences : kNone));
    if (!comparison.expected_ja4.empty()) {
        INFO("JA4 expected by the capture's upstream test.yaml");
        CHECK(comparison.mqscan.ja4 == comparison.expected_ja4);
    }
    if (comparison.cleartext_checked) {
        INFO("connections tshark decodes as MQTT opening with a CONNECT on a TLS port");
        CHECK(comparison.mqscan.cleartext_on_tls_port == comparison.tshark_cleartext_mqtt);
    }
    std::cout << comparison.path << ": " << theirs.size() << " TLS connection(s), "
              << fact_count(comparison.mqscan.connections, theirs) << " facts compared"
              << (comparison.expected_ja4.empty() ? "" : ", JA4 checked") << '\n';
}

}  // namespace

TEST_CASE("mqscan reports the TLS of every corpus TLS capture as tshark does", "[tls-corpus]") {
    static const auto comparisons = corpus_comparisons();
    check_each_capture(comparisons, check_capture);
}

TEST_CASE("mqscan reports the TLS of every TLS loopback capture as tshark does", "[tls-loopback]") {
    INFO(
        "captures written by make_tls_loopback_captures.sh (the ctest fixture) "
        "into " MQSCAN_TLS_LOOPBACK_CAPTURES_DIR);
    REQUIRE(fs::is_directory(MQSCAN_TLS_LOOPBACK_CAPTURES_DIR));
    static const auto comparisons = loopback_comparisons();
    check_each_capture(comparisons, check_capture);
}
