#include "core/session_manager.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/core.h>
#include <vector>

#include "mqtt/probe.hpp"
#include "tls/probe.hpp"

namespace mqscan {
namespace {

// A client's first bytes wait this long for the probes to decide.
constexpr std::size_t kProbeBytes = 16;

bool listed(const std::vector<std::uint16_t>& ports, std::uint16_t port) {
    return std::find(ports.begin(), ports.end(), port) != ports.end();
}

}  // namespace

struct SessionManager::Session {
    enum class State { Probing, Mqtt, Tls, Unknown, Failed } state = State::Probing;
    std::vector<std::uint8_t> probe_bytes;  // the client's first bytes while the probes need more
    std::unique_ptr<mqtt::MqttDissector> mqtt;
    std::unique_ptr<tls::TlsDissector> tls;
    bool mqtt_announced = false;  // on_mqtt_connection was sent: on_mqtt_end will be
};

SessionManager::SessionManager(const AnalysisSettings& settings, ReportBuilder& report,
                               EventSink& events)
    : settings_(settings), report_(report), events_(events) {}

SessionManager::~SessionManager() = default;

void SessionManager::on_connection_start(const ConnectionSummary& connection) {
    auto session = std::make_unique<Session>();
    if (!settings_.dissect) session->state = Session::State::Unknown;
    sessions_[connection.id] = std::move(session);
}

void SessionManager::start_mqtt(Session& session, const ConnectionSummary& connection, FrameRef at) {
    session.state = Session::State::Mqtt;
    const std::uint16_t port = connection.server.port;
    if (listed(settings_.tls.ports, port) && !listed(settings_.mqtt.ports, port))
        report_.anomaly(AnomalyId::MqttCleartextOnTlsPort, connection.id, at.number,
                        fmt::format("port {}", port));
    session.mqtt_announced = true;
    events_.on_mqtt_connection(connection);
    session.mqtt = std::make_unique<mqtt::MqttDissector>(
        settings_.mqtt, connection, events_,
        [this, id = connection.id](AnomalyId anomaly, std::uint64_t frame, std::string detail) {
            report_.anomaly(anomaly, id, frame, std::move(detail));
        });
}

void SessionManager::start_tls(Session& session, const ConnectionSummary& connection, FrameRef at) {
    session.state = Session::State::Tls;
    const std::uint16_t port = connection.server.port;
    if (listed(settings_.mqtt.ports, port) && !listed(settings_.tls.ports, port))
        report_.anomaly(AnomalyId::TlsOnMqttPort, connection.id, at.number, fmt::format("port {}", port));
    session.tls = std::make_unique<tls::TlsDissector>(
        settings_.tls, connection, settings_.trust_store,
        [this, id = connection.id](AnomalyId anomaly, std::uint64_t frame, std::string detail) {
            report_.anomaly(anomaly, id, frame, std::move(detail));
        },
        &events_);
}

// The client's first bytes decide (cleartext MQTT on 8883 is MQTT, TLS on
// 1883 is TLS, and both are findings); without them, a TLS record from the
// server, else the server's port. `bytes` (client bytes are held in
// probe_bytes) may be empty: a gap or the end forces the decision.
void SessionManager::choose_dissector(Session& session, const ConnectionSummary& connection,
                                      Direction dir, Bytes bytes, FrameRef at) {
    using mqtt::ProbeResult;
    const std::uint16_t port = connection.server.port;
    const bool mqtt_port = listed(settings_.mqtt.ports, port);
    const bool tls_port = listed(settings_.tls.ports, port);
    if (dir == Direction::ToServer) {
        const std::size_t kept = std::min(bytes.size(), kProbeBytes - session.probe_bytes.size());
        session.probe_bytes.insert(session.probe_bytes.end(), bytes.begin(),
                                   bytes.begin() + static_cast<std::ptrdiff_t>(kept));
    }
    const Bytes held(session.probe_bytes);
    const ProbeResult mqtt_probe = held.empty() ? ProbeResult::No : mqtt::probe_connect(held);
    ProbeResult tls_probe = held.empty() ? ProbeResult::No : tls::probe_record(held);
    // The server spoke first (the capture started late): a TLS record
    // header reads the same from either side.
    if (dir == Direction::ToClient && tls_probe != ProbeResult::Yes && tls::probe_record(bytes) == ProbeResult::Yes)
        tls_probe = ProbeResult::Yes;
    if (mqtt_probe == ProbeResult::Yes) return start_mqtt(session, connection, at);
    if (tls_probe == ProbeResult::Yes) return start_tls(session, connection, at);
    // A port's own protocol is taken as soon as the other one is ruled out,
    // so that a first packet is not held back (and dated) to a later frame.
    if (mqtt_port && (tls_probe == ProbeResult::No || mqtt::holds_whole_packet(held)))
        return start_mqtt(session, connection, at);
    if (tls_port && mqtt_probe == ProbeResult::No) return start_tls(session, connection, at);
    const bool undecided = mqtt_probe == ProbeResult::NeedMore || tls_probe == ProbeResult::NeedMore;
    if (undecided && held.size() < kProbeBytes && dir == Direction::ToServer && !bytes.empty()) return;
    // Deciding now: on an MQTT or TLS port, bytes that can only start the
    // other protocol outweigh the port.
    if ((mqtt_port || tls_port) && mqtt_probe == ProbeResult::NeedMore && tls_probe == ProbeResult::No)
        return start_mqtt(session, connection, at);
    if ((mqtt_port || tls_port) && tls_probe == ProbeResult::NeedMore && mqtt_probe == ProbeResult::No)
        return start_tls(session, connection, at);
    if (mqtt_port) {
        start_mqtt(session, connection, at);
    } else if (tls_port) {
        start_tls(session, connection, at);
    } else {
        session.state = Session::State::Unknown;
    }
}

// A gap or the end while the probes wait: decide with what is held, and hand it over.
void SessionManager::settle(Session& session, const ConnectionSummary& connection, FrameRef at) {
    choose_dissector(session, connection, Direction::ToClient, {}, at);
    flush_held(session, connection, session.probe_bytes.size(), at);
}

// The first `count` held bytes go to the dissector chosen, before anything newer.
void SessionManager::flush_held(Session& session, const ConnectionSummary& connection, std::size_t count,
                                FrameRef at) {
    if (count == 0) return;
    const std::vector<std::uint8_t> held(session.probe_bytes.begin(),
                                         session.probe_bytes.begin() + static_cast<std::ptrdiff_t>(count));
    deliver(session, connection, Direction::ToServer, held, at);
}

template <typename Call>
void SessionManager::fenced(Session& session, const ConnectionSummary& connection, FrameRef at,
                            Call call) {
    try {
        call();
    } catch (const std::exception& e) {
#ifdef MQSCAN_ABORT_ON_EXCEPTION
        (void)e;
        std::abort();  // fuzzing: a surprise is a finding
#else
        session.state = Session::State::Failed;
        session.mqtt.reset();
        session.tls.reset();
        report_.anomaly(AnomalyId::InternalException, connection.id, at.number, e.what());
#endif
    }
}

void SessionManager::deliver(Session& session, const ConnectionSummary& connection, Direction dir,
                             Bytes bytes, FrameRef at) {
    if (session.state == Session::State::Mqtt) {
        fenced(session, connection, at, [&] { session.mqtt->feed(dir, bytes, at); });
    } else if (session.state == Session::State::Tls) {
        fenced(session, connection, at, [&] { session.tls->feed(dir, bytes, at); });
    }
}

void SessionManager::on_data(const ConnectionSummary& connection, Direction dir, Bytes bytes,
                             FrameRef at) {
    Session& session = *sessions_.at(connection.id);
    if (session.state == Session::State::Probing) {
        const std::size_t probed_before = session.probe_bytes.size();
        choose_dissector(session, connection, dir, bytes, at);
        if (session.state == Session::State::Probing) {
            if (dir == Direction::ToServer && probed_before + bytes.size() <= kProbeBytes)
                return;  // every byte is held in probe_bytes
        } else {
            flush_held(session, connection, probed_before, at);
        }
    }
    deliver(session, connection, dir, bytes, at);
}

void SessionManager::on_gap(const ConnectionSummary& connection, Direction dir,
                            std::uint64_t bytes, FrameRef at) {
    Session& session = *sessions_.at(connection.id);
    if (session.state == Session::State::Probing) settle(session, connection, at);
    if (session.state == Session::State::Mqtt) {
        fenced(session, connection, at, [&] { session.mqtt->gap(dir, bytes, at); });
    } else if (session.state == Session::State::Tls) {
        fenced(session, connection, at, [&] { session.tls->gap(dir, bytes, at); });
    }
}

void SessionManager::on_end(const ConnectionSummary& connection) {
    auto found = sessions_.find(connection.id);
    Session& session = *found->second;
    const FrameRef at{connection.last_frame, connection.end};
    if (session.state == Session::State::Probing) settle(session, connection, at);
    if (session.state == Session::State::Mqtt) {
        fenced(session, connection, at, [&] { session.mqtt->end(at); });
    } else if (session.state == Session::State::Tls) {
        fenced(session, connection, at, [&] { session.tls->end(at); });
        if (session.tls) report_.tls(session.tls->report());
    }
    if (session.mqtt_announced) events_.on_mqtt_end(connection);
    sessions_.erase(found);
}

}  // namespace mqscan
