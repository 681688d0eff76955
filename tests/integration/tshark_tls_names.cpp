#include "tshark_tls_names.hpp"

#include <cctype>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "tshark_process.hpp"

namespace {

using ValueNames = std::map<std::uint64_t, std::string>;

// `tshark -G values` lines "V<TAB>field<TAB>value<TAB>name" of the fields named here.
struct TsharkValueNames {
    ValueNames versions;
    ValueNames ciphers;
    ValueNames handshake_types;
    ValueNames alert_levels;
    ValueNames alert_descriptions;

    TsharkValueNames() {
        const std::map<std::string, ValueNames*> wanted{
            {"tls.handshake.extensions.supported_version", &versions},
            {"tls.handshake.ciphersuite", &ciphers},
            {"tls.handshake.type", &handshake_types},
            {"tls.alert_message.level", &alert_levels},
            {"tls.alert_message.desc", &alert_descriptions},
        };
        run_tshark("-G values", [&](std::string_view line) {
            std::istringstream columns{std::string(line)};
            std::string kind, field, value, name;
            std::getline(columns, kind, '\t');
            std::getline(columns, field, '\t');
            std::getline(columns, value, '\t');
            std::getline(columns, name);
            const auto table = wanted.find(field);
            // tls.handshake.type lists SSL 2.0's types first, then TLS's: the later name wins.
            if (kind == "V" && table != wanted.end()) (*table->second)[parse_number(value)] = name;
        });
    }
};

const TsharkValueNames& names() {
    static const TsharkValueNames loaded;  // tshark runs once, whichever thread asks first
    return loaded;
}

std::string snake_case(const std::string& name) {
    std::string text;
    for (const char c : name)
        text += c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string snake_case_name(const ValueNames& table, std::uint64_t value) {
    const auto found = table.find(value);
    return found == table.end() ? fmt::format("unknown (0x{:02x})", value)
                                : snake_case(found->second);
}

}  // namespace

std::string tshark_version_name(std::uint16_t version) {
    const auto found = names().versions.find(version);
    return found == names().versions.end() ? fmt::format("0x{:04x}", version) : found->second;
}

std::string tshark_cipher_name(std::uint16_t suite) {
    const auto found = names().ciphers.find(suite);
    return found == names().ciphers.end() ? fmt::format("unknown (0x{:04x})", suite)
                                          : found->second;
}

std::string tshark_handshake_type_name(std::uint64_t type) {
    return snake_case_name(names().handshake_types, type);
}

std::string tshark_alert_level_name(std::uint64_t level) {
    return snake_case_name(names().alert_levels, level);
}

std::string tshark_alert_description_name(std::uint64_t description) {
    return snake_case_name(names().alert_descriptions, description);
}
