#pragma once
// TLS secrets in the NSS key log format (the SSLKEYLOGFILE lines that
// Wireshark and tshark read with tls.keylog_file): "CLIENT_RANDOM <client
// random> <master secret>" for TLS 1.2; CLIENT_HANDSHAKE_TRAFFIC_SECRET,
// SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0,
// SERVER_TRAFFIC_SECRET_0 and EXPORTER_SECRET lines for TLS 1.3, each with the
// client random in hex then the secret in hex. The lines decrypt their
// connections: they are secrets, and leave the lab only when asked for.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mqscan::lab {

class KeyLog {
public:
    // OpenSSL logs one line for a TLS 1.2 connection, five for TLS 1.3.
    static constexpr std::size_t kMaxLinesPerConnection = 16;

    explicit KeyLog(std::size_t max_lines = kMaxLinesPerConnection) : max_lines_(max_lines) {}

    // A line past the limit is not kept: dropped() counts it.
    void add(std::string_view line);
    void append(const KeyLog& other);

    [[nodiscard]] const std::vector<std::string>& lines() const { return lines_; }
    [[nodiscard]] std::size_t dropped() const { return dropped_; }
    // Every line, each ended by "\n": the content of a key log file.
    [[nodiscard]] std::string text() const;

private:
    std::size_t max_lines_;
    std::vector<std::string> lines_;
    std::size_t dropped_ = 0;
};

}  // namespace mqscan::lab
