#include "report/csv_field.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/utf8.hpp"

namespace mqscan {
namespace {

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t length = utf8_sequence_length(text, at);
        if (length == 0) {
            out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
            ++at;
        } else {
            out.append(text.substr(at, length));
            at += length;
        }
    }
    return out;
}

// "21.5", "-3", "+33": [+-]digits[.digits]
bool is_plain_number(std::string_view text) {
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
    auto digits = [](std::string_view part) {
        return !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos;
    };
    const std::size_t point = text.find('.');
    if (point == std::string_view::npos) return digits(text);
    return digits(text.substr(0, point)) && digits(text.substr(point + 1));
}

// Spreadsheets read a cell starting with one of these as a formula.
bool could_be_formula(std::string_view text) {
    return !text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos &&
           !is_plain_number(text);
}

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// RFC 4180 §2.6
bool needs_quotes(std::string_view text, char separator) {
    return std::any_of(text.begin(), text.end(),
                       [separator](char c) { return c == separator || c == '"' || c == '\r' || c == '\n'; });
}

}  // namespace

// It runs for every field of every row: nothing is allocated for plain ASCII.
void append_csv_field(std::string& out, std::string_view text, char separator) {
    std::string repaired;
    if (!is_ascii(text) && !is_valid_utf8(text)) text = repaired = valid_utf8(text);
    const std::string_view guard = could_be_formula(text) ? "'" : "";
    if (!needs_quotes(text, separator)) {
        out.append(guard).append(text);
        return;
    }
    out.append("\"").append(guard);
    for (char c : text) {
        if (c == '"') out += '"';  // RFC 4180 §2.7
        out += c;
    }
    out += '"';
}

std::string csv_field(std::string_view text, char separator) {
    std::string out;
    append_csv_field(out, text, separator);
    return out;
}

void CsvRow::add(std::string_view text) {
    separate();
    append_csv_field(out_, text, separator_);
}

void CsvRow::add(std::uint64_t number) {
    separate();
    fmt::format_to(std::back_inserter(out_), "{}", number);
}

void CsvRow::skip(int fields) {
    for (int i = 0; i < fields; ++i) separate();
}

void CsvRow::separate() {
    if (started_) out_ += separator_;
    started_ = true;
}

}  // namespace mqscan
