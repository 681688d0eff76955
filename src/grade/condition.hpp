#pragma once
// A rubric check's condition: a small boolean language over the facts
// (docs/grading.md). Parsed and type-checked once, when the rubric loads, so
// that a mistake is refused before any capture is read; evaluated per capture
// in three-valued logic, since some facts cannot be known from a capture.
//
//   condition := or
//   or        := and { "or" and }
//   and       := unary { "and" unary }
//   unary     := "not" unary | "(" or ")" | test
//   test      := FACT [ "(" STRING ")" ] [ OP literal ]
//   OP        := "==" | "!=" | ">=" | "<=" | ">" | "<" | "~"   (~ : glob, * and ?)
//   literal   := STRING | INTEGER | "true" | "false"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "grade/fact.hpp"
#include "mqscan/result.hpp"

namespace mqscan::grade {

struct ConditionError {
    std::size_t offset = 0;  // in the condition's text
    std::string message;
};

enum class Truth : std::uint8_t { False, True, Unknown };

struct Outcome {
    Truth truth = Truth::Unknown;
    // What decided it, in words: a fact's detail ("no PINGREQ in the capture")
    // or its value ("tls.version is \"1.3\", not == \"1.2\"").
    std::string reason;
};

class Condition {
public:
    static Result<Condition, ConditionError> parse(std::string_view text);

    [[nodiscard]] Outcome evaluate(const FactSource& source) const;
    [[nodiscard]] const std::string& text() const { return text_; }

    struct Node;

private:
    Condition(std::string text, std::shared_ptr<const Node> root) : text_(std::move(text)), root_(std::move(root)) {}

    std::string text_;
    std::shared_ptr<const Node> root_;  // immutable, shared by copies
};

// Glob matching of a whole text: * any run of bytes, ? one byte.
[[nodiscard]] bool glob_matches(std::string_view pattern, std::string_view text);

}  // namespace mqscan::grade
