#include <fmt/format.h>

#include "grade/fact_groups.hpp"
#include "mqscan/capture_report.hpp"

namespace mqscan::grade {

FactValue count_fact(std::uint64_t count, std::string none_detail) {
    return {static_cast<std::int64_t>(count), true, count == 0 ? std::move(none_detail) : std::string()};
}

namespace {

FactValue complete(const FactSource& s, std::string_view) {
    return {s.complete, true, s.complete ? "" : "the file is cut or damaged: only its beginning was read"};
}

FactValue connect_missing(const FactSource& s, std::string_view) {
    const std::uint64_t missing = s.report.quality.connect_missing;
    FactValue v = count_fact(missing, "");
    if (missing > 0) v.detail = "the capture began after the CONNECT of some session (started late)";
    return v;
}

FactValue one_direction(const FactSource& s, std::string_view) {
    const std::uint64_t count = s.report.quality.one_direction;
    FactValue v = count_fact(count, "");
    if (count > 0)
        v.detail = fmt::format("{} connection(s) seen in one direction only (capture filter or interface)", count);
    return v;
}

constexpr FactInfo kFacts[] = {
    {"capture.complete", FactType::Boolean, "", "the whole file could be read", complete},
    {"capture.connect_missing", FactType::Number, "", "MQTT sessions whose CONNECT was not captured",
     connect_missing},
    {"capture.one_direction", FactType::Number, "", "connections seen in one direction only", one_direction},
};

}  // namespace

std::span<const FactInfo> capture_facts() { return kFacts; }

}  // namespace mqscan::grade
