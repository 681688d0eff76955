#include "mqscan/finding.hpp"

#include <array>

namespace mqscan {
namespace {

constexpr std::array kCatalogue = {
#define X(name, id, severity, title) FindingInfo{id, Severity::severity, title},
#include "mqscan/finding_catalogue.def"
#undef X
};

}  // namespace

const FindingInfo& describe(FindingId id) { return kCatalogue[static_cast<std::size_t>(id)]; }

std::size_t finding_kind_count() { return kCatalogue.size(); }

}  // namespace mqscan
