#include <fmt/core.h>

#include "core/pipeline.hpp"
#include "mqscan/analysis.hpp"

namespace mqscan {

AnalysisResult analyze(PacketSource& source, const AnalysisSettings& settings,
                       AnalysisHooks hooks) {
    AnalysisResult result;
    CaptureInfo capture = source.info();
    if (!is_supported_link_type(capture.link_type)) {
        result.message = fmt::format(
            "'{}': unsupported link type {} (DLT {}); mqscan reads Ethernet, Linux cooked "
            "(SLL, SLL2), BSD loopback (NULL, LOOP) and raw IP captures",
            capture.file, capture.link_type_name, capture.link_type);
        result.report.capture = std::move(capture);
        return result;
    }
    Pipeline pipeline(static_cast<LinkType>(capture.link_type), settings, hooks);
    RawFrame frame;
    ReadStatus status;
    while ((status = source.next(frame)) == ReadStatus::Frame) pipeline.on_frame(frame);

    result.status = AnalysisStatus::Complete;
    if (status == ReadStatus::Error) {
        result.status = AnalysisStatus::Damaged;
        capture.complete = false;
        capture.error = source.error();
        pipeline.note(source.error_is_truncation() ? AnomalyId::CaptureTruncated
                                                   : AnomalyId::CaptureDamaged,
                      source.error());
    }
    result.report = pipeline.finish(std::move(capture));
    return result;
}

AnalysisResult analyze_file(const std::string& path, const AnalysisSettings& settings,
                            AnalysisHooks hooks) {
    auto source = open_capture_file(path);
    if (!source) {
        AnalysisResult result;
        result.message = source.error();
        result.report.capture.file = path;
        return result;
    }
    return analyze(**source, settings, hooks);
}

}  // namespace mqscan
