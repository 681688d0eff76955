#pragma once
// Grading one capture, and a batch of them in parallel.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "grade/rubric.hpp"
#include "mqscan/analysis.hpp"

namespace mqscan::grade {

struct CheckResult {
    Truth truth = Truth::Unknown;
    double earned = 0;
    std::string reason;  // why it was lost or unknown (empty when passed)
};

enum class GradeStatus : std::uint8_t {
    Graded,     // the whole capture was read
    Truncated,  // cut or damaged: graded on what could be read
    Unreadable, // not graded: see error
};

[[nodiscard]] std::string_view to_string(GradeStatus status);

// Points as the grades show them: "2", "0.5", "1999.125" (shortest exact form).
[[nodiscard]] std::string shown_points(double points);

struct GradeRow {
    std::string file;
    std::string student;
    std::string name_source;
    GradeStatus status = GradeStatus::Unreadable;
    std::string error;                 // why the capture is damaged or unreadable
    std::vector<CheckResult> checks;   // in the rubric's order; empty when unreadable
    double total = 0;

    // One short sentence per lost or unknown point: "qos2: no PUBCOMP for ...".
    [[nodiscard]] std::string notes(const Rubric& rubric) const;
};

GradeRow grade_capture(const std::string& path, const Rubric& rubric, const AnalysisSettings& settings);

// A capture to grade, or a folder that could not be read whole: it gets a
// row too, so that no student's capture is left out without a word.
struct GradeInput {
    std::string path;
    std::string folder_error;  // why the folder `path` could not be read; empty for a capture
    bool operator==(const GradeInput&) const = default;
};

// The captures of `inputs`: directories walked (recursively, sorted, symbolic
// links to directories not followed) for .pcap, .pcapng and their .gz;
// anything else as given, so that a missing or unreadable file gets its row
// with the error. A folder that cannot be opened or listed to its end is an
// input of its own, in path order with what was found (before what is in it).
std::vector<GradeInput> capture_files(const std::vector<std::string>& inputs);

// Grades every input with up to `jobs` threads (fewer if the system refuses
// more); rows in the inputs' order. `progress(done, total, file)` is called
// after each capture, from one thread at a time.
std::vector<GradeRow> grade_all(const std::vector<GradeInput>& inputs, const Rubric& rubric,
                                const AnalysisSettings& settings, unsigned jobs,
                                const std::function<void(std::size_t, std::size_t, const std::string&)>& progress);

}  // namespace mqscan::grade
