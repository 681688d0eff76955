#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqscan {

enum class Severity : std::uint8_t { Info, Warning, Error };

enum class AnomalyId : std::uint16_t {
#define X(name, id, severity, sentence) name,
#include "mqscan/anomaly_catalogue.def"
#undef X
};

struct AnomalyInfo {
    std::string_view id;
    Severity severity;
    std::string_view sentence;
};

[[nodiscard]] const AnomalyInfo& describe(AnomalyId id);
[[nodiscard]] std::size_t anomaly_kind_count();
[[nodiscard]] std::string_view to_string(Severity severity);

// One occurrence: the catalogue entry plus where it happened and any detail.
struct Anomaly {
    AnomalyId id;
    std::optional<std::uint64_t> connection;
    std::optional<std::uint64_t> frame;
    std::string detail;

    // The catalogue sentence followed by the detail, if any.
    [[nodiscard]] std::string message() const;
};

}  // namespace mqscan
