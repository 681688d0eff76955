#include <fmt/format.h>
#include <optional>

#include "grade/condition_node.hpp"

namespace mqscan::grade {
namespace {

using Node = Condition::Node;

std::string shown(const std::variant<bool, std::int64_t, std::string>& value) {
    switch (value.index()) {
        case 0: return std::get<bool>(value) ? "true" : "false";
        case 1: return fmt::format("{}", std::get<std::int64_t>(value));
        default: return fmt::format("\"{}\"", std::get<std::string>(value));
    }
}

bool compare(const FactTest& t, const FactValue& v) {
    switch (t.comparison) {
        case Comparison::None: return std::get<bool>(v.value);
        case Comparison::Equal: return v.value == t.literal;
        case Comparison::NotEqual: return v.value != t.literal;
        case Comparison::Glob: return glob_matches(std::get<std::string>(t.literal), std::get<std::string>(v.value));
        default: break;
    }
    const std::int64_t a = std::get<std::int64_t>(v.value);
    const std::int64_t b = std::get<std::int64_t>(t.literal);
    switch (t.comparison) {
        case Comparison::AtLeast: return a >= b;
        case Comparison::AtMost: return a <= b;
        case Comparison::Above: return a > b;
        default: return a < b;
    }
}

// The fact named as the test names it: mqtt.subscribed("maison/#").
std::string fact_words(const FactTest& t) {
    if (t.fact->argument.empty()) return std::string(t.fact->name);
    return fmt::format("{}(\"{}\")", t.fact->name, t.argument);
}

Outcome test(const FactTest& t, const FactSource& source) {
    const FactValue v = t.fact->compute(source, t.argument);
    if (!v.known) return {Truth::Unknown, fmt::format("{}: {}", fact_words(t), v.detail)};
    const bool holds = compare(t, v);
    // A count's or a flag's own words say most ("no PINGREQ in the capture"); a
    // text is shown against what was asked, with where it comes from.
    const bool text = t.fact->type == FactType::Text;
    if (!v.detail.empty() && !text) return {holds ? Truth::True : Truth::False, v.detail};
    std::string reason = fmt::format("{} is {}", fact_words(t), shown(v.value));
    if (!holds && t.comparison != Comparison::None)
        reason += fmt::format(", not {} {}", to_string(t.comparison), shown(t.literal));
    if (!v.detail.empty()) reason += fmt::format(" ({})", v.detail);
    return {holds ? Truth::True : Truth::False, std::move(reason)};
}

Outcome evaluate(const Node& node, const FactSource& source);

// and: false if one is false, else unknown if one is, else true (Kleene's logic);
// or: the same with true and false exchanged.
Outcome combine(const Node& node, const FactSource& source) {
    const Truth decisive = node.kind == Node::Kind::And ? Truth::False : Truth::True;
    const Truth otherwise = node.kind == Node::Kind::And ? Truth::True : Truth::False;
    std::optional<Outcome> unknown;
    std::vector<std::string> reasons;
    for (const auto& operand : node.operands) {
        Outcome o = evaluate(*operand, source);
        if (o.truth == decisive) return o;
        if (o.truth == Truth::Unknown) {
            if (!unknown) unknown = std::move(o);
        } else if (!o.reason.empty()) {
            reasons.push_back(std::move(o.reason));
        }
    }
    if (unknown) return *unknown;
    return {otherwise, fmt::format("{}", fmt::join(reasons, "; "))};
}

Outcome evaluate(const Node& node, const FactSource& source) {
    switch (node.kind) {
        case Node::Kind::Test: return test(node.test, source);
        case Node::Kind::Not: {
            Outcome o = evaluate(*node.operands.front(), source);
            if (o.truth != Truth::Unknown) o.truth = o.truth == Truth::True ? Truth::False : Truth::True;
            return o;
        }
        default: return combine(node, source);
    }
}

}  // namespace

Outcome Condition::evaluate(const FactSource& source) const { return grade::evaluate(*root_, source); }

bool glob_matches(std::string_view pattern, std::string_view text) {
    // Iterative matching with one backtrack point: linear in practice, never exponential.
    std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

}  // namespace mqscan::grade
