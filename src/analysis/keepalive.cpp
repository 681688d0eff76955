#include "analysis/keepalive.hpp"

#include <algorithm>
#include <fmt/core.h>

#include "report/time_format.hpp"
#include "mqtt/properties.hpp"

namespace mqscan {
namespace {

using mqtt::PacketType;

constexpr std::uint8_t kKeepAliveTimeout = 0x8D;         // DISCONNECT reason (MQTT 5.0 §3.14.2.1)
constexpr std::int64_t kSecond = 1'000'000'000;
// A client's timer fires a little after the period (its loop, its scheduler):
// up to a second late still counts as keeping to the keepalive.
constexpr std::int64_t kClientSlackNs = kSecond;
// mosquitto 2.0 times clients in whole seconds: it closes when
// now_s - last_in_s > keepalive * 3 / 2 (integer division), so the real
// silence is then more than floor(1.5 x keepalive), at least
// 1.5 x keepalive - 0.5 s for an odd keepalive. A close from that point on is
// the keepalive expiring; the check running only every few seconds makes the
// close later, never earlier.
constexpr std::int64_t kBrokerGranularityNs = kSecond / 2;

std::int64_t seconds(std::uint16_t s) { return static_cast<std::int64_t>(s) * kSecond; }
// 1.5 x the keepalive [MQTT-3.1.2-24], exact in nanoseconds.
std::int64_t grace(std::uint16_t keepalive) { return seconds(keepalive) + seconds(keepalive) / 2; }

std::optional<FrameRef> earliest(std::optional<FrameRef> a, std::optional<FrameRef> b) {
    if (!a) return b;
    if (!b) return a;
    return b->number < a->number ? b : a;
}

// The first FIN or RST one side sent.
std::optional<FrameRef> first_close(const DirectionStats& side) {
    std::optional<FrameRef> close;
    if (side.fin) close = FrameRef{side.fin_frame, side.fin_time};
    if (side.rst) close = earliest(close, FrameRef{side.rst_frame, side.rst_time});
    return close;
}

std::string_view end_words(EndReason ended) {
    return ended == EndReason::Open ? "by the end of the capture" : "before the connection ended";
}

// The keepalive that applies: the 5.0 Server Keep Alive replaces the
// client's [MQTT-3.2.2-21]; none known without CONNECT.
std::optional<std::uint16_t> applied_keepalive(const KeepaliveReport& r, bool connect_seen) {
    if (r.server_keepalive) return r.server_keepalive;
    if (connect_seen) return r.keepalive;
    return std::nullopt;
}

KeepaliveVerdict verdict_of(std::optional<std::uint16_t> keepalive, std::int64_t max_silence_ns) {
    if (!keepalive) return KeepaliveVerdict::Unknown;
    if (*keepalive == 0) return KeepaliveVerdict::Disabled;
    // The slack never reaches past 1.5 x keepalive (keepalive 1 s: 1.5 s, not 2 s).
    if (max_silence_ns <= std::min(seconds(*keepalive) + kClientSlackNs, grace(*keepalive)))
        return KeepaliveVerdict::Respected;
    if (max_silence_ns <= grace(*keepalive)) return KeepaliveVerdict::Late;
    return KeepaliveVerdict::Exceeded;
}

}  // namespace

KeepaliveAnalyzer::KeepaliveAnalyzer(const AnalysisSettings& settings, ReportBuilder& report)
    : settings_(settings), report_(report), reports_(settings.limits.max_connections_listed) {}

KeepaliveAnalyzer::ConnectionState& KeepaliveAnalyzer::state_of(const ConnectionSummary& connection) {
    if (ConnectionState* state = connections_.find(connection.id)) return *state;
    ConnectionState& state = connections_.add(connection.id);
    state.report.connection = connection.id;
    state.start = connection.start;
    return state;
}

// Only the listed connections' records are kept: the others are only judged.
bool KeepaliveAnalyzer::listed(std::uint64_t connection) const {
    return connection < settings_.limits.max_connections_listed;
}

void KeepaliveAnalyzer::on_mqtt_connection(const ConnectionSummary& connection) {
    state_of(connection);
}

// Every packet of the client counts, malformed ones too: the broker's timer
// restarts on any packet received. Only CONNECT's keepalive needs a packet
// decoded whole. Of the broker's packets, only those on_broker_packet reads
// need the connection's state looked up.
void KeepaliveAnalyzer::on_mqtt_packet(const MqttPacketEvent& event) {
    const PacketType type = event.packet.type;
    if (event.dir == Direction::ToServer) {
        on_client_packet(state_of(event.connection), event);
    } else if (type == PacketType::Pingresp || type == PacketType::Connack || type == PacketType::Disconnect) {
        on_broker_packet(state_of(event.connection), event);
    }
}

void KeepaliveAnalyzer::on_client_packet(ConnectionState& state, const MqttPacketEvent& event) {
    const mqtt::Packet& p = event.packet;
    if (p.type == PacketType::Connect && !event.malformed && !state.connect_seen) {
        state.connect_seen = true;
        state.report.keepalive = p.keepalive;
    }
    if (p.type == PacketType::Disconnect) state.client_disconnect = true;
    if (p.type == PacketType::Pingreq) on_pingreq(state, event);
    if (state.client_last) silence(state, event.at);
    state.client_last = event.at;
}

void KeepaliveAnalyzer::on_broker_packet(ConnectionState& state, const MqttPacketEvent& event) {
    const mqtt::Packet& p = event.packet;
    if (p.type == PacketType::Pingresp) on_pingresp(state, event);
    if (p.type == PacketType::Connack && event.version == mqtt::Version::V5) {
        if (const auto server_keepalive = mqtt::property::number(p.properties, mqtt::property::kServerKeepAlive))
            state.report.server_keepalive = static_cast<std::uint16_t>(*server_keepalive);
    }
    // Only 5.0 lets the broker send DISCONNECT (MQTT 5.0 §3.14); absent, the reason is 0x00.
    if (p.type == PacketType::Disconnect && !state.broker_disconnect) {
        state.broker_disconnect = event.at;
        state.broker_disconnect_code = p.reason_code.value_or(0);
    }
}

void KeepaliveAnalyzer::on_pingreq(ConnectionState& state, const MqttPacketEvent& event) {
    KeepaliveReport& r = state.report;
    if (state.pending)
        report_unanswered(state, r.connection,
                          [&] { return fmt::format("before the next PINGREQ (frame {})", event.at.number); });
    ++r.pingreq;
    const Timestamp since = state.client_last ? state.client_last->time : state.start;
    PendingPing pending{event.at, std::nullopt};
    if (listed(r.connection) && r.pings.size() < settings_.limits.max_pings_listed) {
        pending.listed = r.pings.size();
        r.pings.push_back(Ping{event.at.number, event.at.time, event.at.time.ns - since.ns, {}, {}});
    }
    state.pending = pending;
}

// A PINGRESP answers the PINGREQ awaiting one; another is only counted.
void KeepaliveAnalyzer::on_pingresp(ConnectionState& state, const MqttPacketEvent& event) {
    KeepaliveReport& r = state.report;
    ++r.pingresp;
    if (!state.pending) return;
    const std::int64_t latency = event.at.time.ns - state.pending->request.time.ns;
    if (listed(r.connection)) state.response_latency.add(latency);
    if (state.pending->listed) {
        Ping& ping = r.pings[*state.pending->listed];
        ping.response_frame = event.at.number;
        ping.response_ns = latency;
    }
    state.pending.reset();
}

void KeepaliveAnalyzer::report_unanswered(ConnectionState& state, std::uint64_t connection,
                                          const std::function<std::string()>& before) {
    ++state.report.unanswered;
    const FrameRef request = state.pending->request;
    report_.finding(FindingId::PingUnanswered, connection, request.number,
                    [&] { return fmt::format("PINGREQ at frame {} got no PINGRESP {}", request.number, before()); });
    state.pending.reset();
}

// The client's silence from its latest packet to `ended_by` (its next packet, or the broker's close).
void KeepaliveAnalyzer::silence(ConnectionState& state, FrameRef ended_by) {
    const std::int64_t gap = ended_by.time.ns - state.client_last->time.ns;
    if (gap <= state.report.max_client_silence_ns) return;
    state.report.max_client_silence_ns = gap;
    state.report.max_client_silence_frame = ended_by.number;
    state.silence_start_frame = state.client_last->number;
}

// The broker closed the connection when its close (5.0 DISCONNECT, FIN or
// RST) came before any FIN or RST from the client, the client not having sent
// DISCONNECT. Its silence before that close counts; trailing silence while the
// connection stays open does not.
void KeepaliveAnalyzer::conclude(ConnectionState& state, const ConnectionSummary& connection) {
    if (state.pending)
        report_unanswered(state, connection.id, [&] { return std::string(end_words(connection.end_reason)); });
    const std::optional<FrameRef> broker =
        earliest(state.broker_disconnect, first_close(connection.stats(Direction::ToClient)));
    const std::optional<FrameRef> client = first_close(connection.stats(Direction::ToServer));
    const bool broker_closed = broker && !state.client_disconnect && (!client || broker->number < client->number);
    KeepaliveReport& r = state.report;
    const std::optional<std::uint16_t> keepalive = applied_keepalive(r, state.connect_seen);
    if (broker_closed && state.client_last && broker->time > state.client_last->time) {
        silence(state, *broker);
        const std::int64_t before_close = broker->time.ns - state.client_last->time.ns;
        const bool timed = keepalive && *keepalive > 0 && before_close >= grace(*keepalive) - kBrokerGranularityNs;
        // A 5.0 broker may say so itself, whatever keepalive we could see.
        const bool told = state.broker_disconnect_code == kKeepAliveTimeout;
        r.expired = timed || told;
        if (r.expired) r.silence_before_close_ns = before_close;
    }
    r.verdict = verdict_of(keepalive, r.max_client_silence_ns);
    if (listed(connection.id)) r.response_latency = state.response_latency.summary();
    judge(state, connection.id);
}

// Past 1.5 x the keepalive without the broker closing: the broker's timeout
// (when it closed, the lead's conclusions name the expiry instead).
void KeepaliveAnalyzer::judge(ConnectionState& state, std::uint64_t connection) {
    const KeepaliveReport& r = state.report;
    if (r.verdict != KeepaliveVerdict::Exceeded || r.expired) return;
    const std::uint16_t keepalive = r.server_keepalive.value_or(r.keepalive);
    report_.finding(FindingId::KeepaliveExceeded, connection, r.max_client_silence_frame,
                    [&] { return fmt::format("The client was silent for {} between frame {} and frame {}, longer than "
                                "1.5 x its keepalive of {} s [MQTT-3.1.2-24]",
                                latency_text(r.max_client_silence_ns), state.silence_start_frame,
                                r.max_client_silence_frame, keepalive); });
}

void KeepaliveAnalyzer::on_mqtt_end(const ConnectionSummary& connection) {
    ConnectionState* state = connections_.find(connection.id);
    if (state == nullptr) return;
    conclude(*state, connection);
    if (listed(connection.id)) reports_.at(connection.id) = std::move(state->report);
    connections_.erase(connection.id);
}

// The pipeline ends every connection before this; what remains was never
// ended (tests driving events by hand) and is left out.
void KeepaliveAnalyzer::finish(ReportBuilder& report) { report.draft().keepalive = reports_.take(); }

}  // namespace mqscan
