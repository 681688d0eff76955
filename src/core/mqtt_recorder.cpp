#include "core/mqtt_recorder.hpp"

namespace mqscan {
namespace {

// Lists longer than this are cut in a listed packet.
constexpr std::size_t kListedItems = 64;

bool cap_string(std::string& text, std::size_t cap) {
    if (text.size() <= cap) return false;
    text.resize(cap);
    return true;
}

template <typename T>
bool cap_list(std::vector<T>& items) {
    if (items.size() <= kListedItems) return false;
    items.resize(kListedItems);
    return true;
}

bool cap_properties(std::vector<mqtt::Property>& properties, std::size_t cap, std::size_t& cost) {
    bool trimmed = cap_list(properties);
    for (mqtt::Property& p : properties) {
        trimmed |= cap_string(p.text, cap);
        trimmed |= cap_string(p.value, cap);
        cost += sizeof p + p.text.size() + p.value.size();
    }
    return trimmed;
}

}  // namespace

mqtt::Packet MqttRecorder::listed_copy(const mqtt::Packet& packet, bool& trimmed,
                                       std::size_t& cost) const {
    mqtt::Packet copy = packet;
    cost = sizeof copy;
    trimmed = cap_properties(copy.properties, field_cap_, cost);
    for (std::string* text : {&copy.topic, &copy.client_id, &copy.protocol_name}) {
        trimmed |= cap_string(*text, field_cap_);
        cost += text->size();
    }
    for (auto* text : {&copy.username, &copy.password, &copy.alias_topic})
        if (*text) {
            trimmed |= cap_string(**text, field_cap_);
            cost += (*text)->size();
        }
    cost += copy.payload.size();  // already within the payload cap
    if (copy.will) {
        trimmed |= cap_string(copy.will->topic, field_cap_);
        trimmed |= cap_string(copy.will->payload, field_cap_);
        trimmed |= cap_properties(copy.will->properties, field_cap_, cost);
        cost += copy.will->topic.size() + copy.will->payload.size();
    }
    trimmed |= cap_list(copy.subscriptions);
    trimmed |= cap_list(copy.unsubscribe_filters);
    trimmed |= cap_list(copy.reason_codes);
    for (mqtt::Subscription& s : copy.subscriptions) {
        trimmed |= cap_string(s.filter, field_cap_);
        cost += sizeof s + s.filter.size();
    }
    for (std::string& filter : copy.unsubscribe_filters) {
        trimmed |= cap_string(filter, field_cap_);
        cost += sizeof filter + filter.size();
    }
    cost += copy.reason_codes.size();
    return copy;
}

void MqttRecorder::on_mqtt_connection(const ConnectionSummary& connection) {
    if (connection.id >= max_connections_) return;
    MqttConnectionReport& report = connections_.at(connection.id);
    report.connection = connection.id;
}

void MqttRecorder::on_mqtt_packet(const MqttPacketEvent& event) {
    ++total_;
    if (event.connection.id >= max_connections_) {
        ++unlisted_;
        return;
    }
    MqttConnectionReport& report = connections_.at(event.connection.id);
    report.connection = event.connection.id;
    report.version = event.version;
    report.version_from_connect = event.version_from_connect;
    ++report.packet_count;
    const bool client_connect = event.packet.type == mqtt::PacketType::Connect &&
                                event.dir == Direction::ToServer && !event.malformed;
    const bool wanted = listed_ < max_listed_ || (client_connect && !report.connect);
    if (!wanted || listing_bytes_ >= kListingBudget) {
        ++unlisted_;
        return;
    }
    bool trimmed = false;
    std::size_t cost = 0;
    mqtt::Packet copy = listed_copy(event.packet, trimmed, cost);
    listing_bytes_ += cost;
    if (client_connect && !report.connect) {
        report.connect = copy;
        listing_bytes_ += cost;
    }
    if (listed_ >= max_listed_) {
        ++unlisted_;
        return;
    }
    ++listed_;
    report.packets.push_back(
        MqttPacketRecord{event.at.number, event.at.time, event.dir, std::move(copy), event.malformed, trimmed});
}

std::vector<MqttConnectionReport> MqttRecorder::take() { return connections_.take(); }

}  // namespace mqscan
