#include "analysis/delivery_words.hpp"

#include <fmt/format.h>

namespace mqscan {
namespace {

constexpr std::size_t kShownName = 80;

bool utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string who(std::uint64_t connection, std::string_view client_id) {
    if (client_id.empty()) return fmt::format("#{}", connection);
    return fmt::format("#{} (client '{}')", connection, shown_name(client_id));
}

std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural) {
    return fmt::format("{} {}", n, n == 1 ? singular : plural);
}

std::string shown_name(std::string_view name) {
    if (name.size() <= kShownName) return std::string(name);
    std::size_t cut = kShownName;
    while (cut > 0 && utf8_continuation(name[cut])) --cut;
    return std::string(name.substr(0, cut)) + "...";
}

}  // namespace mqscan
