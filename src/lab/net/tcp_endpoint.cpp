#include "lab/net/tcp_endpoint.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace mqscan::lab::net {
namespace {

constexpr std::uint32_t kMaxUnscaledWindow = 65535;
constexpr std::uint8_t kMaxWindowShift = 14;  // RFC 7323 §2.3
constexpr std::size_t kTimestampsLength = 12;  // two NOPs, kind, length, two 32-bit values
constexpr Duration kMaxRetransmissionTimeout = std::chrono::seconds(120);  // Linux's TCP_RTO_MAX
constexpr std::int64_t kNanosecondsPerTimestampTick = 1'000'000;  // Linux's 1 ms clock

// The smallest shift that lets the window field say the whole window (RFC 7323 §2.3).
std::uint8_t window_shift_for(std::uint32_t window) {
    std::uint8_t shift = 0;
    while (shift < kMaxWindowShift && (window >> shift) > kMaxUnscaledWindow) ++shift;
    return shift;
}

std::uint32_t wire(std::uint64_t seq) { return static_cast<std::uint32_t>(seq); }

// RFC 9293 §3.4: SEG.LEN counts the SYN and the FIN.
std::uint32_t sequence_length(const Segment& segment) {
    return static_cast<std::uint32_t>(segment.payload.size()) +
           (segment.has(tcp_flags::Syn) ? 1 : 0) + (segment.has(tcp_flags::Fin) ? 1 : 0);
}

}  // namespace

std::string_view to_string(TcpState state) {
    switch (state) {
        case TcpState::Closed: return "CLOSED";
        case TcpState::Listen: return "LISTEN";
        case TcpState::SynSent: return "SYN-SENT";
        case TcpState::SynReceived: return "SYN-RECEIVED";
        case TcpState::Established: return "ESTABLISHED";
        case TcpState::FinWait1: return "FIN-WAIT-1";
        case TcpState::FinWait2: return "FIN-WAIT-2";
        case TcpState::CloseWait: return "CLOSE-WAIT";
        case TcpState::Closing: return "CLOSING";
        case TcpState::LastAck: return "LAST-ACK";
        case TcpState::TimeWait: return "TIME-WAIT";
    }
    return "?";
}

TcpEndpoint::TcpEndpoint(const TcpSettings& settings, std::uint16_t mss, TcpIdentity identity)
    : settings_(settings),
      mss_(mss),
      identity_(identity),
      send_(settings.send_buffer_limit),
      window_shift_(window_shift_for(settings.receive_window)),
      retransmission_timeout_(settings.retransmission_timeout) {
    send_.start(std::uint64_t{identity.initial_sequence} + 1);
}

// ---- Application requests ----

void TcpEndpoint::connect(Timestamp now) {
    state_ = TcpState::SynSent;
    send_syn(now, tcp_flags::Syn);
}

void TcpEndpoint::listen() { state_ = TcpState::Listen; }

void TcpEndpoint::write(Timestamp now, Bytes bytes) {
    if (reset_by_peer_) return;
    if (closed_by_application_ || state_ == TcpState::Closed)
        throw std::logic_error("write on a TCP endpoint that is closed");
    send_.append(bytes);
    send_new_data(now);
}

void TcpEndpoint::close(Timestamp now) {
    if (closed_by_application_ || reset_by_peer_ || state_ == TcpState::Closed) return;
    closed_by_application_ = true;
    send_.queue_fin();
    // RFC 9293 §3.10.4; before the handshake ends, enter_established() does it.
    if (state_ == TcpState::Established) state_ = TcpState::FinWait1;
    if (state_ == TcpState::CloseWait) state_ = TcpState::LastAck;
    send_new_data(now);
}

void TcpEndpoint::abort(Timestamp now) {
    if (reset_by_peer_ || state_ == TcpState::Closed) return;
    closed_by_application_ = true;
    // RFC 9293 §3.10.5: states with a peer that expects more send <SEQ=SND.NXT><CTL=RST>;
    // Linux sets ACK on it too.
    switch (state_) {
        case TcpState::SynReceived:
        case TcpState::Established:
        case TcpState::FinWait1:
        case TcpState::FinWait2:
        case TcpState::CloseWait:
            emit(make_segment(now, send_.next(), tcp_flags::Rst | tcp_flags::Ack,
                              kMaxTcpOptionsLength));
            break;
        default: break;
    }
    enter_closed();
}

// ---- Timers ----

