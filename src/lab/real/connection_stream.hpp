#pragma once
// One connection's bytes between its socket and an MQTT engine: in clear, or
// through a TlsEndpoint whose memory BIOs it feeds. Sans I/O: the driver
// gives it what the socket read and writes what output() holds.
//
//   socket --receive--> [TLS] --plaintext--> engine
//   engine --send-----> [TLS] --output()---> socket
//
// Bounded by its OutputBuffer (and the endpoint's own limits): a send that
// would go past the capacity breaks the stream, and its connection ends.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "lab/real/output_buffer.hpp"
#include "lab/tls/tls_endpoint.hpp"
#include "mqscan/byte_reader.hpp"

namespace mqscan::lab::real {

class ConnectionStream {
public:
    ConnectionStream(std::optional<TlsEndpoint> tls, OutputBuffer output);

    // Begins TLS: a client's ClientHello goes to output().
    void start();
    // Bytes the socket read; returns the plaintext they carried, in order.
    [[nodiscard]] std::vector<std::uint8_t> receive(Bytes wire);
    // Plaintext for the peer, queued in output() (over TLS: once the handshake is done).
    void send(Bytes plaintext);
    // An engine's packet (Action::bytes), sent as send(Bytes) sends.
    void send(std::string_view packet);
    // Over TLS, a close_notify after what was sent; in clear, nothing to say.
    void close();

    [[nodiscard]] OutputBuffer& output() { return output_; }
    [[nodiscard]] const OutputBuffer& output() const { return output_; }
    // Null in clear.
    [[nodiscard]] const TlsEndpoint* tls() const { return tls_ ? &*tls_ : nullptr; }
    // In clear, from the start.
    [[nodiscard]] bool handshake_complete() const { return !tls_ || tls_->handshake_complete(); }
    [[nodiscard]] bool tls_failed() const { return tls_ && tls_->failed(); }
    // Over its capacity, or bytes the endpoint would not take: the connection must end.
    [[nodiscard]] bool broken() const { return broken_; }
    // A TLS error, or broken(): the socket is as good as gone, its connection ends as a lost one does.
    [[nodiscard]] bool unusable() const { return tls_failed() || broken_; }

private:
    void move_ciphertext();

    std::optional<TlsEndpoint> tls_;
    OutputBuffer output_;
    bool broken_ = false;
};

}  // namespace mqscan::lab::real
