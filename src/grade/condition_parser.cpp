#include <cctype>
#include <charconv>
#include <fmt/format.h>

#include "grade/condition_node.hpp"

namespace mqscan::grade {
namespace {

using Node = Condition::Node;
using NodePtr = std::shared_ptr<const Node>;

enum class TokenKind : std::uint8_t { Name, String, Integer, Operator, Open, Close, End };

struct Token {
    TokenKind kind = TokenKind::End;
    std::string_view text;  // as written (a string: its content, escapes undone in `value`)
    std::string value;
    std::size_t offset = 0;
};

// Parse failures unwind to Condition::parse as this exception; it never leaves it.
struct Refusal {
    ConditionError error;
};

[[noreturn]] void refuse(std::size_t offset, std::string message) { throw Refusal{{offset, std::move(message)}}; }

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.'; }

class Lexer {
public:
    explicit Lexer(std::string_view text) : text_(text) {}

    Token next() {
        while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_])) != 0) ++at_;
        Token t;
        t.offset = at_;
        if (at_ == text_.size()) return t;
        const char c = text_[at_];
        if (name_start(c)) return take(t, TokenKind::Name, span_while(name_char));
        if (std::isdigit(static_cast<unsigned char>(c)) != 0)
            return take(t, TokenKind::Integer, span_while([](char d) { return std::isdigit(static_cast<unsigned char>(d)) != 0; }));
        if (c == '"') return string(t);
        if (c == '(') return take(t, TokenKind::Open, 1);
        if (c == ')') return take(t, TokenKind::Close, 1);
        for (std::string_view op : {"==", "!=", ">=", "<=", ">", "<", "~"})
            if (text_.substr(at_, op.size()) == op) return take(t, TokenKind::Operator, op.size());
        refuse(at_, fmt::format("unexpected character '{}'", c));
    }

private:
    template <typename Keep>
    std::size_t span_while(Keep keep) const {
        std::size_t end = at_;
        while (end < text_.size() && keep(text_[end])) ++end;
        return end - at_;
    }

    Token take(Token& t, TokenKind kind, std::size_t length) {
        t.kind = kind;
        t.text = text_.substr(at_, length);
        t.value = std::string(t.text);
        at_ += length;
        return t;
    }

    // "..." with \" and \\ as the only escapes.
    Token string(Token& t) {
        std::size_t at = at_ + 1;
        for (; at < text_.size() && text_[at] != '"'; ++at) {
            if (text_[at] == '\\') {
                if (at + 1 == text_.size() || (text_[at + 1] != '"' && text_[at + 1] != '\\'))
                    refuse(at, "only \\\" and \\\\ may follow a backslash in a string");
                ++at;
            }
            t.value += text_[at];
        }
        if (at == text_.size()) refuse(at_, "unterminated string");
        t.kind = TokenKind::String;
        t.text = text_.substr(at_, at + 1 - at_);
        at_ = at + 1;
        return t;
    }

    std::string_view text_;
    std::size_t at_ = 0;
};

Comparison comparison_of(std::string_view op) {
    if (op == "==") return Comparison::Equal;
    if (op == "!=") return Comparison::NotEqual;
    if (op == ">=") return Comparison::AtLeast;
    if (op == "<=") return Comparison::AtMost;
    if (op == ">") return Comparison::Above;
    if (op == "<") return Comparison::Below;
    return Comparison::Glob;
}

class Parser {
public:
    explicit Parser(std::string_view text) : lexer_(text) { advance(); }

    NodePtr condition() {
        NodePtr root = disjunction();
        if (current_.kind != TokenKind::End) refuse(current_.offset, fmt::format("unexpected '{}'", current_.text));
        return root;
    }

private:
    void advance() { current_ = lexer_.next(); }
    bool at_word(std::string_view word) const { return current_.kind == TokenKind::Name && current_.text == word; }

    NodePtr combine(Node::Kind kind, std::string_view word, NodePtr (Parser::*operand)()) {
        NodePtr first = (this->*operand)();
        if (!at_word(word)) return first;
        auto node = std::make_shared<Node>();
        node->kind = kind;
        node->operands.push_back(std::move(first));
        while (at_word(word)) {
            advance();
            node->operands.push_back((this->*operand)());
        }
        return node;
    }

    NodePtr disjunction() { return combine(Node::Kind::Or, "or", &Parser::conjunction); }
    NodePtr conjunction() { return combine(Node::Kind::And, "and", &Parser::unary); }

    NodePtr unary() {
        // Each level is a stack frame here and in the evaluation: a rubric is a
        // teacher's file, but a deeply nested condition must be refused, not crash.
        if (++depth_ > kMaxDepth) refuse(current_.offset, fmt::format("nested more than {} levels deep", kMaxDepth));
        NodePtr node = nested();
        --depth_;
        return node;
    }

