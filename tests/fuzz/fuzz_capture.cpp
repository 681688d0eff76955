// Fuzz target: capture bytes -> open -> analyse (TCP and MQTT) -> both reports,
// with small limits so that every limit path is reachable from short inputs. Broken
// invariants abort, so libFuzzer (and the corpus replay) report them.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>

#include "mqscan/analysis.hpp"
#include "report/reporters.hpp"

namespace {

using namespace mqscan;

[[noreturn]] void violated(const char* what, std::uint64_t connection) {
    std::fprintf(stderr, "fuzz_capture: invariant broken: %s (connection %llu)\n", what,
                 static_cast<unsigned long long>(connection));
    std::abort();
}

// Where delivered bytes are summed, so that reading them cannot be optimised away.
volatile std::uint8_t byte_sink = 0;

void require(bool holds, const char* what, std::uint64_t connection = 0) {
    if (!holds) violated(what, connection);
}

AnalysisSettings small_limits() {
    AnalysisSettings settings;
    Limits& limits = settings.limits;
    limits.max_connections = 4;
    limits.max_out_of_order_bytes = 2048;
    limits.max_out_of_order_segments = 4;
    limits.max_out_of_order_bytes_total = 4096;
    limits.overlap_check_bytes = 16;
    limits.max_gaps_listed = 2;
    limits.max_anomalies_listed = 8;
    limits.max_anomalies_listed_per_kind = 2;
    limits.max_connections_listed = 4;
    mqtt::MqttSettings& mqtt = settings.mqtt;
    mqtt.max_packet = 4096;
    mqtt.payload_cap = 16;
    mqtt.max_topic_aliases = 4;
    mqtt.max_packets_listed = 8;
    return settings;
}

// Checks the stream contract: every connection starts once and ends once,
// nothing arrives outside that span, and the bytes and gaps handed over are
// exactly what the connection's summary counts.
class ContractChecker final : public StreamConsumer {
public:
    void on_connection_start(const ConnectionSummary& connection) override {
        require(streams_.count(connection.id) == 0, "connection started twice", connection.id);
        streams_[connection.id];
    }

    void on_data(const ConnectionSummary& connection, Direction dir, Bytes bytes,
                 FrameRef /*at*/) override {
        Seen& seen = open_stream(connection);
        require(!bytes.empty(), "empty data delivered", connection.id);
        seen.bytes[index(dir)] += bytes.size();
        // Read every byte so that ASan catches a span pointing past its buffer.
        byte_sink = std::accumulate(bytes.begin(), bytes.end(), std::uint8_t{0});
    }

    void on_gap(const ConnectionSummary& connection, Direction dir, std::uint64_t bytes,
                FrameRef /*at*/) override {
        Seen& seen = open_stream(connection);
        require(bytes > 0, "empty gap declared", connection.id);
        seen.gap_bytes[index(dir)] += bytes;
    }

    void on_end(const ConnectionSummary& connection) override {
        Seen& seen = open_stream(connection);
        seen.ended = true;
        require_matches(connection, seen);
    }

    // After the analysis: every connection ended, and the listed summaries agree.
    void check_report(const CaptureReport& report) const {
        require(streams_.size() == report.counters.connections,
                "connections started != connections counted");
        for (const auto& [id, seen] : streams_) require(seen.ended, "connection never ended", id);
        for (const ConnectionSummary& connection : report.connections) {
            auto found = streams_.find(connection.id);
            require(found != streams_.end(), "listed connection never started", connection.id);
            require_matches(connection, found->second);
        }
    }

private:
    struct Seen {
        std::uint64_t bytes[2] = {0, 0};
        std::uint64_t gap_bytes[2] = {0, 0};
        bool ended = false;
    };

    static std::size_t index(Direction dir) { return static_cast<std::size_t>(dir); }

    Seen& open_stream(const ConnectionSummary& connection) {
        auto found = streams_.find(connection.id);
        require(found != streams_.end(), "stream event before the connection started",
                connection.id);
        require(!found->second.ended, "stream event after the connection ended", connection.id);
        return found->second;
    }

    static void require_matches(const ConnectionSummary& connection, const Seen& seen) {
        for (Direction dir : {Direction::ToServer, Direction::ToClient}) {
            const DirectionStats& stats = connection.stats(dir);
            require(stats.bytes == seen.bytes[index(dir)],
                    "delivered bytes != the summary's bytes", connection.id);
            require(stats.gap_bytes == seen.gap_bytes[index(dir)],
                    "declared gap bytes != the summary's gap bytes", connection.id);
        }
    }

    std::map<std::uint64_t, Seen> streams_;
};

// Every packet lands in exactly one packet counter, every TCP segment in one segment counter.
void check_counters(const CaptureReport& report) {
    const Counters& counters = report.counters;
    const std::uint64_t packets =
        std::accumulate(counters.packets.begin(), counters.packets.end(), std::uint64_t{0});
    const std::uint64_t segments =
        std::accumulate(counters.segments.begin(), counters.segments.end(), std::uint64_t{0});
    require(packets == counters.packets_read, "packet counters do not add up to packets read");
    require(segments == counters.of(PacketClass::Tcp),
            "segment counters do not add up to TCP packets");
    require(report.capture.packets == counters.packets_read, "capture packets != packets read");
}

// Reports list up to a limit and count everything: the two must agree.
void check_listings(const CaptureReport& report, const Limits& limits) {
    const Counters& counters = report.counters;
    require(report.connections.size() + counters.connections_unlisted == counters.connections,
            "listed + unlisted connections != connections counted");
    require(report.connections.size() <= limits.max_connections_listed,
            "more connections listed than the limit");
    // An occurrence is listable while its kind is under the per-kind cap; the
    // listable ones are listed in order until the list is full.
    std::uint64_t listable = 0;
    for (const std::uint64_t count : report.anomaly_counts)
        listable += std::min<std::uint64_t>(count, limits.max_anomalies_listed_per_kind);
    require(report.anomalies.size() ==
                std::min<std::uint64_t>(listable, limits.max_anomalies_listed),
            "anomalies listed != the listable ones, up to the limit");
    for (const ConnectionSummary& connection : report.connections) {
        const std::uint64_t gaps = connection.stats(Direction::ToServer).gap_count +
                                   connection.stats(Direction::ToClient).gap_count;
        require(connection.gaps.size() == std::min<std::uint64_t>(gaps, limits.max_gaps_listed),
                "gaps listed != min(gaps counted, limit)", connection.id);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto source = open_capture_bytes(Bytes(data, size), "fuzz-input");
    if (!source) return 0;
    static const AnalysisSettings settings = small_limits();
    ContractChecker checker;
    const AnalysisResult result = analyze(**source, settings, AnalysisHooks{.streams = &checker});
    if (result.status == AnalysisStatus::Unreadable) return 0;
    checker.check_report(result.report);
    check_counters(result.report);
    check_listings(result.report, settings.limits);
    const std::string json = render_json(result.report);
    const std::string text = render_text(result.report);
    require(!json.empty() && !text.empty(), "a report rendered empty");
    return 0;
}
