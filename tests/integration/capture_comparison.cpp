#include "capture_comparison.hpp"

#include <algorithm>

CaptureComparison compare_capture(const std::string& path) {
    CaptureComparison comparison{path, mqscan_reassemble(path), 0, {}};
    // One tshark run (tshark is slow to start) follows mqscan's streams plus one more.
    // tshark numbers its streams 0, 1, 2, ... and names both nodes of every stream it has,
    // so if that extra stream is absent, the streams shown are all it has.
    comparison.tshark = tshark_follow_tcp(path, comparison.mqscan.connections.size() + 1);
    if (comparison.tshark.back().exists()) {
        comparison.tshark_stream_count = tshark_tcp_stream_count(path);
    } else {
        comparison.tshark_stream_count = static_cast<std::uint64_t>(
            std::ranges::count_if(comparison.tshark, &TsharkStream::exists));
    }
    return comparison;
}
