#include "analysis/sessions.hpp"

#include <algorithm>

#include "analysis/session_ending.hpp"

namespace mqscan {
namespace {

using mqtt::PacketType;

// 5.0 property identifiers [MQTT-2.2.2.2].
constexpr std::uint8_t kSessionExpiryInterval = 0x11;
constexpr std::uint8_t kAssignedClientIdentifier = 0x12;
constexpr std::uint8_t kServerKeepAlive = 0x13;

const mqtt::Property* find_property(const mqtt::Packet& packet, std::uint8_t id) {
    const auto found = std::find_if(packet.properties.begin(), packet.properties.end(),
                                    [id](const mqtt::Property& p) { return p.id == id; });
    return found == packet.properties.end() ? nullptr : &*found;
}

void read_connect(SessionReport& s, const mqtt::Packet& connect, FrameRef at) {
    s.connect_seen = true;
    s.connect_frame = at.number;
    s.connect_time = at.time;
    s.client_id = connect.client_id;
    s.keepalive = connect.keepalive;
    s.clean_start = connect.clean_session();
    if (const mqtt::Property* p = find_property(connect, kSessionExpiryInterval))
        s.session_expiry = p->number;
    s.username = connect.username;
    s.password = connect.password;
    if (connect.will)
        s.will = WillSummary{connect.will->topic, connect.will->qos, connect.will->retain,
                             static_cast<std::uint32_t>(connect.will->payload.size())};
}

void read_connack(SessionReport& s, const mqtt::Packet& connack, FrameRef at) {
    s.connack_seen = true;
    s.connack_frame = at.number;
    s.connack_code = connack.reason_code;
    s.session_present = connack.session_present;
    if (const mqtt::Property* p = find_property(connack, kAssignedClientIdentifier)) {
        s.client_id = p->text;
        s.client_id_assigned = true;
    }
    if (const mqtt::Property* p = find_property(connack, kServerKeepAlive))
        s.server_keepalive = static_cast<std::uint16_t>(p->number);
}

void read_publish(SessionReport& s, const mqtt::Packet& publish, Direction dir) {
    ++(dir == Direction::ToServer ? s.publishes_to_broker : s.publishes_to_client);
    s.payload_bytes += publish.payload_length;
    const std::string& topic = publish.effective_topic();
    if (s.topics.size() < SessionReport::kTopicsListed &&
        std::find(s.topics.begin(), s.topics.end(), topic) == s.topics.end())
        s.topics.push_back(topic);
}

bool on_listed_port(const AnalysisSettings& settings, std::uint16_t port) {
    const auto listed = [port](const std::vector<std::uint16_t>& ports) {
        return std::find(ports.begin(), ports.end(), port) != ports.end();
    };
    return listed(settings.mqtt.ports) || listed(settings.tls.ports);
}

}  // namespace

SessionAnalyzer::SessionAnalyzer(const AnalysisSettings& settings, ReportBuilder& /*report*/)
    : settings_(settings) {}

SessionReport* SessionAnalyzer::session(const ConnectionSummary& connection) {
    if (connection.id >= settings_.limits.max_connections_listed) return nullptr;
    SessionReport& s = sessions_[connection.id];
    s.connection = connection.id;
    return &s;
}

void SessionAnalyzer::on_mqtt_connection(const ConnectionSummary& connection) { session(connection); }

void SessionAnalyzer::on_mqtt_packet(const MqttPacketEvent& event) {
    SessionReport* s = session(event.connection);
    if (s == nullptr) return;
    const bool to_broker = event.dir == Direction::ToServer;
    ++(to_broker ? s->packets_to_broker : s->packets_to_client);
    s->version = event.version;
    if (event.malformed) return;
    const mqtt::Packet& packet = event.packet;
    switch (packet.type) {
        case PacketType::Connect:
            if (to_broker && !s->connect_seen) read_connect(*s, packet, event.at);
            break;
        case PacketType::Connack:
            if (!to_broker && !s->connack_seen) read_connack(*s, packet, event.at);
            break;
        case PacketType::Publish: read_publish(*s, packet, event.dir); break;
        case PacketType::Disconnect:
            // The first DISCONNECT says how the session ended; the TCP close follows it.
            if (s->ending.frame == 0)
                s->ending = SessionEnding{to_broker ? SessionEnd::ClientDisconnect : SessionEnd::BrokerDisconnect,
                                          packet.reason_code, event.at.number, event.at.time};
            break;
        default: break;
    }
}

void SessionAnalyzer::finish(ReportBuilder& report) {
    CaptureReport& draft = report.draft();
    for (const ConnectionSummary& c : draft.connections) {
        auto found = sessions_.find(c.id);
        if (found == sessions_.end()) {
            // TLS elsewhere (HTTPS, ...) is not presumed to carry MQTT.
            if (!on_listed_port(settings_, c.server.port)) continue;
            const bool tls = find_tls(draft, c.id) != nullptr;
            found = sessions_.emplace(c.id, SessionReport{}).first;
            found->second.connection = c.id;
            found->second.transport = tls ? Transport::Tls : Transport::Undecided;
        }
        SessionReport& s = found->second;
        s.client = c.client;
        s.broker = c.server;
        if (s.ending.frame == 0) s.ending = tcp_ending(c);
        draft.sessions.push_back(std::move(s));
    }
    sessions_.clear();
    std::sort(draft.sessions.begin(), draft.sessions.end(),
              [](const SessionReport& a, const SessionReport& b) { return a.connection < b.connection; });
}

}  // namespace mqscan
