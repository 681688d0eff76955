#pragma once
// A registry table lookup shared by names.cpp and cipher_suite_names.cpp.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include "tls/names.hpp"

namespace mqscan::tls {

struct NamedValue {
    std::uint16_t value;
    std::string_view name;
};

// `table` is sorted by value. `digits`: hex digits of an unknown value.
template <typename Table>
std::string name_in(const Table& table, std::uint16_t value, int digits = 4) {
    const auto found =
        std::lower_bound(table.begin(), table.end(), value,
                         [](const NamedValue& entry, std::uint16_t v) { return entry.value < v; });
    if (found != table.end() && found->value == value) return std::string(found->name);
    if (digits == 4 && is_grease(value)) return fmt::format("GREASE (0x{:04x})", value);
    return fmt::format("unknown (0x{:0{}x})", value, digits);
}

}  // namespace mqscan::tls
