#include "grade/rubric.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <toml++/toml.h>

namespace mqscan::grade {
namespace {

// A rubric is a teacher's file: a few KiB. Anything much larger is a mistake.
constexpr std::size_t kMaxRubricBytes = 1024 * 1024;
constexpr std::size_t kMaxChecks = 200;

struct Place {
    const std::string& source;
    toml::source_position position;
};

std::string at(const Place& place, std::string_view message) {
    return fmt::format("{}:{}:{}: {}", place.source, place.position.line, place.position.column, message);
}

Place place_of(const std::string& source, const toml::node& node) { return {source, node.source().begin}; }

// Keys a table may hold: anything else is a typing mistake worth saying.
std::optional<std::string> unexpected_key(const std::string& source, const toml::table& table,
                                          std::initializer_list<std::string_view> allowed, std::string_view where) {
    for (const auto& [key, node] : table)
        if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end())
            return at(place_of(source, node), fmt::format("unknown key '{}' in {} (expected: {})", key.str(), where,
                                                          fmt::join(allowed, ", ")));
    return std::nullopt;
}

Result<std::string, std::string> text_of(const std::string& source, const toml::table& table, std::string_view key,
                                         const toml::node& owner) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return fail(at(place_of(source, owner), fmt::format("'{}' is missing", key)));
    if (!node->is_string()) return fail(at(place_of(source, *node), fmt::format("'{}' must be a string", key)));
    const std::string& text = **node->as_string();
    if (text.empty()) return fail(at(place_of(source, *node), fmt::format("'{}' is empty", key)));
    return text;
}

Result<Check, std::string> parse_check(const std::string& source, const toml::node& node) {
    const toml::table* table = node.as_table();
    if (table == nullptr) return fail(at(place_of(source, node), "each [[check]] must be a table"));
    if (auto wrong = unexpected_key(source, *table, {"id", "label", "points", "condition"}, "a check"))
        return fail(*wrong);
    auto id = text_of(source, *table, "id", node);
    if (!id) return fail(id.error());
    auto label = text_of(source, *table, "label", node);
    if (!label) return fail(label.error());
    double points = 1;
    if (const toml::node* given = table->get("points")) {
        const std::optional<double> value = given->value<double>();
        if (!value || *value < 0 || *value > 1000)
            return fail(at(place_of(source, *given), "'points' must be a number from 0 to 1000"));
        points = *value;
    }
    auto text = text_of(source, *table, "condition", node);
    if (!text) return fail(text.error());
    auto condition = Condition::parse(*text);
    if (!condition) {
        // The string's first character follows its opening quote (basic strings without escapes).
        toml::source_position position = table->get("condition")->source().begin;
        position.column += static_cast<toml::source_index>(condition.error().offset + 1);
        return fail(at({source, position}, fmt::format("in condition \"{}\": {}", *text, condition.error().message)));
    }
    return Check{std::move(*id), std::move(*label), points, std::move(*condition)};
}

}  // namespace

double Rubric::max_points() const {
    double total = 0;
    for (const Check& c : checks) total += c.points;
    return total;
}

Result<Rubric, std::string> parse_rubric(std::string_view toml_text, const std::string& source) {
    if (toml_text.size() > kMaxRubricBytes) return fail(fmt::format("{}: a rubric larger than 1 MiB is refused", source));
    toml::table document;
    try {
        document = toml::parse(toml_text, source);
    } catch (const toml::parse_error& e) {
        return fail(at({source, e.source().begin}, e.description()));
    }
    if (auto wrong = unexpected_key(source, document, {"title", "check"}, "the rubric")) return fail(*wrong);
    Rubric rubric;
    rubric.name = source;
    const toml::node* title = document.get("title");
    if (title == nullptr || !title->is_string())
        return fail(fmt::format("{}:1:1: the rubric needs a title = \"...\"", source));
    rubric.title = **title->as_string();
    const toml::array* checks = document["check"].as_array();
    if (checks == nullptr || checks->empty())
        return fail(fmt::format("{}:1:1: the rubric has no [[check]]", source));
    if (checks->size() > kMaxChecks) return fail(fmt::format("{}: more than {} checks", source, kMaxChecks));
    std::set<std::string> ids;
    for (const toml::node& node : *checks) {
        auto check = parse_check(source, node);
        if (!check) return fail(check.error());
        if (!ids.insert(check->id).second)
            return fail(at(place_of(source, node), fmt::format("two checks have the id '{}'", check->id)));
        rubric.checks.push_back(std::move(*check));
    }
    return rubric;
}

Result<Rubric, std::string> load_rubric(const std::string& name_or_path) {
    for (const BuiltinRubric& builtin : builtin_rubrics())
        if (builtin.name == name_or_path) return parse_rubric(builtin.toml, std::string(builtin.name));
    std::ifstream file(name_or_path, std::ios::binary);
    if (!file) {
        std::vector<std::string_view> names;
        for (const BuiltinRubric& builtin : builtin_rubrics()) names.push_back(builtin.name);
        return fail(fmt::format("no rubric '{}': neither a built-in one ({}) nor a readable file", name_or_path,
                                fmt::join(names, ", ")));
    }
    std::string text(kMaxRubricBytes + 1, '\0');
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(file.gcount()));
    return parse_rubric(text, name_or_path);
}

}  // namespace mqscan::grade
