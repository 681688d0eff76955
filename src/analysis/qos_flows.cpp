#include "analysis/qos_flows.hpp"

#include <algorithm>
#include <tuple>
#include <fmt/core.h>

namespace mqscan {
namespace {

using mqtt::PacketType;

// A 5.0 PUBACK or PUBREC with a reason code of 0x80 or more refuses the
// message: the exchange ends there (MQTT 5.0 §3.4.2.1, §3.5.2.1, §4.3.2, §4.3.3).
constexpr std::uint8_t kFirstFailureCode = 0x80;

bool is_flow_step(PacketType t) {
    return t == PacketType::Puback || t == PacketType::Pubrec || t == PacketType::Pubrel ||
           t == PacketType::Pubcomp;
}

// The PUBLISH's direction: PUBREL goes the PUBLISH's way, the other acks the other way.
Direction publish_direction(PacketType step, Direction dir) {
    return step == PacketType::Pubrel ? dir : opposite(dir);
}

std::string_view sides(Direction dir) {
    return dir == Direction::ToServer ? "client -> broker" : "broker -> client";
}

bool refusal(const MqttPacketEvent& event) {
    const auto& code = event.packet.reason_code;
    return event.version == mqtt::Version::V5 && code && *code >= kFirstFailureCode;
}

std::string_view end_words(EndReason ended) {
    return ended == EndReason::Open ? "by the end of the capture" : "before the connection ended";
}

// "QoS 2 PUBLISH id 7 on 'ciel' (frame 12, client -> broker)"
std::string describe_publish(std::uint16_t packet_id, std::uint8_t qos, const std::string& topic,
                             std::uint64_t frame, Direction dir) {
    return fmt::format("QoS {} PUBLISH id {} on '{}' (frame {}, {})", qos, packet_id, topic, frame,
                       sides(dir));
}

// "PUBREC at frame 13, PUBREL at frame 14": the steps after the first PUBLISH.
std::string later_steps(const QosStep* begin, const QosStep* end) {
    std::string text;
    for (const QosStep* s = begin; s != end; ++s) {
        if (!text.empty()) text += ", ";
        text += fmt::format("{}{} at frame {}", mqtt::to_string(s->type), s->dup ? " (DUP)" : "",
                            s->frame);
    }
    return text;
}

}  // namespace

QosFlowAnalyzer::QosFlowAnalyzer(const AnalysisSettings& settings, ReportBuilder& report)
    : settings_(settings), report_(report), per_connection_(settings.limits.max_connections_listed) {
    reserve_limit(listed_, settings.limits.max_qos_flows_listed);
}

// Topics are kept, like payloads, to the payload cap.
std::string_view QosFlowAnalyzer::shortened(const mqtt::Packet& publish) const {
    return std::string_view(publish.effective_topic()).substr(0, settings_.mqtt.payload_cap);
}

bool QosFlowAnalyzer::listed_connection(std::uint64_t connection) const {
    return connection < settings_.limits.max_connections_listed;
}

// A malformed packet is followed when its packet id was decoded: the fields
// before the id (the fixed header's type and QoS, a PUBLISH's topic) were
// decoded too, and a reason code present was read whole; only the fields
// after it (properties, payload) may be missing. Without an id it is ignored.
void QosFlowAnalyzer::on_mqtt_packet(const MqttPacketEvent& event) {
    const mqtt::Packet& p = event.packet;
    if (!p.packet_id) return;
    if (p.type == PacketType::Publish && (p.qos == 1 || p.qos == 2)) {
        on_publish(event, *p.packet_id);
    } else if (is_flow_step(p.type)) {
        on_step(event, *p.packet_id);
    }
}

std::uint32_t QosFlowAnalyzer::find_flow(const FlowKey& key) const {
    const std::uint32_t* slot = in_flight_.find(key);
    return slot == nullptr ? kNoFlow : *slot;
}

void QosFlowAnalyzer::on_publish(const MqttPacketEvent& event, std::uint16_t packet_id) {
    const FlowKey key{event.connection.id, event.dir, packet_id};
    ConnectionTally& tally = connections_.get(key.connection);
    const std::uint32_t found = find_flow(key);
    if (found != kNoFlow) {
        OpenFlow& flow = flows_[found];
        // The same message sent again, DUP set [MQTT-3.3.1-1]: part of the same flow.
        const bool same_message = event.packet.qos == flow.qos && shortened(event.packet) == flow.topic;
        if (event.packet.dup && same_message) {
            ++flow.retransmissions;
            ++totals_.retransmissions;
            ++tally.totals.retransmissions;
            record_step(flow, event, true);
            return;
        }
        // A new message on an id still in flight [MQTT-2.3.1-2, MQTT-2.3.1-4]
        // (5.0: [MQTT-2.2.1-3]): the old flow ends here, unfinished; the reuse
        // finding says so, in place of the incomplete one.
        ++totals_.packet_id_reused;
        ++tally.totals.packet_id_reused;
        report_reuse(event, flow);
        close(found, FlowStatus::Incomplete, tally);
    }
    start_flow(event, key, tally);
}

void QosFlowAnalyzer::start_flow(const MqttPacketEvent& event, const FlowKey& key,
                                 ConnectionTally& tally) {
    if (in_flight_.size() >= settings_.limits.max_qos_in_flight) {
        ++flows_untracked_;
        if (!tally.untracked)
            report_.anomaly(AnomalyId::AnalysisQosInFlightLimit, key.connection, event.at.number,
                            fmt::format("{} QoS exchanges in flight", in_flight_.size()));
        tally.untracked = true;
        return;
    }
    const std::uint32_t slot = flows_.add();
    *in_flight_.try_emplace(key).first = slot;
    // A reused slot keeps its topic's capacity; every other field is set anew.
    OpenFlow& flow = flows_[slot];
    const mqtt::Packet& p = event.packet;
    flow.key = key;
    flow.qos = p.qos;
    flow.expected = p.qos == 1 ? PacketType::Puback : PacketType::Pubrec;
    flow.payload_length = p.payload_length;
    flow.retransmissions = 0;
    flow.step_count = 0;
    flow.topic.assign(shortened(p));
    flow.slot.reset();
    // Linked last: the connection's flows stay in the order they started.
    flow.previous = tally.last_open;
    flow.next = kNoFlow;
    if (tally.last_open == kNoFlow) {
        tally.first_open = slot;
    } else {
        flows_[tally.last_open].next = slot;
    }
    tally.last_open = slot;
    // A DUP PUBLISH starting a flow was sent before, out of the capture (or on
    // a previous connection of a resumed session): still a retransmission.
    if (p.dup) {
        ++flow.retransmissions;
        ++totals_.retransmissions;
        ++tally.totals.retransmissions;
    }
    record_step(flow, event, p.dup);
    // The listing slot is taken now, in PUBLISH order, though flows end in any order.
    if (listed_connection(key.connection) && listed_.size() < settings_.limits.max_qos_flows_listed) {
        flow.slot = listed_.size();
        listed_.emplace_back();
    } else {
        ++flows_unlisted_;
    }
}

// Past kStepsListed steps, the last slot keeps the newest step, so that the
// listing always shows how the flow ended.
void QosFlowAnalyzer::record_step(OpenFlow& flow, const MqttPacketEvent& event, bool dup) {
    const std::size_t at = std::min<std::size_t>(flow.step_count, flow.steps.size() - 1);
    QosStep& step = flow.steps[at];
    step.type = event.packet.type;
    step.frame = event.at.number;
    step.time = event.at.time;
    step.dup = dup;
    step.reason_code = event.version == mqtt::Version::V5 ? event.packet.reason_code : std::nullopt;
    if (flow.step_count < flow.steps.size()) ++flow.step_count;
}

void QosFlowAnalyzer::on_step(const MqttPacketEvent& event, std::uint16_t packet_id) {
    const PacketType type = event.packet.type;
    const FlowKey key{event.connection.id, publish_direction(type, event.dir), packet_id};
    ConnectionTally& tally = connections_.get(key.connection);
    const std::uint32_t found = find_flow(key);
    OpenFlow* flow = found == kNoFlow ? nullptr : &flows_[found];
    const StepFit fit = flow == nullptr ? StepFit::None : take_step(*flow, event);
    if (fit == StepFit::None) {
        report_stray(event, key, flow, tally);
    } else if (fit == StepFit::Repeat && type == PacketType::Pubrel) {
        // A PUBREL sent again while its PUBCOMP is awaited (MQTT 3.1.1 §4.3.3, §4.4).
        ++flow->retransmissions;
        ++totals_.retransmissions;
        ++tally.totals.retransmissions;
    } else if (fit == StepFit::Next && refusal(event) && type != PacketType::Pubrel) {
        report_refused(*flow);
        close(found, FlowStatus::Refused, tally);
    } else if (fit == StepFit::Next && (type == PacketType::Puback || type == PacketType::Pubcomp)) {
        close(found, FlowStatus::Complete, tally);
    }
}

// The expected step moves the flow on. A step already taken may come again:
// a PUBREL re-sent, a PUBREC answering a DUP PUBLISH. Both are listed; the
// flow keeps waiting for its next step.
QosFlowAnalyzer::StepFit QosFlowAnalyzer::take_step(OpenFlow& flow, const MqttPacketEvent& event) {
    const PacketType type = event.packet.type;
    if (type == flow.expected) {
        record_step(flow, event, false);
        if (type == PacketType::Pubrec) flow.expected = PacketType::Pubrel;
        if (type == PacketType::Pubrel) flow.expected = PacketType::Pubcomp;
        return StepFit::Next;
    }
    const bool repeat = flow.qos == 2 && (type == PacketType::Pubrec || type == PacketType::Pubrel) &&
                        type < flow.expected;
    if (!repeat) return StepFit::None;
    record_step(flow, event, false);
    return StepFit::Repeat;
}

void QosFlowAnalyzer::report_reuse(const MqttPacketEvent& event, const OpenFlow& old) {
    const FlowKey& key = old.key;
    report_.finding(
        FindingId::QosPacketIdReused, key.connection, event.at.number,
        [&] { return fmt::format("{} reuses the id of the QoS {} PUBLISH on '{}' at frame {}, still waiting for its {}",
                    describe_publish(key.packet_id, event.packet.qos, event.packet.effective_topic(),
                                     event.at.number, key.dir),
                    old.qos, old.topic, old.steps[0].frame, mqtt::to_string(old.expected)); });
}

// An ack that answers nothing in flight. On a connection where flows went
// unfollowed (in-flight limit), it most likely answers one of them: not counted.
void QosFlowAnalyzer::report_stray(const MqttPacketEvent& event, const FlowKey& key,
                                   const OpenFlow* waiting, ConnectionTally& tally) {
    if (tally.untracked) return;
    ++totals_.ack_without_publish;
    ++tally.totals.ack_without_publish;
    report_.finding(FindingId::QosAckWithoutPublish, key.connection, event.at.number, [&] {
        const std::string ack = fmt::format("{} id {} (frame {}, {})", mqtt::to_string(event.packet.type),
                                            key.packet_id, event.at.number, sides(event.dir));
        if (waiting == nullptr)
            return fmt::format("{} matches no PUBLISH in flight: the capture probably started late, or a "
                               "session resumed",
                               ack);
        return fmt::format("{} does not fit the QoS {} PUBLISH at frame {}, which waits for a {}", ack,
                           waiting->qos, waiting->steps[0].frame, mqtt::to_string(waiting->expected));
    });
}

void QosFlowAnalyzer::report_refused(const OpenFlow& flow) {
    const FlowKey& key = flow.key;
    const QosStep& first = flow.steps[0];
    const QosStep& refusal = flow.steps[flow.step_count - 1];
    report_.finding(FindingId::QosFlowRefused, key.connection, first.frame,
                    [&] { return fmt::format("{} refused: {} at frame {} with reason code {:#04x}",
                                describe_publish(key.packet_id, flow.qos, flow.topic, first.frame, key.dir),
                                mqtt::to_string(refusal.type), refusal.frame,
                                refusal.reason_code.value_or(0)); });
}

void QosFlowAnalyzer::report_incomplete(const OpenFlow& flow, EndReason ended) {
    const FlowKey& key = flow.key;
    const QosStep& first = flow.steps[0];
    report_.finding(FindingId::QosFlowIncomplete, key.connection, first.frame, [&] {
        const std::string steps = later_steps(flow.steps.data() + 1, flow.steps.data() + flow.step_count);
        return fmt::format("{}: {}{}no {} {}",
                           describe_publish(key.packet_id, flow.qos, flow.topic, first.frame, key.dir), steps,
                           steps.empty() ? "" : ", ", mqtt::to_string(flow.expected), end_words(ended));
    });
}

void QosFlowAnalyzer::close(std::uint32_t slot, FlowStatus status, ConnectionTally& tally) {
    OpenFlow& flow = flows_[slot];
    std::optional<std::int64_t> latency;
    if (status == FlowStatus::Complete)
        latency = flow.steps[flow.step_count - 1].time.ns - flow.steps[0].time.ns;
    count(tally, flow, status, latency);
    if (flow.slot) list(flow, status, latency);
    (flow.previous == kNoFlow ? tally.first_open : flows_[flow.previous].next) = flow.next;
    (flow.next == kNoFlow ? tally.last_open : flows_[flow.next].previous) = flow.previous;
    in_flight_.erase(flow.key);
    flows_.remove(slot);
}

void QosFlowAnalyzer::count(ConnectionTally& tally, const OpenFlow& flow, FlowStatus status,
                            std::optional<std::int64_t> latency) {
    for (QosTotals* t : {&totals_, &tally.totals}) {
        ++t->flows;
        ++(flow.qos == 1 ? t->qos1 : t->qos2);
        ++(status == FlowStatus::Complete     ? t->complete
           : status == FlowStatus::Incomplete ? t->incomplete
                                              : t->refused);
    }
    if (latency) {
        latency_.add(*latency);
        if (listed_connection(flow.key.connection)) tally.latency.add(*latency);
    }
}

void QosFlowAnalyzer::list(OpenFlow& flow, FlowStatus status, std::optional<std::int64_t> latency) {
    const FlowKey& key = flow.key;
    QosFlow& listed = listed_[*flow.slot];
    listed.connection = key.connection;
    listed.dir = key.dir;
    listed.packet_id = key.packet_id;
    listed.qos = flow.qos;
    listed.topic = std::move(flow.topic);
    listed.payload_length = flow.payload_length;
    listed.status = status;
    if (status == FlowStatus::Incomplete) listed.missing = flow.expected;
    listed.steps.assign(flow.steps.begin(), flow.steps.begin() + flow.step_count);
    listed.latency_ns = latency;
    listed.retransmissions = flow.retransmissions;
}

// Every flow still open on the connection stopped there, incomplete; findings
// in the order of their PUBLISH (one frame may complete several: then by
// direction and id).
void QosFlowAnalyzer::close_connection_flows(std::uint64_t connection, EndReason ended) {
    ConnectionTally* tally = connections_.find(connection);
    if (tally == nullptr || tally->first_open == kNoFlow) return;
    std::vector<std::uint32_t>& open = closing_;
    open.clear();
    for (std::uint32_t slot = tally->first_open; slot != kNoFlow; slot = flows_[slot].next) open.push_back(slot);
    std::sort(open.begin(), open.end(), [this](std::uint32_t a, std::uint32_t b) {
        const OpenFlow& x = flows_[a];
        const OpenFlow& y = flows_[b];
        return std::tie(x.steps[0].frame, x.key.dir, x.key.packet_id) <
               std::tie(y.steps[0].frame, y.key.dir, y.key.packet_id);
    });
    for (const std::uint32_t slot : open) {
        report_incomplete(flows_[slot], ended);
        close(slot, FlowStatus::Incomplete, *tally);
    }
}

// The connection's totals join the listing (when it is listed and had QoS traffic).
void QosFlowAnalyzer::retire(std::uint64_t connection) {
    ConnectionTally* tally = connections_.find(connection);
    if (tally == nullptr) return;
    QosTotals& totals = tally->totals;
    if (listed_connection(connection) && (totals.flows > 0 || totals.ack_without_publish > 0)) {
        totals.latency = tally->latency.summary();
        per_connection_.at(connection) = QosConnectionTotals{connection, totals};
    }
    connections_.erase(connection);
}

void QosFlowAnalyzer::on_mqtt_end(const ConnectionSummary& connection) {
    close_connection_flows(connection.id, connection.end_reason);
    retire(connection.id);
}

// Connections whose end was not announced (the pipeline ends them all first)
// are taken as open at the end of the capture.
void QosFlowAnalyzer::finish(ReportBuilder& report) {
    for (const std::uint64_t id : connections_.ids()) {
        close_connection_flows(id, EndReason::Open);
        retire(id);
    }
    QosReport& qos = report.draft().qos;
    totals_.latency = latency_.summary();
    qos.totals = totals_;
    // Slots were taken in event order, which follows the frames but for packets
    // completed when a connection ends: sort only then.
    const auto by_publish = [](const QosFlow& a, const QosFlow& b) { return a.steps.front().frame < b.steps.front().frame; };
    if (!std::is_sorted(listed_.begin(), listed_.end(), by_publish))
        std::stable_sort(listed_.begin(), listed_.end(), by_publish);
    qos.flows = std::move(listed_);
    qos.flows_unlisted = flows_unlisted_;
    qos.flows_untracked = flows_untracked_;
    qos.per_connection = per_connection_.take();
}

}  // namespace mqscan
