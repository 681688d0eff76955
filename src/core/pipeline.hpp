#pragma once

#include <optional>

#include "analysis/analyses.hpp"
#include "core/mqtt_recorder.hpp"
#include "core/report_builder.hpp"
#include "core/session_manager.hpp"
#include "decode/link_type.hpp"
#include "decode/packet_decoder.hpp"
#include "flow/connection_tracker.hpp"
#include "mqscan/analysis.hpp"

namespace mqscan {

// Frames in, one at a time, from any source; a report out at the end.
class Pipeline {
public:
    Pipeline(LinkType link, const AnalysisSettings& settings, AnalysisHooks hooks);

    void on_frame(const RawFrame& frame);
    // A finding about the capture as a whole (a damaged file).
    void note(AnomalyId id, std::string detail) {
        report_.anomaly(id, std::nullopt, std::nullopt, std::move(detail));
    }
    // Ends every connection still open and hands over the report.
    CaptureReport finish(CaptureInfo capture);

private:
    void record_notes(const RawFrame& frame);

    LinkType link_;
    ReportBuilder report_;
    MqttRecorder mqtt_recorder_;
    // Made only when analysing: their tables cost time and memory to set up.
    std::optional<Analyses> analyses_;
    std::optional<EventFanout> analyses_and_hook_;
    EventFanout events_;
    SessionManager sessions_;
    StreamFanout streams_;
    ConnectionTracker tracker_;
    DecodedPacket packet_;
    std::uint64_t bytes_ = 0;
    std::uint64_t truncated_frames_ = 0;
    std::optional<Timestamp> first_time_;
    std::optional<Timestamp> last_time_;
};

}  // namespace mqscan
