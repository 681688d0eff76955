#pragma once
// A rubric: a title and checks, each worth points when its condition holds
// on a capture. Written in TOML (docs/grading.md); the lab rubrics are built
// in (samples/rubrics/), usable by name.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grade/condition.hpp"
#include "mqscan/result.hpp"

namespace mqscan::grade {

struct Check {
    std::string id;     // the CSV column
    std::string label;  // what it asks, in words
    double points = 1;
    Condition condition;
};

struct Rubric {
    std::string name;   // the built-in name or the file's path
    std::string title;
    std::vector<Check> checks;

    [[nodiscard]] double max_points() const;
};

// Every mistake is refused with "SOURCE:LINE:COLUMN: what", before any capture is read.
Result<Rubric, std::string> parse_rubric(std::string_view toml_text, const std::string& source);

// A built-in rubric's name, or the path of a TOML file.
Result<Rubric, std::string> load_rubric(const std::string& name_or_path);

struct BuiltinRubric {
    std::string_view name;
    std::string_view toml;
};

// Generated at build time from samples/rubrics/*.toml.
std::span<const BuiltinRubric> builtin_rubrics();

}  // namespace mqscan::grade
