#include "x509/general_name.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "mqscan/byte_reader.hpp"
#include "x509/distinguished_name.hpp"
#include "core/hex.hpp"

namespace mqscan::x509 {

namespace {

Bytes bytes_of(const ASN1_STRING* string) {
    return {ASN1_STRING_get0_data(string), static_cast<std::size_t>(ASN1_STRING_length(string))};
}

std::string text_of(const ASN1_STRING* string) {
    const Bytes bytes = bytes_of(string);
    return std::string(bytes.begin(), bytes.end());
}

// RFC 5280 §4.2.1.6: four octets for IPv4, sixteen for IPv6 (RFC 5952 text).
std::string ip_address(const ASN1_OCTET_STRING* address) {
    const Bytes bytes = bytes_of(address);
    if (bytes.size() == 4)
        return fmt::format("{}.{}.{}.{}", bytes[0], bytes[1], bytes[2], bytes[3]);
    if (bytes.size() == 16) {
        std::array<std::uint8_t, 16> ipv6{};
        std::copy(bytes.begin(), bytes.end(), ipv6.begin());
        std::array<char, INET6_ADDRSTRLEN> text{};
        if (inet_ntop(AF_INET6, ipv6.data(), text.data(), text.size()) != nullptr)
            return text.data();
    }
    std::string text = "#";
    return text += to_hex(bytes, HexCase::Lower);
}

}  // namespace

std::string describe_general_name(const GENERAL_NAME& name) {
    switch (name.type) {
        case GEN_DNS: return "DNS:" + text_of(name.d.dNSName);
        case GEN_IPADD: return "IP:" + ip_address(name.d.iPAddress);
        case GEN_EMAIL: return "email:" + text_of(name.d.rfc822Name);
        case GEN_URI: return "URI:" + text_of(name.d.uniformResourceIdentifier);
        case GEN_DIRNAME: {
            auto directory = read_name(name.d.directoryName, "directory name");
            return "DirName:" + (directory ? one_line(*directory) : "(" + directory.error() + ")");
        }
        case GEN_RID: return "RID:" + object_name(name.d.registeredID, ObjectName::Short);
        case GEN_OTHERNAME:
            return "othername:" + object_name(name.d.otherName->type_id, ObjectName::Short);
        case GEN_X400: return "X400Name";
        case GEN_EDIPARTY: return "EdiPartyName";
        default: return fmt::format("type {}", name.type);
    }
}

}  // namespace mqscan::x509
