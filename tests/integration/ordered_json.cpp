#include "ordered_json.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

// Builds the tree from nlohmann's SAX events, which report every member in order.
class TreeBuilder final : public nlohmann::json_sax<json> {
public:
    JsonNode take() { return std::move(root_); }

    bool null() override { return scalar("null"); }
    bool boolean(bool value) override { return scalar(value ? "true" : "false"); }
    bool number_integer(number_integer_t value) override { return scalar(std::to_string(value)); }
    bool number_unsigned(number_unsigned_t value) override {
        return scalar(std::to_string(value));
    }
    bool number_float(number_float_t, const string_t& text) override { return scalar(text); }
    bool string(string_t& value) override { return scalar(std::move(value)); }
    bool binary(binary_t&) override { return false; }  // not in JSON text
    bool start_object(std::size_t) override { return open(); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(); }
    bool end_array() override { return close(); }
    bool key(string_t& name) override {
        key_ = std::move(name);
        return true;
    }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& error) override {
        throw std::runtime_error("tshark's JSON, at byte " + std::to_string(position) + ": " +
                                 error.what());
    }

private:
    // The node a value goes to: the root, or a new member of the innermost open container.
    // A node's members only grow while it is the innermost, so the pointers stay valid.
    JsonNode& next_node() {
        if (open_.empty()) return root_;
        auto& members = open_.back()->members;
        members.push_back({std::move(key_), {}});
        key_.clear();
        return members.back().value;
    }
    bool scalar(std::string text) {
        next_node().scalar = std::move(text);
        return true;
    }
    bool open() {
        open_.push_back(&next_node());
        return true;
    }
    bool close() {
        open_.pop_back();
        return true;
    }

    JsonNode root_;
    std::vector<JsonNode*> open_;
    std::string key_;
};

}  // namespace

const JsonNode* JsonNode::find(std::string_view key) const {
    for (const JsonMember& member : members)
        if (member.key == key) return &member.value;
    return nullptr;
}

const JsonNode& JsonNode::at(std::string_view key) const {
    if (const JsonNode* node = find(key)) return *node;
    throw std::runtime_error("no '" + std::string(key) + "' in tshark's JSON");
}

const JsonNode* JsonNode::find_below(std::string_view key) const {
    for (const JsonMember& member : members) {
        if (member.key == key) return &member.value;
        if (const JsonNode* found = member.value.find_below(key)) return found;
    }
    return nullptr;
}

std::vector<const JsonNode*> JsonNode::all_below(std::string_view key) const {
    std::vector<const JsonNode*> found;
    for (const JsonMember& member : members) {
        if (member.key == key) {
            found.push_back(&member.value);
        } else {
            std::ranges::copy(member.value.all_below(key), std::back_inserter(found));
        }
    }
    return found;
}

JsonNode parse_ordered_json(std::string_view text) {
    TreeBuilder builder;
    json::sax_parse(text, &builder);
    return builder.take();
}
