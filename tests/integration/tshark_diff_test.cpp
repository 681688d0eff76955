// Differential test: mqscan's TCP reassembly against `tshark -z follow,tcp,raw,N`.
// See README.md in this directory for what is compared and the documented divergences.
#include <catch2/catch.hpp>

#include <filesystem>
#include <iostream>
#include <optional>
#include <ostream>

#include "capture_comparison.hpp"
#include "capture_files.hpp"
#include "edge_divergences.hpp"

namespace fs = std::filesystem;
using mqscan::Direction;

std::ostream& operator<<(std::ostream& out, const StreamDigest& digest) {
    return out << digest.size << " bytes, sha256 " << digest.sha256;
}

namespace {

// The tshark node (0 or 1) that is `client`, if the stream is between `client` and `server`.
std::optional<int> client_node(const mqscan::Endpoint& client, const mqscan::Endpoint& server,
                               const TsharkStream& theirs) {
    if (theirs.nodes[0] == client && theirs.nodes[1] == server) return 0;
    if (theirs.nodes[1] == client && theirs.nodes[0] == server) return 1;
    return std::nullopt;
}

std::string describe_nodes(const TsharkStream& stream) {
    auto name = [](const auto& node) { return node ? node->to_string() : std::string("none"); };
    return name(stream.nodes[0]) + " / " + name(stream.nodes[1]);
}

void check_direction(const MqscanConnection& ours, Direction dir, const TsharkStream& theirs,
                     int sender_node) {
    INFO(mqscan::to_string(dir) << "; bytes missing: mqscan " << ours.summary.stats(dir).gap_bytes
                               << ", tshark " << theirs.missing[sender_node]);
    CHECK(ours.sent_by(dir) == theirs.sent[sender_node]);
}

void check_connection(const MqscanConnection& ours, const TsharkStream& theirs) {
    const mqscan::ConnectionSummary& summary = ours.summary;
    INFO("tcp.stream " << summary.id << ": mqscan client " << summary.client.to_string()
                       << ", server " << summary.server.to_string() << "; tshark nodes "
                       << describe_nodes(theirs));
    const std::optional<int> client = client_node(summary.client, summary.server, theirs);
    if (!client) {
        FAIL_CHECK("mqscan and tshark see different endpoints");
        return;
    }
    check_direction(ours, Direction::ToServer, theirs, *client);
    check_direction(ours, Direction::ToClient, theirs, 1 - *client);
}

void check_capture(const CaptureComparison& comparison) {
    INFO("mqscan: " << comparison.mqscan.message);
    const auto& connections = comparison.mqscan.connections;
    CHECK(connections.size() == comparison.tshark_stream_count);
    for (std::size_t id = 0; id < connections.size(); ++id) {
        CHECK(connections[id].summary.id == id);
        check_connection(connections[id], comparison.tshark[id]);
    }
    std::cout << comparison.path << ": " << connections.size() << " connection(s) compared\n";
}

void check_edge_connection(const MqscanConnection& ours, const EdgeConnection& expected) {
    INFO("mqscan connection " << ours.summary.id);
    CHECK(ours.summary.client == edge_client());
    CHECK(ours.summary.server == edge_server());
    CHECK(ours.sent_by(Direction::ToServer) == digest_of(expected.client_sent));
    CHECK(ours.sent_by(Direction::ToClient) == digest_of(expected.server_sent));
}

void check_edge_connection(const TsharkStream& theirs, const EdgeConnection& expected) {
    INFO("tshark nodes " << describe_nodes(theirs));
    const std::optional<int> client = client_node(edge_client(), edge_server(), theirs);
    REQUIRE(client);
    CHECK(theirs.sent[*client] == digest_of(expected.client_sent));
    CHECK(theirs.sent[1 - *client] == digest_of(expected.server_sent));
}

// Both tools must still differ exactly as documented: if one changes, so must README.md.
void check_known_divergence(const CaptureComparison& comparison,
                            const KnownDivergence& divergence) {
    INFO("known divergence: " << divergence.why);
    const auto& connections = comparison.mqscan.connections;
    REQUIRE(connections.size() == divergence.mqscan.size());
    for (std::size_t id = 0; id < connections.size(); ++id)
        check_edge_connection(connections[id], divergence.mqscan[id]);
    REQUIRE(comparison.tshark_stream_count == divergence.tshark.size());
    for (std::size_t stream = 0; stream < divergence.tshark.size(); ++stream) {
        INFO("tcp.stream " << stream);
        check_edge_connection(comparison.tshark.at(stream), divergence.tshark[stream]);
    }
    std::cout << comparison.path << ": the documented divergence checked\n";
}

void check_edge_capture(const CaptureComparison& comparison) {
    const std::string name = fs::path(comparison.path).filename().string();
    if (const KnownDivergence* divergence = known_edge_divergence(name)) {
        check_known_divergence(comparison, *divergence);
    } else {
        check_capture(comparison);
    }
}

}  // namespace

TEST_CASE("mqscan reassembles every corpus capture as tshark follows it", "[corpus]") {
    static const BackgroundComparisons comparisons(captures_under(MQSCAN_PUBLIC_CORPUS_DIR),
                                                   compare_capture);
    check_each_capture(comparisons, check_capture);
}

TEST_CASE("mqscan reassembles every loopback capture as tshark follows it", "[loopback]") {
    INFO("captures written by make_loopback_captures.sh (the ctest fixture) into "
         MQSCAN_LOOPBACK_CAPTURES_DIR);
    REQUIRE(fs::is_directory(MQSCAN_LOOPBACK_CAPTURES_DIR));
    static const BackgroundComparisons comparisons(captures_under(MQSCAN_LOOPBACK_CAPTURES_DIR),
                                                   compare_capture);
    check_each_capture(comparisons, check_capture);
}

TEST_CASE("mqscan reassembles every hand-made edge capture as tshark follows it", "[edge]") {
    static const BackgroundComparisons comparisons(captures_under(MQSCAN_EDGE_CAPTURES_DIR),
                                                   compare_capture);
    check_each_capture(comparisons, check_edge_capture);
}
