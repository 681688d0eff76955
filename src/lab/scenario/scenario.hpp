#pragma once
// A lab scenario: a short script played in a LabWorld, whose capture is a
// reference for one thing the labs teach (LABS.md) or one mistake they see.

#include <optional>
#include <span>
#include <string_view>

#include "lab/scenario/lab_setting.hpp"
#include "lab/scenario/lab_world.hpp"

namespace mqscan::lab {

struct Scenario {
    std::string_view name;     // short, kebab-case: `mqscan lab record NAME`
    std::string_view summary;  // one line, for `mqscan lab list`
    std::string_view shows;    // what the capture shows (mqscan lab list; samples/lab/MANIFEST.md)
    // The TLS version the broker allows when none is asked for; none: the scenario has no TLS.
    std::optional<TlsVersions> default_tls;
    void (*play)(LabWorld& world, const LabSetting& setting);
};

// The scenarios of each group, in the order `mqscan lab list` gives them.
std::span<const Scenario> lab1_scenarios();
std::span<const Scenario> tls_scenarios();
std::span<const Scenario> mistake_scenarios();

}  // namespace mqscan::lab
