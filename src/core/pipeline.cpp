#include "core/pipeline.hpp"

namespace mqscan {

Pipeline::Pipeline(LinkType link, const AnalysisSettings& settings, AnalysisHooks hooks)
    : link_(link), report_(settings.limits, hooks.events), mqtt_recorder_(settings.limits.max_connections_listed, settings.mqtt.max_packets_listed,
                     settings.mqtt.payload_cap),
      analyses_(settings.analyze ? std::optional<Analyses>(std::in_place, settings, report_) : std::optional<Analyses>()),
      analyses_and_hook_(analyses_ ? std::optional<EventFanout>(std::in_place, *analyses_, hooks.events)
                                   : std::optional<EventFanout>()),
      events_(mqtt_recorder_, analyses_and_hook_ ? &*analyses_and_hook_ : hooks.events),
      sessions_(settings, report_, events_),
      streams_(sessions_, hooks.streams),
      tracker_(settings.limits, settings.server_ports, report_, &streams_) {}

void Pipeline::on_frame(const RawFrame& frame) {
    Counters& counters = report_.counters();
    ++counters.packets_read;
    bytes_ += frame.data.size();
    if (frame.original_length > frame.data.size()) ++truncated_frames_;
    if (frame.time_clamped)
        report_.anomaly(AnomalyId::TimestampOutOfRange, std::nullopt, frame.number);
    if (!first_time_) first_time_ = frame.time;
    last_time_ = frame.time;

    decode_packet(link_, frame, packet_);
    counters.count(packet_.klass);
    if (!packet_.notes.empty()) record_notes(frame);
    if (packet_.klass != PacketClass::Tcp) return;
    counters.count(tracker_.on_segment(packet_.segment, FrameRef{frame.number, frame.time}));
}

void Pipeline::record_notes(const RawFrame& frame) {
    for (DecodeNote& note : packet_.notes)
        report_.anomaly(note.id, std::nullopt, frame.number, std::move(note.detail));
}

CaptureReport Pipeline::finish(CaptureInfo capture) {
    tracker_.finish();
    report_.sort_records();
    if (analyses_) analyses_->finish(report_);
    capture.packets = report_.counters().packets_read;
    capture.bytes = bytes_;
    capture.truncated_frames = truncated_frames_;
    capture.first_time = first_time_;
    capture.last_time = last_time_;
    CaptureReport report = report_.take(std::move(capture));
    report.mqtt = mqtt_recorder_.take();
    report.mqtt_packets_total = mqtt_recorder_.total();
    report.mqtt_packets_unlisted = mqtt_recorder_.unlisted();
    return report;
}

}  // namespace mqscan