std::optional<Timestamp> TcpEndpoint::next_deadline() const {
    if (delayed_ack_deadline_ && retransmission_deadline_)
        return std::min(*delayed_ack_deadline_, *retransmission_deadline_);
    return delayed_ack_deadline_ ? delayed_ack_deadline_ : retransmission_deadline_;
}

void TcpEndpoint::wake(Timestamp now) {
    if (delayed_ack_deadline_ && *delayed_ack_deadline_ <= now) send_ack(now);
    if (retransmission_deadline_ && *retransmission_deadline_ <= now) {
        // RFC 6298 §5.4-5.6: resend the earliest segment, double the timeout, restart the timer.
        retransmission_deadline_.reset();
        recovery_point_ = send_.next();
        retransmission_timeout_ = std::min(retransmission_timeout_ * 2, kMaxRetransmissionTimeout);
        retransmit_oldest(now);
    }
}

std::vector<Segment> TcpEndpoint::take_outgoing() { return std::exchange(outgoing_, {}); }

std::vector<EndpointNotice> TcpEndpoint::take_notices() { return std::exchange(notices_, {}); }

// ---- Sending ----

std::uint32_t TcpEndpoint::timestamp_clock(Timestamp now) const {
    return identity_.timestamp_offset +
           static_cast<std::uint32_t>(now.ns / kNanosecondsPerTimestampTick);
}

std::uint16_t TcpEndpoint::advertised_window(bool syn) const {
    // RFC 7323 §2.2: the window of a SYN is never scaled.
    if (syn || !scaling_)
        return static_cast<std::uint16_t>(std::min(settings_.receive_window, kMaxUnscaledWindow));
    return static_cast<std::uint16_t>(settings_.receive_window >> window_shift_);
}

std::size_t TcpEndpoint::timestamps_length() const { return timestamps_ ? kTimestampsLength : 0; }

std::vector<SackBlock> TcpEndpoint::sack_blocks(std::size_t space) const {
    std::vector<SackBlock> blocks;
    for (const SequenceRange& range :
         receive_.sack_ranges(latest_seq_received_, sack_blocks_fitting(space)))
        blocks.push_back({wire(range.left), wire(range.right)});
    return blocks;
}

bool TcpEndpoint::may_send_data() const {
    switch (state_) {
        case TcpState::Established:
        case TcpState::CloseWait:
        case TcpState::FinWait1:  // close() came while data still waited for the window
        case TcpState::LastAck:
        case TcpState::Closing:
            return true;
        default:
            return false;
    }
}

Segment TcpEndpoint::make_segment(Timestamp now, std::uint64_t seq, std::uint8_t flags,
                                  std::size_t option_space) {
    Segment segment;
    segment.seq = wire(seq);
    segment.ack = wire(receive_.next());
    segment.flags = flags;
    segment.window = advertised_window(false);
    if (timestamps_)
        segment.options.timestamps = TcpTimestamps{timestamp_clock(now), timestamp_echo_};
    if (sack_) segment.options.sack_blocks = sack_blocks(option_space - timestamps_length());
    return segment;
}

void TcpEndpoint::emit(Segment segment) {
    if (segment.has(tcp_flags::Ack)) last_ack_sent_ = receive_.next();
    bytes_since_ack_ = 0;
    ack_owed_ = false;
    ack_now_ = false;
    delayed_ack_deadline_.reset();
    outgoing_.push_back(std::move(segment));
}

void TcpEndpoint::send_syn(Timestamp now, std::uint8_t flags) {
    // A SYN offers everything; a SYN-ACK answers with what the SYN offered
    // (RFC 7323 §1.3, RFC 2018 §2).
    const bool answer = (flags & tcp_flags::Ack) != 0;
    Segment syn;
    syn.seq = identity_.initial_sequence;
    syn.ack = answer ? wire(receive_.next()) : 0;
    syn.flags = flags;
    syn.window = advertised_window(true);
    syn.options.mss = mss_;
    syn.options.sack_permitted = answer ? sack_ : true;
    if (answer ? timestamps_ : settings_.timestamps)
        syn.options.timestamps = TcpTimestamps{timestamp_clock(now), answer ? timestamp_echo_ : 0};
    if (!answer || scaling_) syn.options.window_shift = window_shift_;
    emit(std::move(syn));
}

void TcpEndpoint::send_ack(Timestamp now) {
    emit(make_segment(now, send_.next(), tcp_flags::Ack, kMaxTcpOptionsLength));
}

