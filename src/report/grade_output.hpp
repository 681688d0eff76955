#pragma once
// `mqscan grade` output: one CSV row per capture (README "Grading"), or the
// same results as JSON.

#include <string>
#include <vector>

#include "grade/grader.hpp"

namespace mqscan {

struct GradeOutputOptions {
    // For French spreadsheets: a UTF-8 byte order mark, ';' between fields, ',' as decimal mark.
    bool excel = false;
};

std::string grades_csv(const grade::Rubric& rubric, const std::vector<grade::GradeRow>& rows,
                       const GradeOutputOptions& options);

std::string grades_json(const grade::Rubric& rubric, const std::vector<grade::GradeRow>& rows);

}  // namespace mqscan
