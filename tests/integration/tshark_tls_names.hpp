#pragma once
// The names tshark 4.0 gives TLS code points (its value strings, `tshark -G values`), written
// as the TLS test compares them.

#include <cstdint>
#include <string>

// "TLS 1.2", "TLS 1.3 (draft 28)", ...; "0x1234" for a version tshark does not name.
std::string tshark_version_name(std::uint16_t version);

// "TLS_AES_128_GCM_SHA256"; "unknown (0x1234)" for a suite tshark does not name.
std::string tshark_cipher_name(std::uint16_t suite);

// tshark's names in snake case, as the IANA registries write them: "client_hello",
// "unknown_ca", "fatal"; "unknown (0x1c)" for a value tshark does not name.
std::string tshark_handshake_type_name(std::uint64_t type);
std::string tshark_alert_level_name(std::uint64_t level);
std::string tshark_alert_description_name(std::uint64_t description);
