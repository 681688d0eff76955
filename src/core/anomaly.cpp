#include "mqscan/anomaly.hpp"

#include <array>

namespace mqscan {
namespace {

constexpr std::array kCatalogue = {
#define X(name, id, severity, sentence) AnomalyInfo{id, Severity::severity, sentence},
#include "mqscan/anomaly_catalogue.def"
#undef X
};

}  // namespace

const AnomalyInfo& describe(AnomalyId id) { return kCatalogue[static_cast<std::size_t>(id)]; }

std::size_t anomaly_kind_count() { return kCatalogue.size(); }

std::string_view to_string(Severity severity) {
    switch (severity) {
        case Severity::Info: return "info";
        case Severity::Warning: return "warning";
        case Severity::Error: return "error";
    }
    return "unknown";
}

std::string Anomaly::message() const {
    std::string text(describe(id).sentence);
    if (!detail.empty()) {
        text += " (";
        text += detail;
        text += ")";
    }
    return text;
}

}  // namespace mqscan
