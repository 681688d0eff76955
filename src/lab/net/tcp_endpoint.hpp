#pragma once
// One side of a simulated TCP connection (RFC 9293), sans I/O: calls give it
// the time, the application's requests and the segments that reach it; it
// hands back the segments it sends, what its application learns, and when it
// next needs to be woken up.
//
// Behaviour, modelled on Linux:
// - SYN and SYN-ACK offer MSS, SACK-permitted, timestamps and window scaling;
//   timestamps then ride on every segment (RFC 7323 §3.2), SACK blocks on every
//   segment while data waits beyond a gap (RFC 2018 §4).
// - Writes go out at once (TCP_NODELAY, no Nagle), cut at the peer's MSS less
//   the options of each segment (RFC 6691 §2); PSH marks a segment that empties
//   the queue. A FIN follows the data queued before close(), or rides on its last segment.
// - ACKs: piggy-backed on anything sent; else at once after two full-sized
//   segments, a segment beyond or into a gap, or a duplicate (RFC 5681 §4.2),
//   else after the delayed-ACK timer. The ACK of a FIN waits like that of data
//   (so a close in reply carries it, as on Linux) unless this side's FIN is already out.
// - Loss is repaired by the retransmission timer resending the earliest
//   segment in flight (RFC 6298 §5; a fixed timeout, as Linux's minimum is all
//   it ever uses on a LAN, doubled on each expiry), then by resending the next
//   one on each ACK that moves but falls short of what was sent before the
//   timeout (the partial acknowledgments of RFC 6582 §3.2). No fast retransmit.
// - The receive window never shrinks: the application takes every byte as it arrives.
// - No TIME-WAIT timer (nothing would be captured when it ends); a segment that
//   reaches a closed side is answered with a RST (RFC 9293 §3.10.7.1).

#include <cstdint>
#include <optional>
#include <vector>

#include "lab/net/network_event.hpp"
#include "lab/net/tcp_receive_buffer.hpp"
#include "lab/net/tcp_segment.hpp"
#include "lab/net/tcp_send_buffer.hpp"
#include "lab/net/virtual_time.hpp"

namespace mqscan::lab::net {

enum class TcpState : std::uint8_t {
    Closed, Listen, SynSent, SynReceived, Established,
    FinWait1, FinWait2, CloseWait, Closing, LastAck, TimeWait,
};

[[nodiscard]] std::string_view to_string(TcpState state);

// The same for every endpoint of a network.
struct TcpSettings {
    bool timestamps = true;
    std::uint32_t receive_window = 6 << 20;     // bytes; sets the window scale (RFC 7323 §2.3)
    std::size_t send_buffer_limit = 4 << 20;    // written and not yet acknowledged bytes
    Duration delayed_ack = std::chrono::milliseconds(40);             // Linux's TCP_DELACK_MIN
    Duration retransmission_timeout = std::chrono::milliseconds(200);  // Linux's TCP_RTO_MIN
};

// Drawn from the network's random numbers for each endpoint.
struct TcpIdentity {
    std::uint32_t initial_sequence = 0;
    std::uint32_t timestamp_offset = 0;  // per connection, as Linux randomises it
};

struct EndpointNotice {
    NetworkEventKind kind;
    std::vector<std::uint8_t> data;
};

class TcpEndpoint {
public:
    // `mss` is offered in the SYN: the MTU less the IP and TCP headers.
    TcpEndpoint(const TcpSettings& settings, std::uint16_t mss, TcpIdentity identity);

    void connect(Timestamp now);  // active open: sends the SYN
    void listen();                // passive open: waits for the SYN
    // Queues bytes to send: std::logic_error after this side's close() or
    // abort(), std::length_error past the send buffer limit; ignored once a
    // RST came (the Reset notice said so).
    void write(Timestamp now, Bytes bytes);
    // A FIN after the queued data; no effect when already closing or gone.
    void close(Timestamp now);
    void abort(Timestamp now);  // a RST now; queued and unacknowledged data are dropped
    void receive(Timestamp now, const Segment& segment);
    void wake(Timestamp now);   // runs the timers due at `now`

    [[nodiscard]] std::optional<Timestamp> next_deadline() const;
    std::vector<Segment> take_outgoing();
    std::vector<EndpointNotice> take_notices();
    [[nodiscard]] TcpState state() const { return state_; }

private:
    [[nodiscard]] std::uint32_t timestamp_clock(Timestamp now) const;
    [[nodiscard]] std::uint16_t advertised_window(bool syn) const;
    [[nodiscard]] std::size_t timestamps_length() const;
    [[nodiscard]] std::vector<SackBlock> sack_blocks(std::size_t space) const;
    [[nodiscard]] bool may_send_data() const;

    Segment make_segment(Timestamp now, std::uint64_t seq, std::uint8_t flags,
                         std::size_t option_space);
    void emit(Segment segment);
    void send_syn(Timestamp now, std::uint8_t flags);
    void send_ack(Timestamp now);
    void send_in_flight(Timestamp now, const SentSegment& sent);
    void send_new_data(Timestamp now);
    void retransmit_oldest(Timestamp now);
    void reply_with_reset(const Segment& segment);

    void receive_syn(Timestamp now, const Segment& segment);
    void receive_syn_ack(Timestamp now, const Segment& segment);
    void receive_synchronized(Timestamp now, const Segment& segment);
    void take_peer_options(const Segment& syn);
    void update_timestamp_echo(const Segment& segment, std::uint64_t seq);
    void receive_ack(Timestamp now, const Segment& segment);
    void receive_payload(std::uint64_t seq, const Segment& segment);
    void after_receiving(Timestamp now);
    void enter_established();
    void enter_closed();
    void notify(NetworkEventKind kind, std::vector<std::uint8_t> data = {});

    TcpSettings settings_;
    std::uint16_t mss_;
    TcpIdentity identity_;
    TcpState state_ = TcpState::Closed;
    TcpSendBuffer send_;
    TcpReceiveBuffer receive_;
    std::uint8_t window_shift_ = 0;  // ours, applied once the peer offered scaling too

    // Learnt from the peer's SYN.
    std::uint16_t peer_mss_ = 536;  // RFC 9293 §3.7.1, when the SYN has no MSS option
    std::uint8_t peer_window_shift_ = 0;
    bool scaling_ = false;
    bool sack_ = false;
    bool timestamps_ = false;
    std::uint64_t peer_window_ = 0;
    std::uint32_t timestamp_echo_ = 0;  // TS.Recent (RFC 7323 §4.3)
    std::uint64_t last_ack_sent_ = 0;

    // Acknowledgement policy.
    std::uint64_t bytes_since_ack_ = 0;
    bool ack_owed_ = false;
    bool ack_now_ = false;
    std::uint64_t latest_seq_received_ = 0;
    std::optional<Timestamp> delayed_ack_deadline_;

    // Retransmission.
    Duration retransmission_timeout_;
    std::optional<Timestamp> retransmission_deadline_;
    std::optional<std::uint64_t> recovery_point_;  // SND.NXT when the timer last expired

    bool closed_by_application_ = false;  // close() or abort()
    bool reset_by_peer_ = false;
    std::vector<Segment> outgoing_;
    std::vector<EndpointNotice> notices_;
};

}  // namespace mqscan::lab::net
