#include "tls/fingerprints.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "tls/digest.hpp"
#include "tls/extensions.hpp"
#include "tls/names.hpp"

namespace mqscan::tls {
namespace {

template <typename T>
std::vector<T> without_grease(const std::vector<T>& values) {
    std::vector<T> kept;
    std::copy_if(values.begin(), values.end(), std::back_inserter(kept),
                 [](T value) { return !is_grease(value); });
    return kept;
}

// JA3 lists: decimal values joined by "-".
template <typename T>
std::string decimal_list(const std::vector<T>& values) {
    return fmt::format("{}", fmt::join(values, "-"));
}

// JA4 lists: four lower-case hex digits, joined by ",".
std::string hex_list(const std::vector<std::uint16_t>& values) {
    std::string out;
    for (const std::uint16_t value : values) {
        if (!out.empty()) out += ',';
        out += fmt::format("{:04x}", value);
    }
    return out;
}

// JA4.md "Cipher hash", "Extension hash": an empty list hashes to twelve zeros.
std::string truncated_sha256(std::string_view text, bool empty) {
    return empty ? std::string(12, '0') : sha256_hex(text).substr(0, 12);
}

// JA4.md "TLS and DTLS Version": the highest supported_versions value, else
// the hello's version.
std::string_view ja4_version(const TlsHelloSummary& hello) {
    const std::vector<std::uint16_t> offered = without_grease(hello.supported_versions);
    const std::uint16_t version =
        offered.empty() ? hello.legacy_version : *std::max_element(offered.begin(), offered.end());
    switch (version) {
        case 0x0304: return "13";
        case 0x0303: return "12";
        case 0x0302: return "11";
        case 0x0301: return "10";
        case 0x0300: return "s3";
        case 0x0002: return "s2";
        case 0xfeff: return "d1";
        case 0xfefd: return "d2";
        case 0xfefc: return "d3";
        default: return "00";
    }
}

bool alphanumeric(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// JA4.md "ALPN Extension Value": the first and last characters of the first
// protocol; when either is not ASCII alphanumeric, those of its hex form.
std::string ja4_alpn(const TlsHelloSummary& hello) {
    if (hello.alpn.empty() || hello.alpn.front().empty()) return "00";
    const std::string& first = hello.alpn.front();
    if (alphanumeric(first.front()) && alphanumeric(first.back())) return {first.front(), first.back()};
    static constexpr char kDigits[] = "0123456789abcdef";
    const auto first_byte = static_cast<unsigned char>(first.front());
    const auto last_byte = static_cast<unsigned char>(first.back());
    return {kDigits[first_byte >> 4], kDigits[last_byte & 0x0f]};
}

std::string two_digits(std::size_t count) { return fmt::format("{:02}", std::min<std::size_t>(count, 99)); }

}  // namespace

Fingerprint ja3(const TlsHelloSummary& client_hello) {
    const std::string text = fmt::format("{},{},{},{},{}", client_hello.legacy_version,
                                         decimal_list(without_grease(client_hello.cipher_suites)),
                                         decimal_list(without_grease(client_hello.extensions)),
                                         decimal_list(without_grease(client_hello.supported_groups)),
                                         decimal_list(client_hello.ec_point_formats));
    return {text, md5_hex(text)};
}

Fingerprint ja3s(const TlsHelloSummary& server_hello) {
    const std::string text = fmt::format("{},{},{}", server_hello.legacy_version,
                                         decimal_list(without_grease(server_hello.cipher_suites)),
                                         decimal_list(without_grease(server_hello.extensions)));
    return {text, md5_hex(text)};
}

Fingerprint ja4(const TlsHelloSummary& client_hello) {
    std::vector<std::uint16_t> ciphers = without_grease(client_hello.cipher_suites);
    const std::vector<std::uint16_t> extensions = without_grease(client_hello.extensions);
    const bool sni =
        std::find(extensions.begin(), extensions.end(), extension::kServerName) != extensions.end();
    const std::string prefix =
        fmt::format("t{}{}{}{}{}", ja4_version(client_hello), sni ? 'd' : 'i', two_digits(ciphers.size()),
                    two_digits(extensions.size()), ja4_alpn(client_hello));

    std::sort(ciphers.begin(), ciphers.end());
    const std::string cipher_list = hex_list(ciphers);

    // SNI and ALPN are already in the prefix.
    std::vector<std::uint16_t> hashed;
    std::copy_if(extensions.begin(), extensions.end(), std::back_inserter(hashed), [](std::uint16_t type) {
        return type != extension::kServerName && type != extension::kAlpn;
    });
    std::sort(hashed.begin(), hashed.end());
    std::string extension_list = hex_list(hashed);
    const std::vector<std::uint16_t> signatures = without_grease(client_hello.signature_algorithms);
    if (!signatures.empty()) (extension_list += '_') += hex_list(signatures);

    return {fmt::format("{}_{}_{}", prefix, cipher_list, extension_list),
            fmt::format("{}_{}_{}", prefix, truncated_sha256(cipher_list, ciphers.empty()),
                        truncated_sha256(extension_list, hashed.empty()))};
}

}  // namespace mqscan::tls