void TcpEndpoint::send_in_flight(Timestamp now, const SentSegment& sent) {
    const std::uint8_t flags = tcp_flags::Ack | (sent.push ? tcp_flags::Psh : 0) |
                               (sent.fin ? tcp_flags::Fin : 0);
    // RFC 6691 §2: payload and options together stay within the peer's MSS.
    const std::size_t option_space =
        std::min(kMaxTcpOptionsLength, peer_mss_ - std::size_t{sent.length});
    Segment segment = make_segment(now, sent.seq, flags, option_space);
    segment.payload = send_.payload(sent);
    emit(std::move(segment));
    // RFC 6298 §5.1.
    if (!retransmission_deadline_) retransmission_deadline_ = after(now, retransmission_timeout_);
}

void TcpEndpoint::send_new_data(Timestamp now) {
    if (!may_send_data()) return;
    while (true) {
        const Segment probe = make_segment(now, send_.next(), tcp_flags::Ack, kMaxTcpOptionsLength);
        const std::size_t options_length = encode_tcp_options(probe.options).size();
        const auto sent = send_.send_next(peer_mss_ - options_length, send_.una() + peer_window_);
        if (!sent) return;
        send_in_flight(now, *sent);
    }
}

void TcpEndpoint::retransmit_oldest(Timestamp now) {
    if (const SentSegment* oldest = send_.oldest_in_flight())
        send_in_flight(now, SentSegment(*oldest));
}

void TcpEndpoint::reply_with_reset(const Segment& segment) {
    // RFC 9293 §3.10.7.1. It belongs to no connection state: no options, no timers.
    if (segment.has(tcp_flags::Rst)) return;
    Segment reset;
    if (segment.has(tcp_flags::Ack)) {
        reset.seq = segment.ack;
        reset.flags = tcp_flags::Rst;
    } else {
        reset.ack = segment.seq + sequence_length(segment);
        reset.flags = tcp_flags::Rst | tcp_flags::Ack;
    }
    outgoing_.push_back(std::move(reset));
}

// ---- Receiving ----

void TcpEndpoint::receive(Timestamp now, const Segment& segment) {
    switch (state_) {
        case TcpState::Closed:
            reply_with_reset(segment);
            return;
        case TcpState::Listen:
            if (segment.has(tcp_flags::Syn) && !segment.has(tcp_flags::Ack))
                receive_syn(now, segment);
            else
                reply_with_reset(segment);
            return;
        case TcpState::SynSent:
            receive_syn_ack(now, segment);
            return;
        default:
            receive_synchronized(now, segment);
    }
}

void TcpEndpoint::take_peer_options(const Segment& syn) {
    peer_mss_ = syn.options.mss.value_or(peer_mss_);
    scaling_ = syn.options.window_shift.has_value();
    peer_window_shift_ = scaling_ ? std::min(*syn.options.window_shift, kMaxWindowShift) : 0;
    sack_ = syn.options.sack_permitted;
    timestamps_ = settings_.timestamps && syn.options.timestamps.has_value();
    if (timestamps_) timestamp_echo_ = syn.options.timestamps->value;
    peer_window_ = syn.window;
    receive_.start(std::uint64_t{syn.seq} + 1);
}

void TcpEndpoint::receive_syn(Timestamp now, const Segment& segment) {
    take_peer_options(segment);
    state_ = TcpState::SynReceived;
    send_syn(now, tcp_flags::Syn | tcp_flags::Ack);
}

void TcpEndpoint::receive_syn_ack(Timestamp now, const Segment& segment) {
    // RFC 9293 §3.10.7.3.
    const bool acks_syn = segment.has(tcp_flags::Ack) && segment.ack == wire(send_.una());
    if (segment.has(tcp_flags::Ack) && !acks_syn) return reply_with_reset(segment);
    if (segment.has(tcp_flags::Rst)) {
        if (acks_syn) {
            reset_by_peer_ = true;
            notify(NetworkEventKind::Reset);
            enter_closed();
        }
        return;
    }
    if (!segment.has(tcp_flags::Syn) || !acks_syn) return;
    take_peer_options(segment);
    enter_established();
    notify(NetworkEventKind::Established);
    send_ack(now);
    send_new_data(now);
}

void TcpEndpoint::receive_synchronized(Timestamp now, const Segment& segment) {
    const std::uint64_t seq = receive_.unwrap(segment.seq);
    if (segment.has(tcp_flags::Rst)) {
        // RFC 9293 §3.10.7.4: a RST counts when its sequence number is in the window.
        if (seq >= receive_.next() && seq < receive_.next() + settings_.receive_window) {
            reset_by_peer_ = true;
            notify(NetworkEventKind::Reset);
            enter_closed();
        }
        return;
    }
    if (state_ == TcpState::SynReceived) {
        if (segment.ack != wire(send_.una())) return reply_with_reset(segment);
        enter_established();
        notify(NetworkEventKind::Accepted);
    }
    update_timestamp_echo(segment, seq);
    receive_ack(now, segment);
    if (state_ == TcpState::Closed) return;
    if (!segment.payload.empty() || segment.has(tcp_flags::Fin)) receive_payload(seq, segment);
    after_receiving(now);
}

