#pragma once
// What mqscan's reassembly delivers for each TCP connection of a capture.

#include <array>
#include <string>
#include <vector>

#include "mqscan/analysis.hpp"
#include "mqscan/connection.hpp"
#include "stream_digest.hpp"

struct MqscanConnection {
    mqscan::ConnectionSummary summary;
    std::array<StreamDigest, 2> sent;  // indexed by mqscan::Direction; gaps are not bytes

    [[nodiscard]] const StreamDigest& sent_by(mqscan::Direction dir) const {
        return sent[static_cast<int>(dir)];
    }
};

struct MqscanStreams {
    mqscan::AnalysisStatus status = mqscan::AnalysisStatus::Unreadable;
    std::string message;
    std::vector<MqscanConnection> connections;  // in report order (by id)
};

// Runs mqscan's whole pipeline over `path` with default settings (but no listing limit).
MqscanStreams mqscan_reassemble(const std::string& path);
