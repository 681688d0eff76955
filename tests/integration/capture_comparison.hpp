#pragma once
// Both reassemblies of one capture.

#include <cstdint>
#include <string>
#include <vector>

#include "background_results.hpp"
#include "mqscan_streams.hpp"
#include "tshark_follow.hpp"

struct CaptureComparison {
    std::string path;
    MqscanStreams mqscan;
    std::uint64_t tshark_stream_count = 0;
    // tcp.stream 0 .. (mqscan's connection count); the last one must not exist.
    std::vector<TsharkStream> tshark;
};

CaptureComparison compare_capture(const std::string& path);

using BackgroundComparisons = BackgroundResults<CaptureComparison>;
