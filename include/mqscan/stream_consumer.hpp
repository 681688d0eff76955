#pragma once
// The three-call stream contract between reassembly and dissectors:
// in-order bytes, a gap of known size, and the end of the connection.

#include <cstdint>

#include "mqscan/byte_reader.hpp"
#include "mqscan/connection.hpp"
#include "mqscan/frame.hpp"

namespace mqscan {

class StreamConsumer {
public:
    virtual ~StreamConsumer() = default;
    virtual void on_connection_start(const ConnectionSummary& /*connection*/) {}
    virtual void on_data(const ConnectionSummary& connection, Direction dir, Bytes bytes,
                         FrameRef at) = 0;
    virtual void on_gap(const ConnectionSummary& connection, Direction dir, std::uint64_t bytes,
                        FrameRef at) = 0;
    virtual void on_end(const ConnectionSummary& connection) = 0;
};

}  // namespace mqscan
