#include "analysis/sessions.hpp"

#include <algorithm>

#include "analysis/session_ending.hpp"
#include "mqtt/properties.hpp"

namespace mqscan {
namespace {

using mqtt::PacketType;

// Strings from the capture are kept up to the payload cap, as in the packet
// listing: 10,000 sessions of 64 KiB client ids must not cost gigabytes.
std::string capped(std::string_view text, std::size_t cap) { return std::string(text.substr(0, cap)); }

std::optional<std::string> capped_optional(const std::optional<std::string>& text, std::size_t cap) {
    if (!text) return std::nullopt;
    return capped(*text, cap);
}

void read_connect(SessionReport& s, const mqtt::Packet& connect, FrameRef at, std::size_t cap) {
    s.connect_seen = true;
    s.connect_frame = at.number;
    s.connect_time = at.time;
    s.client_id = capped(connect.client_id, cap);
    s.keepalive = connect.keepalive;
    s.clean_start = connect.clean_session();
    if (const mqtt::Property* p = mqtt::property::find(connect.properties, mqtt::property::kSessionExpiryInterval))
        s.session_expiry = p->number;
    s.username = capped_optional(connect.username, cap);
    s.password = capped_optional(connect.password, cap);
    if (connect.will)
        s.will = WillSummary{capped(connect.will->topic, cap), connect.will->qos, connect.will->retain,
                             static_cast<std::uint32_t>(connect.will->payload.size())};
}

void read_connack(SessionReport& s, const mqtt::Packet& connack, FrameRef at, std::size_t cap) {
    s.connack_seen = true;
    s.connack_frame = at.number;
    s.connack_code = connack.reason_code;
    s.session_present = connack.session_present;
    if (const mqtt::Property* p = mqtt::property::find(connack.properties, mqtt::property::kAssignedClientIdentifier)) {
        s.client_id = capped(p->text, cap);
        s.client_id_assigned = true;
    }
    if (const mqtt::Property* p = mqtt::property::find(connack.properties, mqtt::property::kServerKeepAlive))
        s.server_keepalive = static_cast<std::uint16_t>(p->number);
}

void read_publish(SessionReport& s, const mqtt::Packet& publish, Direction dir, std::size_t cap) {
    ++(dir == Direction::ToServer ? s.publishes_to_broker : s.publishes_to_client);
    s.payload_bytes += publish.payload_length;
    if (s.topics.size() >= SessionReport::kTopicsListed) return;
    const std::string_view topic = std::string_view(publish.effective_topic()).substr(0, cap);
    if (std::find(s.topics.begin(), s.topics.end(), topic) == s.topics.end()) s.topics.emplace_back(topic);
}

bool on_listed_port(const AnalysisSettings& settings, std::uint16_t port) {
    const auto listed = [port](const std::vector<std::uint16_t>& ports) {
        return std::find(ports.begin(), ports.end(), port) != ports.end();
    };
    return listed(settings.mqtt.ports) || listed(settings.tls.ports);
}

}  // namespace

SessionAnalyzer::SessionAnalyzer(const AnalysisSettings& settings, ReportBuilder& /*report*/)
    : settings_(settings), sessions_(settings.limits.max_connections_listed) {}

SessionReport* SessionAnalyzer::session(const ConnectionSummary& connection) {
    if (connection.id >= settings_.limits.max_connections_listed) return nullptr;
    if (SessionReport* s = sessions_.find(connection.id)) return s;
    SessionReport& s = sessions_.at(connection.id);
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
            if (to_broker && !s->connect_seen) read_connect(*s, packet, event.at, settings_.mqtt.payload_cap);
            break;
        case PacketType::Connack:
            if (!to_broker && !s->connack_seen) read_connack(*s, packet, event.at, settings_.mqtt.payload_cap);
            break;
        case PacketType::Publish: read_publish(*s, packet, event.dir, settings_.mqtt.payload_cap); break;
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
    std::vector<bool> ended;  // by id: the connection's record is in the report
    for (const ConnectionSummary& c : draft.connections) {
        SessionReport* s = sessions_.find(c.id);
        if (s == nullptr) {
            // TLS elsewhere (HTTPS, ...) is not presumed to carry MQTT.
            if (!on_listed_port(settings_, c.server.port)) continue;
            s = &sessions_.at(c.id);
            s->connection = c.id;
            s->transport = find_tls(draft, c.id) != nullptr ? Transport::Tls : Transport::Undecided;
        }
        s->client = c.client;
        s->broker = c.server;
        if (s->ending.frame == 0) s->ending = tcp_ending(c);
        if (c.id >= ended.size()) ended.resize(c.id + 1, false);
        ended[c.id] = true;
    }
    draft.sessions =
        sessions_.take([&ended](const SessionReport& s) { return s.connection < ended.size() && ended[s.connection]; });
}

}  // namespace mqscan
