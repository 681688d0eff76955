#pragma once
// Names of TLS code points, from the IANA TLS registries (tls-parameters,
// tls-extensiontype-values, tls-alerts). A value no table knows reads
// "unknown (0x1234)"; a GREASE value (RFC 8701) reads "GREASE (0x0a0a)".

#include <cstdint>
#include <string>
#include <string_view>

#include "mqscan/connection.hpp"

namespace mqscan::tls {

// RFC 8701 §2: 0x0A0A, 0x1A1A, ..., 0xFAFA, reserved so that peers must ignore them.
[[nodiscard]] constexpr bool is_grease(std::uint16_t value) {
    return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
}

// RFC 8446 §4.2.1 and the drafts before it: 0x0304, or 0x7fXX for draft XX.
[[nodiscard]] constexpr bool is_tls13(std::uint16_t version) {
    return version == 0x0304 || (version >> 8) == 0x7f;
}

[[nodiscard]] std::string cipher_suite_name(std::uint16_t suite);
[[nodiscard]] std::string extension_name(std::uint16_t type);
[[nodiscard]] std::string group_name(std::uint16_t group);
[[nodiscard]] std::string signature_scheme_name(std::uint16_t scheme);
[[nodiscard]] std::string handshake_type_name(std::uint8_t type);
[[nodiscard]] bool is_known_handshake_type(std::uint8_t type);
[[nodiscard]] std::string alert_description_name(std::uint8_t description);
[[nodiscard]] std::string alert_level_name(std::uint8_t level);
[[nodiscard]] std::string psk_mode_name(std::uint8_t mode);
// "SSL 2.0", "SSL 3.0", "TLS 1.0" ... "TLS 1.3", "TLS 1.3 (draft 28)".
[[nodiscard]] std::string version_name(std::uint16_t version);
[[nodiscard]] std::string content_type_name(std::uint8_t type);
// Who sent what goes in `dir`: "client" or "server".
[[nodiscard]] constexpr std::string_view sender_name(Direction dir) {
    return dir == Direction::ToServer ? "client" : "server";
}

}  // namespace mqscan::tls