    NodePtr nested() {
        if (at_word("not")) {
            advance();
            auto node = std::make_shared<Node>();
            node->kind = Node::Kind::Not;
            node->operands.push_back(unary());
            return node;
        }
        if (current_.kind == TokenKind::Open) {
            advance();
            NodePtr inner = disjunction();
            expect(TokenKind::Close, "')'");
            return inner;
        }
        return test();
    }

    void expect(TokenKind kind, std::string_view what) {
        if (current_.kind != kind)
            refuse(current_.offset, current_.kind == TokenKind::End
                                        ? fmt::format("expected {} at the end", what)
                                        : fmt::format("expected {}, found '{}'", what, current_.text));
        advance();
    }

    NodePtr test() {
        if (current_.kind != TokenKind::Name || is_keyword(current_.text))
            refuse(current_.offset, current_.kind == TokenKind::End
                                        ? std::string("expected a fact at the end")
                                        : fmt::format("expected a fact, found '{}'", current_.text));
        const Token name = current_;
        const FactInfo* fact = find_fact(name.text);
        if (fact == nullptr) refuse(name.offset, fmt::format("unknown fact '{}'", name.text));
        advance();
        auto node = std::make_shared<Node>();
        FactTest& t = node->test;
        t.fact = fact;
        argument(t, name);
        if (current_.kind == TokenKind::Operator) {
            const Token op = current_;
            t.comparison = comparison_of(op.text);
            advance();
            t.literal = literal();
            check_types(t, name, op);
        } else if (fact->type != FactType::Boolean) {
            refuse(name.offset, fmt::format("'{}' is a {}: compare it, e.g. {} {}", name.text, to_string(fact->type),
                                            name.text, fact->type == FactType::Number ? ">= 1" : "== \"...\""));
        }
        return node;
    }

    void argument(FactTest& t, const Token& name) {
        const bool takes = !t.fact->argument.empty();
        if (current_.kind != TokenKind::Open) {
            if (takes) refuse(name.offset, fmt::format("'{}' takes a {} in parentheses, e.g. {}(\"...\")", name.text,
                                                       t.fact->argument, name.text));
            return;
        }
        if (!takes) refuse(current_.offset, fmt::format("'{}' takes no argument", name.text));
        advance();
        if (current_.kind != TokenKind::String) refuse(current_.offset, fmt::format("expected a {} in quotes", t.fact->argument));
        t.argument = current_.value;
        advance();
        expect(TokenKind::Close, "')'");
    }

    std::variant<bool, std::int64_t, std::string> literal() {
        const Token t = current_;
        advance();
        if (t.kind == TokenKind::String) return t.value;
        if (t.kind == TokenKind::Name && (t.text == "true" || t.text == "false")) return t.text == "true";
        if (t.kind == TokenKind::Integer) {
            std::int64_t number = 0;
            const auto [end, error] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), number);
            if (error != std::errc() || end != t.text.data() + t.text.size()) refuse(t.offset, "number too large");
            return number;
        }
        refuse(t.offset, t.kind == TokenKind::End ? std::string("expected a value at the end")
                                                  : fmt::format("expected a value, found '{}'", t.text));
    }

    static void check_types(const FactTest& t, const Token& name, const Token& op) {
        const FactType type = t.fact->type;
        const std::size_t literal_type = t.literal.index();  // bool, number, text
        const bool fits = (type == FactType::Boolean && literal_type == 0) ||
                          (type == FactType::Number && literal_type == 1) ||
                          (type == FactType::Text && literal_type == 2);
        if (!fits)
            refuse(op.offset, fmt::format("'{}' is a {}: compare it with {}", name.text, to_string(type),
                                          type == FactType::Boolean  ? "true or false"
                                          : type == FactType::Number ? "a number"
                                                                     : "a string in quotes"));
        const Comparison c = t.comparison;
        const bool equality = c == Comparison::Equal || c == Comparison::NotEqual;
        const bool allowed = type == FactType::Number ? c != Comparison::Glob
                             : type == FactType::Text ? equality || c == Comparison::Glob
                                                      : equality;
        if (!allowed) refuse(op.offset, fmt::format("'{}' cannot be used with a {}", op.text, to_string(type)));
    }

    static bool is_keyword(std::string_view word) {
        return word == "and" || word == "or" || word == "not" || word == "true" || word == "false";
    }

    static constexpr int kMaxDepth = 64;

    Lexer lexer_;
    Token current_;
    int depth_ = 0;
};

}  // namespace

std::string_view to_string(Comparison comparison) {
    static constexpr std::string_view kNames[] = {"", "==", "!=", ">=", "<=", ">", "<", "~"};
    return kNames[static_cast<int>(comparison)];
}

Result<Condition, ConditionError> Condition::parse(std::string_view text) {
    try {
        Parser parser(text);
        return Condition(std::string(text), parser.condition());
    } catch (const Refusal& refusal) {
        return fail(refusal.error);
    }
}

}  // namespace mqscan::grade
