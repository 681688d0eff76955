#pragma once

#include "core/report_builder.hpp"

namespace mqscan {

// What the capture itself lacks (draft().quality) and the findings that
// explain it: started late, one direction only, cut frames, missing
// segments, checksum offload.
void assess_capture(ReportBuilder& report);

}  // namespace mqscan
