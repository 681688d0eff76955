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

void SessionManager::start_mqtt(Session& session, const ConnectionSummary& connection) {
    session.state = Session::State::Mqtt;
    events_.on_mqtt_connection(connection);
    session.mqtt = std::make_unique<mqtt::MqttDissector>(
        settings_.mqtt, connection, events_,
        [this, id = connection.id](AnomalyId anomaly, std::uint64_t frame, std::string detail) {
            report_.anomaly(anomaly, id, frame, std::move(detail));
        });
}

void SessionManager::start_tls(Session& session, const ConnectionSummary& connection) {
    session.state = Session::State::Tls;
    session.tls = std::make_unique<tls::TlsDissector>(
        settings_.tls, connection, settings_.trust_store,
        [this, id = connection.id](AnomalyId anomaly, std::uint64_t frame, std::string detail) {
            report_.anomaly(anomaly, id, frame, std::move(detail));
        });
}

// The client's first bytes decide (cleartext MQTT on 8883 is MQTT, TLS on
// 1883 is TLS, and both are findings); without them, a TLS record from the
// server, else the server's port.
void SessionManager::choose_dissector(Session& session, const ConnectionSummary& connection,
                                      Direction dir, Bytes bytes, FrameRef at) {
    using mqtt::ProbeResult;
    const std::uint16_t port = connection.server.port;
    const bool mqtt_port = listed(settings_.mqtt.ports, port);
    const bool tls_port = listed(settings_.tls.ports, port);
    ProbeResult mqtt_probe = ProbeResult::No;
    ProbeResult tls_probe = ProbeResult::No;
    if (dir == Direction::ToServer) {
        const std::size_t kept = std::min(bytes.size(), kProbeBytes - session.probe_bytes.size());
        session.probe_bytes.insert(session.probe_bytes.end(), bytes.begin(),
                                   bytes.begin() + static_cast<std::ptrdiff_t>(kept));
        mqtt_probe = mqtt::probe_connect(session.probe_bytes);
        tls_probe = tls::probe_record(session.probe_bytes);
    } else {
        // The server spoke first (the capture started late): a TLS record
        // header reads the same from either side.
        tls_probe = tls::probe_record(bytes);
        if (tls_probe == ProbeResult::NeedMore) tls_probe = ProbeResult::No;
    }
    if (mqtt_probe == ProbeResult::Yes) {
        start_mqtt(session, connection);
        if (tls_port && !mqtt_port)
            report_.anomaly(AnomalyId::MqttCleartextOnTlsPort, connection.id, at.number,
                            fmt::format("port {}", port));
        return;
    }
    if (tls_probe == ProbeResult::Yes) {
        start_tls(session, connection);
        if (mqtt_port && !tls_port)
            report_.anomaly(AnomalyId::TlsOnMqttPort, connection.id, at.number,
                            fmt::format("port {}", port));
        return;
    }
    // A port's own protocol is taken as soon as the other one is ruled out,
    // so that a first packet is not held back (and dated) to a later frame.
    const bool only_port_protocol =
        (mqtt_port && (tls_probe == ProbeResult::No || mqtt::holds_whole_packet(session.probe_bytes))) ||
        (tls_port && mqtt_probe == ProbeResult::No);
    const bool undecided = mqtt_probe == ProbeResult::NeedMore || tls_probe == ProbeResult::NeedMore;
    if (!only_port_protocol && undecided && session.probe_bytes.size() < kProbeBytes &&
        dir == Direction::ToServer)
        return;
    if (mqtt_port) {
        start_mqtt(session, connection);
    } else if (tls_port) {
        start_tls(session, connection);
    } else {
        session.state = Session::State::Unknown;
    }
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
        } else if (probed_before > 0) {
            // Bytes held while the probes waited come first.
            const std::vector<std::uint8_t> held(
                session.probe_bytes.begin(),
                session.probe_bytes.begin() + static_cast<std::ptrdiff_t>(probed_before));
            deliver(session, connection, Direction::ToServer, held, at);
        }
    }
    deliver(session, connection, dir, bytes, at);
}

void SessionManager::on_gap(const ConnectionSummary& connection, Direction dir,
                            std::uint64_t bytes, FrameRef at) {
    Session& session = *sessions_.at(connection.id);
    if (session.state == Session::State::Probing) {
        // The start of the stream is lost: only the port can tell (no client bytes to probe).
        choose_dissector(session, connection, Direction::ToClient, {}, at);
    }
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
    if (session.state == Session::State::Mqtt) {
        fenced(session, connection, at, [&] { session.mqtt->end(at); });
    } else if (session.state == Session::State::Tls) {
        fenced(session, connection, at, [&] { session.tls->end(at); });
        if (session.tls) report_.tls(session.tls->report());
    }
    sessions_.erase(found);
}

}  // namespace mqscan
