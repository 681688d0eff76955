#pragma once
// What tshark says the TCP streams of a capture carry (`-z follow,tcp,raw,N`).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqscan/endpoint.hpp"
#include "stream_digest.hpp"

struct TsharkStream {
    // Node 0 sent the stream's first packet. Both are empty when tshark has no such stream.
    std::array<std::optional<mqscan::Endpoint>, 2> nodes;
    std::array<StreamDigest, 2> sent;  // the bytes each node sent
    // Bytes tshark marked "[N bytes missing in capture file]" in each node's data.
    std::array<std::uint64_t, 2> missing{};

    [[nodiscard]] bool exists() const { return nodes[0].has_value(); }
};

// Streams 0 .. count-1 of `path`, from one tshark run. Throws std::runtime_error when
// tshark fails or prints something this parser does not know.
std::vector<TsharkStream> tshark_follow_tcp(const std::string& path, std::uint64_t count);

// The number of TCP streams (tcp.stream values) tshark sees in `path`.
std::uint64_t tshark_tcp_stream_count(const std::string& path);
