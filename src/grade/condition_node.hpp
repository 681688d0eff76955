#pragma once
// The parsed form of a Condition, shared by its parser and its evaluator.

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "grade/condition.hpp"

namespace mqscan::grade {

enum class Comparison : std::uint8_t { None, Equal, NotEqual, AtLeast, AtMost, Above, Below, Glob };

[[nodiscard]] std::string_view to_string(Comparison comparison);

// FACT [(argument)] [comparison literal]
struct FactTest {
    const FactInfo* fact = nullptr;
    std::string argument;
    Comparison comparison = Comparison::None;
    std::variant<bool, std::int64_t, std::string> literal;
};

struct Condition::Node {
    enum class Kind : std::uint8_t { Test, Not, And, Or };
    Kind kind = Kind::Test;
    FactTest test;                                   // Test
    std::vector<std::shared_ptr<const Node>> operands;  // Not (one), And, Or
};

}  // namespace mqscan::grade
