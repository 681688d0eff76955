#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mqscan {

// A streaming JSON writer. Written by hand rather than with nlohmann::json
// because times must be numbers with exactly the capture's decimals (a double
// cannot hold nanoseconds), via raw_number(), and because a large report must
// not be held whole in memory.
class JsonWriter {
public:
    // Writes into `out`; with a `sink`, `out` is a buffer emptied into the sink
    // as it fills (call finish() at the end). indent 0: one line (JSON lines).
    explicit JsonWriter(std::string& out, int indent = 2, std::FILE* sink = nullptr)
        : out_(out), indent_(indent), sink_(sink) {}

    // Ends a document (or a JSON-lines record) with a newline.
    void end_line() { out_ += '\n'; }
    // Writes what is buffered to the sink.
    void finish();

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
    // The value, or null when there is none.
    template <typename T>
    JsonWriter& optional_field(std::string_view name, const std::optional<T>& v) {
        key(name);
        if (!v) return null();
        if constexpr (std::is_same_v<T, bool> || !std::is_integral_v<T>) {
            return value(*v);
        } else if constexpr (std::is_signed_v<T>) {
            return value(static_cast<std::int64_t>(*v));
        } else {
            return value(static_cast<std::uint64_t>(*v));
        }
    }
    // A text; empty means none and is written null.
    JsonWriter& text_field(std::string_view name, std::string_view text) {
        key(name);
        return text.empty() ? null() : value(text);
    }
    // A frame number; 0 means none and is written null.
    JsonWriter& frame_field(std::string_view name, std::uint64_t frame) {
        key(name);
        return frame != 0 ? value(frame) : null();
    }

private:
    void before_value();
    void newline();
    void close(char bracket);

    std::string& out_;
    int indent_;
    std::FILE* sink_;
    std::vector<bool> has_items_;  // per open container
    bool after_key_ = false;
};

// Appends `text` as a JSON string literal; invalid UTF-8 becomes U+FFFD.
void append_json_string(std::string& out, std::string_view text);

}  // namespace mqscan
