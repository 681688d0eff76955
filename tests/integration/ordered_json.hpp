#pragma once
// JSON as tshark writes it with `-T json`: object members keep their order and repeated keys
// (tshark repeats a key when a field occurs several times: one "mqtt" member per MQTT PDU of
// a frame, one "mqtt.topic" per topic filter of a SUBSCRIBE), which a JSON map would merge.

#include <string>
#include <string_view>
#include <vector>

struct JsonMember;

struct JsonNode {
    std::string scalar;               // a string, number, boolean or null, as written
    std::vector<JsonMember> members;  // an object's members, or an array's elements (no key)

    // The first member named `key`, or nullptr.
    [[nodiscard]] const JsonNode* find(std::string_view key) const;
    // Like find, but throws std::runtime_error when there is no such member.
    [[nodiscard]] const JsonNode& at(std::string_view key) const;
    // The first member named `key` at any depth (depth first, in order), or nullptr.
    [[nodiscard]] const JsonNode* find_below(std::string_view key) const;
    // Every member named `key` at any depth, in order (not those inside another such member).
    [[nodiscard]] std::vector<const JsonNode*> all_below(std::string_view key) const;
};

struct JsonMember {
    std::string key;
    JsonNode value;
};

// Throws std::runtime_error when `text` is not JSON.
JsonNode parse_ordered_json(std::string_view text);
