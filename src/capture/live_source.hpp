#pragma once
// Live capture on a network interface (libpcap) as a PacketSource, so that it
// goes through the same pipeline as a file.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mqscan/packet_source.hpp"
#include "mqscan/result.hpp"

namespace mqscan {

struct LiveCaptureOptions {
    std::string interface;  // a name from list_interfaces(), or "any"
    std::string filter;     // BPF, as tcpdump takes it
    bool promiscuous = true;
    std::uint64_t max_packets = 0;           // stop after this many frames; 0: no limit
    std::chrono::milliseconds duration{0};   // stop after this long; 0: no limit
    std::string save_path;                   // also write every frame there (pcap); empty: no
};

// libpcap's counters (pcap_stats) beside the frames handed to the analysis.
struct LiveStats {
    std::uint64_t captured = 0;
    std::uint64_t received = 0;              // by the filter
    std::uint64_t dropped_by_kernel = 0;     // the capture buffer was full
    std::uint64_t dropped_by_interface = 0;  // the network interface or its driver
};

enum class LiveOpenFailure { NoPermission, NoSuchInterface, BadFilter, Other };

struct LiveOpenError {
    LiveOpenFailure kind = LiveOpenFailure::Other;
    std::string message;  // one line, libpcap's words included
};

class LiveSource final : public PacketSource {
public:
    // `stop` may be set from a signal handler: next() returns End within a
    // fraction of a second even when no packet comes.
    static Result<std::unique_ptr<LiveSource>, LiveOpenError> open(const LiveCaptureOptions& options,
                                                                   const std::atomic<bool>& stop);
    ~LiveSource() override;
    LiveSource(const LiveSource&) = delete;
    LiveSource& operator=(const LiveSource&) = delete;

    ReadStatus next(RawFrame& frame) override;
    [[nodiscard]] const CaptureInfo& info() const override;
    [[nodiscard]] std::string error() const override;
    [[nodiscard]] bool error_is_truncation() const override { return false; }
    // What libpcap could not do as asked when opening (promiscuous mode on
    // the "any" device, ...), or empty.
    [[nodiscard]] const std::string& warning() const;

    // Called about once a second while capturing, busy or idle (a status line).
    void set_heartbeat(std::function<void()> heartbeat);
    [[nodiscard]] LiveStats stats() const;
    // Flushes and closes the saved file; false (with a message) when writing failed.
    bool close_saved(std::string& message);

private:
    struct State;
    explicit LiveSource(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

struct InterfaceInfo {
    std::string name;
    std::string description;
    std::vector<std::string> addresses;  // IPv4 and IPv6, as text
    bool up = false;
    bool loopback = false;
};

// The interfaces libpcap can open (pcap_findalldevs); on failure, libpcap's message.
Result<std::vector<InterfaceInfo>, std::string> list_interfaces();

// "tcp port 1883 or tcp port 8883", plus the other ports MQTT or TLS is expected on.
std::string live_filter(const std::vector<std::uint16_t>& mqtt_ports,
                        const std::vector<std::uint16_t>& tls_ports);
// "120 packets captured, 120 received by filter, 0 dropped by kernel, 0 dropped by interface"
std::string describe(const LiveStats& stats);
// "lo  Loopback device [up, loopback] 127.0.0.1 ::1"
std::string describe(const InterfaceInfo& interface);

}  // namespace mqscan
