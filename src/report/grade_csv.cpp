#include <algorithm>
#include <fmt/format.h>

#include "report/csv_field.hpp"
#include "report/grade_output.hpp"

namespace mqscan {
namespace {

using grade::GradeRow;
using grade::GradeStatus;
using grade::Rubric;
using grade::Truth;

std::string points(double value, bool excel) {
    std::string text = grade::shown_points(value);
    if (excel) std::replace(text.begin(), text.end(), '.', ',');
    return text;
}

}  // namespace

std::string grades_csv(const Rubric& rubric, const std::vector<GradeRow>& rows, const GradeOutputOptions& options) {
    const char separator = options.excel ? ';' : ',';
    std::string out = options.excel ? "\xef\xbb\xbf" : "";  // U+FEFF: tells Excel the file is UTF-8
    const auto end_row = [&](CsvRow& row) { out.append(row.take()).append(kCsvLineEnd); };

    CsvRow header(separator);
    for (std::string_view column : {"file", "student", "name_source", "status"}) header.add(column);
    for (const grade::Check& check : rubric.checks) header.add(check.id);
    for (std::string_view column : {"total", "max", "notes"}) header.add(column);
    end_row(header);

    const std::string max = points(rubric.max_points(), options.excel);
    for (const GradeRow& r : rows) {
        CsvRow row(separator);
        row.add(r.file);
        row.add(r.student);
        row.add(r.name_source);
        row.add(grade::to_string(r.status));
        if (r.status == GradeStatus::Unreadable) {
            row.skip(static_cast<int>(rubric.checks.size()) + 1);
        } else {
            for (const grade::CheckResult& c : r.checks) row.add(c.truth == Truth::Unknown ? "?" : points(c.earned, options.excel));
            row.add(points(r.total, options.excel));
        }
        row.add(max);
        row.add(r.notes(rubric));
        end_row(row);
    }
    return out;
}

}  // namespace mqscan
