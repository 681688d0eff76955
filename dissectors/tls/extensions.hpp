#pragma once
// Hello extensions (RFC 8446 §4.2): the types in order, and the content of
// those a report shows: server_name (RFC 6066 §3), supported_versions,
// supported_groups, signature_algorithms, key_share, psk_key_exchange_modes,
// pre_shared_key, early_data (RFC 8446 §4.2.1-4.2.11), ALPN (RFC 7301 §3.1),
// ec_point_formats (RFC 8422 §5.1.2), status_request (RFC 6066 §8) and
// record_size_limit (RFC 8449 §4).

#include <cstdint>
#include <string>
#include <vector>

#include "mqscan/anomaly.hpp"
#include "mqscan/byte_reader.hpp"
#include "mqscan/tls.hpp"

namespace mqscan::tls {

// The ExtensionType values read here (IANA TLS ExtensionType Values).
namespace extension {
inline constexpr std::uint16_t kServerName = 0;
inline constexpr std::uint16_t kStatusRequest = 5;
inline constexpr std::uint16_t kSupportedGroups = 10;
inline constexpr std::uint16_t kEcPointFormats = 11;
inline constexpr std::uint16_t kSignatureAlgorithms = 13;
inline constexpr std::uint16_t kAlpn = 16;
inline constexpr std::uint16_t kRecordSizeLimit = 28;
inline constexpr std::uint16_t kPreSharedKey = 41;
inline constexpr std::uint16_t kEarlyData = 42;
inline constexpr std::uint16_t kSupportedVersions = 43;
inline constexpr std::uint16_t kPskKeyExchangeModes = 45;
inline constexpr std::uint16_t kKeyShare = 51;
}  // namespace extension

// Where the extensions are: their content differs between the hellos.
enum class HelloKind { Client, Server, RetryRequest };

// A finding that costs one field, not the message.
struct ParseIssue {
    AnomalyId id;
    std::string detail;
};

// Reads the body of an extensions block into `hello`. An extension whose
// content contradicts its lengths, or comes twice, is an issue; false when an
// extension's length runs past the block, which leaves the rest unreadable.
[[nodiscard]] bool read_extensions(ByteReader block, HelloKind kind, TlsHelloSummary& hello,
                                   std::vector<ParseIssue>& issues);

}  // namespace mqscan::tls
