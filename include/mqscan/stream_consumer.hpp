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

// Hands each call to two consumers (the second may be null).
class StreamFanout final : public StreamConsumer {
public:
    StreamFanout(StreamConsumer& first, StreamConsumer* second) : first_(first), second_(second) {}
    void on_connection_start(const ConnectionSummary& c) override {
        first_.on_connection_start(c);
        if (second_ != nullptr) second_->on_connection_start(c);
    }
    void on_data(const ConnectionSummary& c, Direction d, Bytes bytes, FrameRef at) override {
        first_.on_data(c, d, bytes, at);
        if (second_ != nullptr) second_->on_data(c, d, bytes, at);
    }
    void on_gap(const ConnectionSummary& c, Direction d, std::uint64_t bytes, FrameRef at) override {
        first_.on_gap(c, d, bytes, at);
        if (second_ != nullptr) second_->on_gap(c, d, bytes, at);
    }
    void on_end(const ConnectionSummary& c) override {
        first_.on_end(c);
        if (second_ != nullptr) second_->on_end(c);
    }

private:
    StreamConsumer& first_;
    StreamConsumer* second_;
};

}  // namespace mqscan
