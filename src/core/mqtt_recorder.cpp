#include "core/mqtt_recorder.hpp"

namespace mqscan {

void MqttRecorder::on_mqtt_packet(const MqttPacketEvent& event) {
    ++total_;
    if (event.connection.id >= max_connections_) {
        ++unlisted_;
        return;
    }
    MqttConnectionReport& report = connections_[event.connection.id];
    report.connection = event.connection.id;
    report.version = event.version;
    ++report.packet_count;
    const bool client_connect = event.packet.type == mqtt::PacketType::Connect &&
                                event.dir == Direction::ToServer;
    if (client_connect && !report.connect) report.connect = event.packet;
    if (listed_ >= max_listed_) {
        ++unlisted_;
        return;
    }
    ++listed_;
    report.packets.push_back(
        MqttPacketRecord{event.at.number, event.at.time, event.dir, event.packet, event.malformed});
}

std::vector<MqttConnectionReport> MqttRecorder::take() {
    std::vector<MqttConnectionReport> out;
    out.reserve(connections_.size());
    for (auto& [id, report] : connections_) out.push_back(std::move(report));
    connections_.clear();
    return out;
}

}  // namespace mqscan
