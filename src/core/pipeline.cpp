#include "core/pipeline.hpp"

namespace mqscan {

Pipeline::Pipeline(LinkType link, const AnalysisSettings& settings, StreamConsumer* consumer)
    : link_(link), report_(settings.limits),
      tracker_(settings.limits, settings.server_ports, report_, consumer) {}

void Pipeline::on_frame(const RawFrame& frame) {
    Counters& counters = report_.counters();
    ++counters.packets_read;
    bytes_ += frame.data.size();
    if (frame.original_length > frame.data.size()) ++truncated_frames_;
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
    capture.packets = report_.counters().packets_read;
    capture.bytes = bytes_;
    capture.truncated_frames = truncated_frames_;
    capture.first_time = first_time_;
    capture.last_time = last_time_;
    return report_.take(std::move(capture));
}

}  // namespace mqscan
