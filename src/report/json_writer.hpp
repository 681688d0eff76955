#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mqscan {

// A streaming JSON writer into a string. Written by hand rather than with
// nlohmann::json because times must be numbers with exactly the capture's
// decimals (a double cannot hold nanoseconds), via raw_number().
class JsonWriter {
public:
    // indent 0: one line (JSON lines); otherwise pretty-printed.
    explicit JsonWriter(std::string& out, int indent = 2) : out_(out), indent_(indent) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);

    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(bool flag);
    JsonWriter& value(std::uint64_t number);
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& null();
    // A number already formatted as JSON (e.g. "1700000000.123456789").
    JsonWriter& raw_number(std::string_view number);

    template <typename T>
    JsonWriter& field(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }

private:
    void before_value();
    void newline();
    void close(char bracket);

    std::string& out_;
    int indent_;
    std::vector<bool> has_items_;  // per open container
    bool after_key_ = false;
};

// Appends `text` as a JSON string literal; invalid UTF-8 becomes U+FFFD.
void append_json_string(std::string& out, std::string_view text);

}  // namespace mqscan
