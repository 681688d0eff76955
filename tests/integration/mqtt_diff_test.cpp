// Differential test: the MQTT packets mqscan decodes against tshark's MQTT dissector.
// See README.md in this directory for what is compared and the documented divergences.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "capture_files.hpp"
#include "mqscan_mqtt.hpp"
#include "mqtt_divergences.hpp"
#include "tshark_mqtt.hpp"

namespace fs = std::filesystem;

namespace {

// Server ports where both tools decode MQTT, besides 1883: 17501 for the corpus' ndpi
// coap_mqtt.pcap (the "tshark -d" column of its MANIFEST.md) and the ports
// make_loopback_captures.sh may give its broker.
std::vector<std::uint16_t> mqtt_ports() {
    std::vector<std::uint16_t> ports{17501};
    for (std::uint16_t port = 18830; port < 18850; ++port) ports.push_back(port);
    return ports;
}

struct MqttComparison {
    std::string path;
    std::string name;  // the path under the directory searched
    MqscanMqtt mqscan;
    TsharkMqtt tshark;
};

// The corpus keeps tshark's summary of each capture beside it (X.tshark.txt, see its
// MANIFEST.md), whose third column is mqtt.msgtype. Without a summary, tshark may see MQTT.
bool tshark_summary_shows_mqtt(const std::string& path) {
    std::ifstream summary(path + ".tshark.txt");
    if (!summary) return true;
    for (std::string line; std::getline(summary, line);) {
        std::istringstream columns(line);
        std::string frame, stream, msgtype;
        std::getline(columns, frame, '\t');
        std::getline(columns, stream, '\t');
        if (std::getline(columns, msgtype, '\t') && !msgtype.empty()) return true;
    }
    return false;
}

// tshark takes a second to start: it is not run on a capture where neither mqscan nor the
// capture's tshark summary sees MQTT (half the corpus is TLS).
MqttComparison compare_mqtt(const std::string& path, const std::string& dir) {
    MqttComparison comparison{path, fs::relative(path, dir).string(),
                              mqscan_mqtt_packets(path, mqtt_ports()), {}};
    const MqscanMqtt& ours = comparison.mqscan;
    if (!ours.flows.empty() || !ours.incomplete.empty() || tshark_summary_shows_mqtt(path))
        comparison.tshark = tshark_mqtt_packets(path, mqtt_ports());
    return comparison;
}

// Both tools' MQTT packets for every capture under `dir`, computed in the background.
BackgroundResults<MqttComparison> comparisons_under(const std::string& dir) {
    return {captures_under(dir),
            [dir](const std::string& path) { return compare_mqtt(path, dir); }};
}

std::size_t packet_count(const MqttFlows& flows) {
    std::size_t count = 0;
    for (const auto& [flow, packets] : flows) count += packets.size();
    return count;
}

std::size_t connection_count(const MqttFlows& flows) {
    std::set<std::uint64_t> streams;
    for (const auto& [flow, packets] : flows) streams.insert(flow.stream);
    return streams.size();
}

std::string text(const MqttFields& packet) {
    std::ostringstream out;
    out << packet;
    return out.str();
}

const std::vector<MqttFields>& packets_of(const MqttFlows& flows, const MqttFlow& flow) {
    static const std::vector<MqttFields> kNoPackets;
    const auto found = flows.find(flow);
    return found == flows.end() ? kNoPackets : found->second;
}

// Every packet the two tools show differently, in each direction of each connection,
// position by position.
std::vector<PacketDifference> differences(const MqttFlows& ours, const MqttFlows& theirs) {
    std::set<MqttFlow> flows;
    for (const MqttFlows* side : {&ours, &theirs})
        for (const auto& [flow, packets] : *side) flows.insert(flow);
    std::vector<PacketDifference> found;
    for (const MqttFlow& flow : flows) {
        const auto& our_packets = packets_of(ours, flow);
        const auto& their_packets = packets_of(theirs, flow);
        for (std::size_t i = 0; i < std::max(our_packets.size(), their_packets.size()); ++i) {
            const MqttFields* our = i < our_packets.size() ? &our_packets[i] : nullptr;
            const MqttFields* their = i < their_packets.size() ? &their_packets[i] : nullptr;
            if (our != nullptr && their != nullptr && *our == *their) continue;
            found.push_back({flow, our ? text(*our) : "none", their ? text(*their) : "none"});
        }
    }
    return found;
}

// In a frame the snaplen cut, tshark drops the frame's last PDU as short ("_ws.short"), even
// when all its bytes were captured: on a loopback capture with -s 96, a frame of 43 payload
// bytes, 30 captured, held PUBLISH id 2 and PUBLISH id 3 (15 bytes each, both whole) and 13
// lost bytes; tshark lists id 2 only, mqscan both. In each cut frame, mqscan's packets past
// the number tshark lists there are left out of the comparison.
MqttFlows without_packets_at(const MqttFlows& ours, const std::set<PacketPlace>& cut_frames,
                             const MqttFlows& theirs) {
    MqttFlows kept;
    for (const auto& [flow, packets] : ours) {
        const auto& their_packets = packets_of(theirs, flow);
        auto& into = kept[flow];
        std::map<std::uint64_t, std::size_t> kept_in_frame;
        for (const MqttFields& packet : packets) {
            const bool in_cut_frame = cut_frames.count({flow.stream, packet.frame}) > 0;
            const auto tshark_in_frame = static_cast<std::size_t>(std::ranges::count_if(
                their_packets, [&](const MqttFields& their) { return their.frame == packet.frame; }));
            if (in_cut_frame && kept_in_frame[packet.frame] >= tshark_in_frame) continue;
            ++kept_in_frame[packet.frame];
            into.push_back(packet);
        }
    }
    return kept;
}

std::string describe(const std::set<PacketPlace>& places) {
    std::ostringstream out;
    for (const PacketPlace& place : places) out << place << "; ";
    return out.str();
}

// tshark shows what it has of a PDU whose bytes the capture lacks (cut by the snaplen, or in
// segments it could not reassemble); mqscan decodes no packet with missing bytes, it reports
// the anomaly mqtt.packet.incomplete where the packet was cut. Both must see the same cuts:
// every frame tshark has cut by the snaplen, and no other place than tshark's unreassembled
// PDUs (which include its misreadings of bytes inside a cut packet as new PDUs). A snaplen
// cut can fall between two packets: mqscan then reports the gap alone (tcp.stream.gap, no
// packet cut), as in the loopback frame described below.
void check_incomplete_packets(const MqscanMqtt& ours, const TsharkMqtt& theirs) {
    INFO("mqscan incomplete: " << describe(ours.incomplete));
    INFO("mqscan cut between packets: " << describe(ours.cut_between_packets));
    INFO("tshark cut by the snaplen: " << describe(theirs.cut_by_snaplen));
    INFO("tshark unreassembled: " << describe(theirs.unreassembled));
    std::set<PacketPlace> seen_cut = ours.incomplete;
    seen_cut.insert(ours.cut_between_packets.begin(), ours.cut_between_packets.end());
    CHECK(std::ranges::includes(seen_cut, theirs.cut_by_snaplen));
    std::set<PacketPlace> cut = theirs.unreassembled;
    cut.insert(theirs.cut_by_snaplen.begin(), theirs.cut_by_snaplen.end());
    CHECK(std::ranges::includes(cut, ours.incomplete));
}

// After a frame the snaplen cut, tshark's reassembly of the stream goes astray without saying
// so: on a loopback capture with -s 96, a 47,682-byte frame (96 captured) came out as a
// PUBLISH and the next cut frame as a "type 0" PDU, where mqscan reports the gap. tshark's
// packets in cut frames where mqscan decodes none are left out of the comparison (the cuts
// themselves are compared by check_incomplete_packets).
MqttFlows without_misreadings(const MqttFlows& theirs, const std::set<PacketPlace>& frames_cut,
                              const MqttFlows& ours) {
    MqttFlows kept;
    for (const auto& [flow, packets] : theirs) {
        const auto& our_packets = packets_of(ours, flow);
        auto& into = kept[flow];
        for (const MqttFields& packet : packets) {
            const bool ours_there = std::ranges::any_of(
                our_packets, [&](const MqttFields& our) { return our.frame == packet.frame; });
            if (frames_cut.count({flow.stream, packet.frame}) > 0 && !ours_there) continue;
            into.push_back(packet);
        }
    }
    return kept;
}

void check_capture(const MqttComparison& comparison) {
    INFO("mqscan: " << comparison.mqscan.message);
    const KnownMqttDivergence* known = known_mqtt_divergence(comparison.name);
    INFO("known divergence: " << (known ? known->why : "none"));
    static const std::vector<PacketDifference> kNone;
    const MqttFlows theirs =
        without_misreadings(comparison.tshark.flows, comparison.tshark.frames_cut, comparison.mqscan.flows);
    const MqttFlows ours = without_packets_at(comparison.mqscan.flows, comparison.tshark.cut_by_snaplen, theirs);
    CHECK(differences(ours, theirs) == (known ? known->differences : kNone));
    check_incomplete_packets(comparison.mqscan, comparison.tshark);
    std::cout << comparison.path << ": " << connection_count(theirs) << " MQTT connection(s), "
              << packet_count(theirs) << " packet(s) compared\n";
}

}  // namespace

TEST_CASE("mqscan decodes MQTT in every corpus capture as tshark does", "[mqtt-corpus]") {
    static const auto comparisons = comparisons_under(MQSCAN_PUBLIC_CORPUS_DIR);
    check_each_capture(comparisons, check_capture);
}

TEST_CASE("mqscan decodes MQTT in every loopback capture as tshark does", "[mqtt-loopback]") {
    INFO("captures written by make_loopback_captures.sh (the ctest fixture) into "
         MQSCAN_LOOPBACK_CAPTURES_DIR);
    REQUIRE(fs::is_directory(MQSCAN_LOOPBACK_CAPTURES_DIR));
    static const auto comparisons = comparisons_under(MQSCAN_LOOPBACK_CAPTURES_DIR);
    check_each_capture(comparisons, check_capture);
}
