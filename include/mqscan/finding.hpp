#pragma once
// Findings: the analysis's conclusions in plain words, for a student or a
// teacher. Anomalies say a byte or a packet is wrong; findings say what the
// traffic did and what it means (a password in clear, a QoS 2 flow left
// unfinished, a capture started late).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqscan/anomaly.hpp"

namespace mqscan {

enum class FindingId : std::uint16_t {
#define X(name, id, severity, title) name,
#include "mqscan/finding_catalogue.def"
#undef X
};

struct FindingInfo {
    std::string_view id;
    Severity severity;
    std::string_view title;
};

[[nodiscard]] const FindingInfo& describe(FindingId id);
[[nodiscard]] std::size_t finding_kind_count();

struct Finding {
    FindingId id;
    std::optional<std::uint64_t> connection;
    std::optional<std::uint64_t> frame;
    std::string message;  // a full sentence with the facts (topics, frames, names)
    // The topic a capture-wide finding is about (empty: none), so that --topic
    // keeps it only for a topic asked for. Not written: the message names it.
    std::string topic{};
};

}  // namespace mqscan
