#include "mqscan_streams.hpp"

#include <limits>
#include <map>

namespace {

using mqscan::ConnectionSummary;
using mqscan::Direction;

// Hashes the bytes each connection delivers, per direction, keyed by connection id.
class DigestingConsumer final : public mqscan::StreamConsumer {
public:
    void on_connection_start(const ConnectionSummary& connection) override {
        digesters_.try_emplace(connection.id);
    }
    void on_data(const ConnectionSummary& connection, Direction dir, mqscan::Bytes bytes,
                 mqscan::FrameRef) override {
        digesters_.at(connection.id)[static_cast<int>(dir)].add(bytes);
    }
    void on_gap(const ConnectionSummary&, Direction, std::uint64_t, mqscan::FrameRef) override {}
    void on_end(const ConnectionSummary&) override {}

    std::array<StreamDigest, 2> finish(std::uint64_t id) {
        auto& digesters = digesters_.at(id);
        return {digesters[0].finish(), digesters[1].finish()};
    }

private:
    std::map<std::uint64_t, std::array<StreamDigester, 2>> digesters_;
};

}  // namespace

MqscanStreams mqscan_reassemble(const std::string& path) {
    mqscan::AnalysisSettings settings;
    // Every connection is compared, not only the ones a report lists.
    settings.limits.max_connections_listed = std::numeric_limits<std::size_t>::max();
    DigestingConsumer consumer;
    mqscan::AnalysisResult result =
        mqscan::analyze_file(path, settings, mqscan::AnalysisHooks{.streams = &consumer});
    MqscanStreams streams{result.status, std::move(result.message), {}};
    for (ConnectionSummary& summary : result.report.connections) {
        const std::uint64_t id = summary.id;
        streams.connections.push_back({std::move(summary), consumer.finish(id)});
    }
    return streams;
}
