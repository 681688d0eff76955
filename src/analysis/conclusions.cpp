#include "analysis/conclusions.hpp"

namespace mqscan {

void conclude(const AnalysisSettings& /*settings*/, ReportBuilder& /*report*/) {}

}  // namespace mqscan
