#include "lab/engine/qos_session.hpp"

#include <algorithm>

namespace mqscan::lab {

QosSession::Offer QosSession::offer(Message message, bool online) {
    using Outcome = Offer::Outcome;
    if (message.qos == 0) {
        if (!online) return {};
        return {Outcome::Sent, std::nullopt, publish_packet(message, std::nullopt, false)};
    }
    const bool goes_now = online && queued_.empty() && window_open();
    // As mosquitto: a message is queued while the queue is below its limits, so the last one may pass them.
    if (!goes_now && (queued_.size() >= limits_.max_queued || queued_bytes_ >= limits_.max_queued_bytes))
        return {};
    const std::optional<std::uint16_t> id = allocate_id();
    if (!id) return {};
    if (goes_now) return {Outcome::Sent, id, launch(*id, std::move(message))};
    queued_bytes_ += held_bytes(message);
    queued_.push_back({*id, std::move(message)});
    return {Outcome::Queued, id, std::nullopt};
}

mqtt::Packet QosSession::launch(std::uint16_t id, Message message) {
    mqtt::Packet publish = publish_packet(message, id, false);
    in_flight_[id] = {std::move(message), Step::AwaitingAck, next_order_++};
    return publish;
}

QosSession::Acknowledged QosSession::acknowledge(const mqtt::Packet& ack) {
    using mqtt::PacketType;
    const std::uint16_t id = ack.packet_id.value_or(0);
    const auto found = in_flight_.find(id);
    const bool waiting = found != in_flight_.end();
    const std::uint8_t qos = waiting ? found->second.message.qos : 0;
    const Step step = waiting ? found->second.step : Step::AwaitingAck;
    Acknowledged out;
    const auto complete = [&] {
        in_flight_.erase(found);
        free_id(id);
        out.known = out.completed = true;
    };
    switch (ack.type) {
        case PacketType::Puback:
            if (waiting && qos == 1) complete();
            return out;
        case PacketType::Pubrec:
            // A 5.0 failure code ends the exchange: no PUBREL [MQTT 5.0 §4.3.3].
            if (ack.reason_code.value_or(reason::kSuccess) >= reason::kFirstFailure) {
                if (waiting && qos == 2 && step == Step::AwaitingAck) complete();
                return out;
            }
            if (waiting && qos == 2) {
                found->second.step = Step::AwaitingPubcomp;
                out.known = true;
            }
            out.reply = ack_packet(PacketType::Pubrel, id);
            return out;
        case PacketType::Pubcomp:
            if (waiting && step == Step::AwaitingPubcomp) complete();
            return out;
        default: return out;
    }
}

std::vector<mqtt::Packet> QosSession::resume() {
    std::vector<std::pair<std::uint64_t, mqtt::Packet>> again;
    for (const auto& [id, flight] : in_flight_) {
        mqtt::Packet p = flight.step == Step::AwaitingPubcomp ? ack_packet(mqtt::PacketType::Pubrel, id)
                                                              : publish_packet(flight.message, id, true);
        again.emplace_back(flight.order, std::move(p));
    }
    std::sort(again.begin(), again.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<mqtt::Packet> out;
    for (auto& [order, packet] : again) out.push_back(std::move(packet));
    for (mqtt::Packet& p : send_queued()) out.push_back(std::move(p));
    return out;
}

std::vector<mqtt::Packet> QosSession::send_queued() {
    std::vector<mqtt::Packet> out;
    while (!queued_.empty() && window_open()) {
        Queued next = std::move(queued_.front());
        queued_.pop_front();
        queued_bytes_ -= held_bytes(next.message);
        out.push_back(launch(next.id, std::move(next.message)));
    }
    return out;
}

std::optional<std::uint16_t> QosSession::reserve_id() { return allocate_id(); }

void QosSession::release_id(std::uint16_t id) { free_id(id); }

// The next identifier after the last one given, skipping 0 and those in use
// [MQTT-2.3.1-1, -2]; mosquitto counts the same way (lib/util_mosq.c, mosquitto__mid_generate).
std::optional<std::uint16_t> QosSession::allocate_id() {
    for (std::uint32_t tries = 0; tries < 65535; ++tries) {
        last_id_ = static_cast<std::uint16_t>(last_id_ == 65535 ? 1 : last_id_ + 1);
        if (ids_in_use_.insert(last_id_).second) return last_id_;
    }
    return std::nullopt;
}

QosSession::Arrival QosSession::receive(std::uint16_t id, Message message) {
    if (received_.contains(id)) return Arrival::Duplicate;
    if (received_.size() >= limits_.receive_window) return Arrival::Refused;
    received_.emplace(id, std::move(message));
    return Arrival::Stored;
}

std::optional<Message> QosSession::release(std::uint16_t id) {
    auto node = received_.extract(id);
    if (node.empty()) return std::nullopt;
    return std::move(node.mapped());
}

}  // namespace mqscan::lab