void TcpEndpoint::update_timestamp_echo(const Segment& segment, std::uint64_t seq) {
    // RFC 7323 §4.3: echo the newest timestamp of a segment that is not ahead of our ACKs.
    if (!timestamps_ || !segment.options.timestamps) return;
    const std::uint32_t value = segment.options.timestamps->value;
    if (static_cast<std::int32_t>(value - timestamp_echo_) >= 0 && seq <= last_ack_sent_)
        timestamp_echo_ = value;
}

void TcpEndpoint::receive_ack(Timestamp now, const Segment& segment) {
    const auto distance = static_cast<std::int32_t>(segment.ack - wire(send_.una()));
    const std::uint64_t ack = send_.una() + static_cast<std::uint64_t>(std::int64_t{distance});
    // RFC 9293 §3.10.7.4: an ACK of what was never sent is answered with an ACK and ignored.
    if (ack > send_.next()) {
        ack_now_ = true;
        return;
    }
    peer_window_ = std::uint64_t{segment.window} << peer_window_shift_;
    if (ack <= send_.una()) return;
    send_.acknowledge(ack);
    // RFC 6298 §5.2-5.3, and the timeout back to its base once something new is acknowledged.
    retransmission_timeout_ = settings_.retransmission_timeout;
    retransmission_deadline_.reset();
    if (recovery_point_ && ack < *recovery_point_)
        retransmit_oldest(now);  // a partial acknowledgment: the segment there was lost as well
    else
        recovery_point_.reset();
    if (!send_.all_acked() && !retransmission_deadline_)
        retransmission_deadline_ = after(now, retransmission_timeout_);
    if (send_.fin_acked()) {
        if (state_ == TcpState::FinWait1) state_ = TcpState::FinWait2;
        if (state_ == TcpState::Closing) state_ = TcpState::TimeWait;
        if (state_ == TcpState::LastAck) enter_closed();
    }
}

void TcpEndpoint::receive_payload(std::uint64_t seq, const Segment& segment) {
    // RFC 9293 §3.10.7.4: nothing is kept past the receive window (this bounds
    // what waits beyond gaps).
    if (seq + segment.payload.size() > receive_.next() + settings_.receive_window) {
        ack_now_ = true;
        return;
    }
    latest_seq_received_ = seq;
    ReceiveOutcome outcome = receive_.receive(seq, segment.payload, segment.has(tcp_flags::Fin));
    if (outcome.out_of_order || outcome.duplicate || outcome.filled_gap) ack_now_ = true;
    if (!outcome.delivered.empty()) {
        bytes_since_ack_ += outcome.delivered.size();
        ack_owed_ = true;
        notify(NetworkEventKind::Data, std::move(outcome.delivered));
    }
    if (outcome.fin) {
        ack_owed_ = true;
        if (send_.fin_sent()) ack_now_ = true;
        notify(NetworkEventKind::PeerClosed);
        if (state_ == TcpState::Established) state_ = TcpState::CloseWait;
        else if (state_ == TcpState::FinWait1) state_ = TcpState::Closing;
        else if (state_ == TcpState::FinWait2) state_ = TcpState::TimeWait;
    }
}

void TcpEndpoint::after_receiving(Timestamp now) {
    send_new_data(now);  // also carries any ACK owed
    const std::uint64_t full_segment = mss_ - timestamps_length();
    if (ack_now_ || bytes_since_ack_ >= 2 * full_segment)
        send_ack(now);
    else if (ack_owed_ && !delayed_ack_deadline_)
        delayed_ack_deadline_ = after(now, settings_.delayed_ack);
    ack_now_ = false;
}

void TcpEndpoint::enter_established() {
    state_ = send_.fin_queued() ? TcpState::FinWait1 : TcpState::Established;
}

void TcpEndpoint::enter_closed() {
    state_ = TcpState::Closed;
    retransmission_deadline_.reset();
    delayed_ack_deadline_.reset();
    ack_owed_ = false;
}

void TcpEndpoint::notify(NetworkEventKind kind, std::vector<std::uint8_t> data) {
    notices_.push_back({kind, std::move(data)});
}

}  // namespace mqscan::lab::net
