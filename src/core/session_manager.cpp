#include "core/session_manager.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/core.h>
#include <vector>

#include "mqtt/probe.hpp"

namespace mqscan {
namespace {

// A client's first bytes wait this long for the probe to decide.
constexpr std::size_t kProbeBytes = 16;

}  // namespace

struct SessionManager::Session {
    enum class State { Probing, Mqtt, Unknown, Failed } state = State::Probing;
    std::vector<std::uint8_t> probe_bytes;  // the client's first bytes while the probe needs more
    std::unique_ptr<mqtt::MqttDissector> mqtt;
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

void SessionManager::choose_dissector(Session& session, const ConnectionSummary& connection,
                                      Direction dir, Bytes bytes) {
    const auto& ports = settings_.mqtt.ports;
    const bool mqtt_port = std::find(ports.begin(), ports.end(), connection.server.port) != ports.end();
    mqtt::ProbeResult probe = mqtt::ProbeResult::No;
    if (dir == Direction::ToServer) {
        const std::size_t kept = std::min(bytes.size(), kProbeBytes);
        session.probe_bytes.insert(session.probe_bytes.end(), bytes.begin(),
                                   bytes.begin() + static_cast<std::ptrdiff_t>(kept));
        probe = mqtt::probe_connect(session.probe_bytes);
    }
    if (probe == mqtt::ProbeResult::Yes || mqtt_port) {
        session.state = Session::State::Mqtt;
        events_.on_mqtt_connection(connection);
        session.mqtt = std::make_unique<mqtt::MqttDissector>(
            settings_.mqtt, connection, events_,
            [this, id = connection.id](AnomalyId anomaly, std::uint64_t frame, std::string detail) {
                report_.anomaly(anomaly, id, frame, std::move(detail));
            });
    } else if (probe == mqtt::ProbeResult::No || session.probe_bytes.size() >= kProbeBytes) {
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
        report_.anomaly(AnomalyId::InternalException, connection.id, at.number, e.what());
#endif
    }
}

void SessionManager::on_data(const ConnectionSummary& connection, Direction dir, Bytes bytes,
                             FrameRef at) {
    Session& session = *sessions_.at(connection.id);
    if (session.state == Session::State::Probing) {
        const std::size_t probed_before = session.probe_bytes.size();
        choose_dissector(session, connection, dir, bytes);
        if (session.state == Session::State::Mqtt && probed_before > 0) {
            // Bytes held while the probe waited come first.
            const std::vector<std::uint8_t> held(session.probe_bytes.begin(),
                                                 session.probe_bytes.begin() + static_cast<std::ptrdiff_t>(probed_before));
            fenced(session, connection, at, [&] { session.mqtt->feed(Direction::ToServer, held, at); });
        }
        if (session.state == Session::State::Probing && dir == Direction::ToServer &&
            bytes.size() <= kProbeBytes)
            return;  // every byte is held in probe_bytes
    }
    if (session.state != Session::State::Mqtt) return;
    fenced(session, connection, at, [&] { session.mqtt->feed(dir, bytes, at); });
}

void SessionManager::on_gap(const ConnectionSummary& connection, Direction dir,
                            std::uint64_t bytes, FrameRef at) {
    Session& session = *sessions_.at(connection.id);
    if (session.state == Session::State::Probing) {
        // The start of the stream is lost: only the port can tell (no client bytes to probe).
        choose_dissector(session, connection, Direction::ToClient, {});
    }
    if (session.state != Session::State::Mqtt) return;
    fenced(session, connection, at, [&] { session.mqtt->gap(dir, bytes, at); });
}

void SessionManager::on_end(const ConnectionSummary& connection) {
    auto found = sessions_.find(connection.id);
    Session& session = *found->second;
    if (session.state == Session::State::Mqtt) {
        const FrameRef at{connection.last_frame, connection.end};
        fenced(session, connection, at, [&] { session.mqtt->end(at); });
    }
    sessions_.erase(found);
}

}  // namespace mqscan
