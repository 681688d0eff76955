#pragma once

#include "core/report_builder.hpp"
#include "mqscan/events.hpp"

namespace mqscan {

// One analysis: it listens to the decoded MQTT events during the pass, keeps
// bounded state, and writes its part of the report (sections, findings) once
// every connection has ended.
class Analyzer : public EventSink {
public:
    virtual void finish(ReportBuilder& report) = 0;
};

}  // namespace mqscan
