#include <fmt/format.h>

#include "report/grade_output.hpp"
#include "report/json_writer.hpp"

namespace mqscan {
namespace {

using grade::Truth;

std::string_view state(Truth truth) {
    switch (truth) {
        case Truth::True: return "passed";
        case Truth::False: return "failed";
        case Truth::Unknown: break;
    }
    return "unknown";
}

// Points are whole or plain decimals: valid JSON numbers.
void points(JsonWriter& json, std::string_view key, double value) {
    json.key(key).raw_number(grade::shown_points(value));
}

}  // namespace

std::string grades_json(const grade::Rubric& rubric, const std::vector<grade::GradeRow>& rows) {
    std::string out;
    JsonWriter json(out);
    json.begin_object();
    json.key("rubric").begin_object();
    json.field("name", rubric.name);
    json.field("title", rubric.title);
    points(json, "max", rubric.max_points());
    json.key("checks").begin_array();
    for (const grade::Check& c : rubric.checks) {
        json.begin_object();
        json.field("id", c.id);
        json.field("label", c.label);
        points(json, "points", c.points);
        json.field("condition", c.condition.text());
        json.end_object();
    }
    json.end_array();
    json.end_object();
    json.key("results").begin_array();
    for (const grade::GradeRow& r : rows) {
        json.begin_object();
        json.field("file", r.file);
        json.field("student", r.student);
        json.field("name_source", r.name_source);
        json.field("status", grade::to_string(r.status));
        json.text_field("error", r.error);
        json.key("checks").begin_array();
        for (std::size_t i = 0; i < r.checks.size(); ++i) {
            const grade::CheckResult& c = r.checks[i];
            json.begin_object();
            json.field("id", rubric.checks[i].id);
            json.field("state", state(c.truth));
            points(json, "earned", c.earned);
            json.text_field("reason", c.reason);
            json.end_object();
        }
        json.end_array();
        json.key("total");
        if (r.status == grade::GradeStatus::Unreadable) {
            json.null();
        } else {
            json.raw_number(grade::shown_points(r.total));
        }
        points(json, "max", rubric.max_points());
        json.end_object();
    }
    json.end_array();
    json.end_object();
    json.end_line();
    return out;
}

}  // namespace mqscan
