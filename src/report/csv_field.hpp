#pragma once
// RFC 4180 fields and rows, safe to open in a spreadsheet. Shared by the
// packet CSV (`--format csv`) and the grades CSV (`mqscan grade`).

#include <cstdint>
#include <string>
#include <string_view>

namespace mqscan {

// RFC 4180 §2: rows end in CRLF.
inline constexpr std::string_view kCsvLineEnd = "\r\n";

// Appends one field to `out`:
//  - bytes that are not UTF-8 become U+FFFD (as in the JSON report);
//  - a field starting with = + - @ tab or CR gets a leading apostrophe, so that a
//    topic or payload chosen by whoever made the traffic cannot become a formula
//    (OWASP "CSV injection"); a plain number such as "-3.5" is left as it is;
//  - a field holding the separator, a double quote, CR or LF is quoted, quotes doubled.
void append_csv_field(std::string& out, std::string_view text, char separator = ',');

// One field as text (see append_csv_field).
std::string csv_field(std::string_view text, char separator = ',');

// Appends fields separated by `separator` (a comma; a semicolon for the
// spreadsheets of countries where the comma is the decimal mark).
class CsvRow {
public:
    explicit CsvRow(char separator = ',') : separator_(separator) {}

    void add(std::string_view text);
    void add(std::uint64_t number);
    void add_flag(bool flag) { add(std::uint64_t{flag ? 1U : 0U}); }
    void skip(int fields);
    std::string take() { return std::move(out_); }

private:
    void separate();

    std::string out_;
    char separator_;
    bool started_ = false;
};

}  // namespace mqscan
