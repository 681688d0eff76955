#pragma once
// The lab's simulated network: TCP connections between simulated hosts, on a
// virtual clock, recorded into a capture that Wireshark and mqscan read as a
// real one. No socket, no root, and no waiting: minutes of virtual time take
// milliseconds, since the clock jumps from one event to the next.
//
// A driver alternates between the network and the applications:
//
//     Network network(options);
//     const ConnectionId id = network.connect(client, server);
//     while (/* the scenario goes on */) {
//         const Timestamp next = earliest(network.next_event(), applications' timers);
//         network.run_until(next);
//         for (NetworkEvent& event : network.take_events()) /* hand to the application */;
//         network.write(id, Side::Client, bytes);  // what the applications answered, at now()
//     }
//     network.write_pcap(path);
//
// Requests (connect, write, close, reset) act at now(): the frames they cause
// leave at once, and arrive after the path's delay.
//
// Frames are Ethernet II, IPv4 or IPv6 as the connection's addresses are, and
// TCP as a Linux host sends it (tcp_endpoint.hpp says how). The capture point is
// between the hosts: a frame is captured as it reaches the receiver.
//
// The same options and the same calls give the same frames, byte for byte.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lab/net/capture_recorder.hpp"
#include "lab/net/event_queue.hpp"
#include "lab/net/network_event.hpp"
#include "lab/net/path.hpp"
#include "lab/net/tcp_endpoint.hpp"
#include "mqscan/endpoint.hpp"

namespace mqscan::lab::net {

struct NetworkOptions {
    // Draws initial sequence numbers, timestamp offsets, IP ids, ports, impairments.
    std::uint64_t seed = 1;
    Timestamp start = Timestamp::from_seconds(1'767'225'600);  // 2026-01-01 00:00:00 UTC
    Duration latency = std::chrono::microseconds(50);          // one way, like a loopback
    std::uint64_t link_rate_bps = 0;  // 0: a frame takes no time to send
    // Each side offers MSS = MTU - IP header - 20 (1460 over IPv4, 1440 over
    // IPv6) and sends segments of MSS - options: 1448 / 1428 bytes with timestamps.
    std::uint16_t mtu = 1500;
    TcpSettings tcp;
    Impairments impairments;
    CaptureSettings capture;
};

struct ConnectionEnds {
    Endpoint client;
    Endpoint server;
};

// "192.0.2.1" or "2001:db8::1"; std::invalid_argument otherwise.
IpAddress parse_address(const std::string& text);

class Network {
public:
    // std::invalid_argument for impossible options: an MTU below 128, a
    // receive window of 0 or past 2^30, a retransmission timeout of 0,
    // impairments that are not probabilities (impairments.hpp).
    explicit Network(const NetworkOptions& options);

    // Opens a connection at now(): the client sends its SYN; a server is
    // listening on every address and port. Client port 0 draws an ephemeral port
    // (32768-60999, Linux's range). std::invalid_argument when the IP versions
    // differ or the same two ends were connected before.
    ConnectionId connect(Endpoint client, Endpoint server);
    // Queues bytes to send from `side`, sent as the window allows.
    // std::logic_error after that side's close() or reset(); std::length_error
    // past TcpSettings::send_buffer_limit unacknowledged bytes. Ignored once
    // that side got a Reset event.
    void write(ConnectionId connection, Side side, Bytes bytes);
    // A FIN after the queued bytes (a half-close: the side may still read).
    void close(ConnectionId connection, Side side);
    // A RST now; the side's queued bytes are dropped.
    void reset(ConnectionId connection, Side side);

    // When something next happens (a frame arrives, a timer expires), if ever.
    [[nodiscard]] std::optional<Timestamp> next_event() const;
    // Processes every event up to and including `time`, then sets now() to it
    // (a time already past changes nothing).
    void run_until(Timestamp time);
    [[nodiscard]] Timestamp now() const { return now_; }
    // What the applications learnt since the last call, in order.
    std::vector<NetworkEvent> take_events();

    // std::out_of_range for an unknown connection.
    [[nodiscard]] const ConnectionEnds& ends(ConnectionId connection) const;
    [[nodiscard]] TcpState state(ConnectionId connection, Side side) const;

    [[nodiscard]] const std::vector<CapturedFrame>& frames() const { return recorder_.frames(); }
    [[nodiscard]] Result<std::size_t, std::string> write_pcap(const std::string& path) const {
        return recorder_.write_pcap(path);
    }

private:
    struct Arrival {
        ConnectionId connection;
        Side to;
        Packet packet;
    };
    struct EndpointTimer {
        ConnectionId connection;
        Side side;
    };
    struct HoldRelease {
        ConnectionId connection;
        Side from;
    };
    using Event = std::variant<Arrival, EndpointTimer, HoldRelease>;
    using EventKey = EventQueue<Event>::Key;

    struct Connection {
        ConnectionEnds ends;
        std::array<TcpEndpoint, 2> sides;  // by Side
        std::array<Path, 2> paths;         // by sending Side
        std::array<std::optional<EventKey>, 2> timers{};
        std::array<std::optional<EventKey>, 2> releases{};
    };

    [[nodiscard]] std::size_t checked_index(ConnectionId id) const;
    Connection& connection(ConnectionId id);
    [[nodiscard]] const Connection& connection(ConnectionId id) const;
    std::uint16_t ephemeral_port(const Endpoint& client, const Endpoint& server);
    std::uint16_t next_ip_id(const IpAddress& host);
    TcpIdentity draw_identity();

    void handle(Arrival& arrival);
    void handle(const EndpointTimer& timer);
    void handle(const HoldRelease& release);
    // Sends what the endpoint produced, records what its application learnt, sets its timer.
    void flush(ConnectionId id, Side side);
    void depart(ConnectionId id, Side from, Segment segment);
    void schedule(ConnectionId id, Side from, std::vector<Delivery> deliveries);
    void sync_timer(ConnectionId id, Side side);
    void sync_release(ConnectionId id, Side from);

    NetworkOptions options_;
    Timestamp now_;
    Prng identities_;
    Prng impairments_;
    EventQueue<Event> queue_;
    std::vector<Connection> connections_;  // by ConnectionId
    std::map<IpAddress, std::uint16_t> next_ip_ids_;
    std::vector<NetworkEvent> events_;
    CaptureRecorder recorder_;
};

}  // namespace mqscan::lab::net
