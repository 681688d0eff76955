#pragma once
// The facts a rubric's conditions test: named values computed from one
// capture's report (docs/grading.md lists them all, with their meaning).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace mqscan {
struct CaptureReport;
}

namespace mqscan::grade {

enum class FactType : std::uint8_t { Boolean, Number, Text };

[[nodiscard]] std::string_view to_string(FactType type);

// A fact's value in one capture, or why the capture cannot tell.
struct FactValue {
    std::variant<bool, std::int64_t, std::string> value;
    bool known = true;
    // Unknown: why. Known: what in the capture shows it, for a grade's note
    // ("no PUBCOMP for the QoS 2 PUBLISH id 1 (frame 21)"); may be empty.
    std::string detail;

    static FactValue unknown(std::string why) { return {false, false, std::move(why)}; }
};

// What the facts are computed from.
struct FactSource {
    const CaptureReport& report;
    bool complete = true;       // the whole file was read
    bool ca_given = false;      // chains were verified against --ca
};

struct FactInfo {
    std::string_view name;       // "mqtt.qos2_complete"
    FactType type;
    std::string_view argument;   // the argument's meaning, e.g. "topic filter"; empty: none taken
    std::string_view description;
    FactValue (*compute)(const FactSource& source, std::string_view argument);
};

// Every fact, in the order docs/grading.md lists them.
std::span<const FactInfo> fact_catalogue();
const FactInfo* find_fact(std::string_view name);

}  // namespace mqscan::grade
