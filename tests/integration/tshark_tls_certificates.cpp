#include "tshark_tls_certificates.hpp"

#include <openssl/ec.h>
#include <openssl/objects.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "stream_digest.hpp"
#include "tshark_process.hpp"

namespace {

constexpr std::string_view kRsaEncryption = "1.2.840.113549.1.1.1";
constexpr std::string_view kEcPublicKey = "1.2.840.10045.2.1";
constexpr std::string_view kBasicConstraints = "2.5.29.19";
constexpr std::string_view kSubjectAltName = "2.5.29.17";

// mqscan names objects as OpenSSL does (see mqscan/certificate.hpp); the dotted OID when
// OpenSSL has no name.
std::string openssl_name(const std::string& oid, bool long_name) {
    const int nid = OBJ_txt2nid(oid.c_str());
    if (nid == NID_undef) return oid;
    return long_name ? OBJ_nid2ln(nid) : OBJ_nid2sn(nid);
}

const JsonNode& required(const JsonNode* node, std::string_view what) {
    if (node == nullptr)
        throw std::runtime_error(fmt::format("no {} in tshark's certificate", what));
    return *node;
}

// An attribute's value is the last leaf of its element: after x509if.oid and, for a
// DirectoryString, the number of the string type tshark shows before the string.
std::string attribute_value(const JsonNode& element, std::string_view oid) {
    const std::string* value = nullptr;
    auto visit = [&](const auto& self, const JsonNode& node) -> void {
        for (const JsonMember& member : node.members) {
            if (!member.value.members.empty()) {
                self(self, member.value);
            } else if (member.key != "x509if.oid" && member.key != "x509sat.DirectoryString") {
                value = &member.value.scalar;
            }
        }
    };
    visit(visit, element);
    if (value == nullptr)
        throw std::runtime_error(fmt::format("tshark shows no value for attribute {}", oid));
    return *value;
}

std::string name_of(const JsonNode& name_tree) {
    std::vector<NameAttribute> name;
    for (const JsonNode* element :
         name_tree.all_below("x509if.RelativeDistinguishedName_item_element")) {
        const std::string& oid = element->at("x509if.oid").scalar;
        name.push_back({openssl_name(oid, false), attribute_value(*element, oid)});
    }
    return name_text(name);
}

// x509af.serialNumber is the INTEGER's bytes: without the 00 that DER puts before a first
// byte with its high bit set, they are the magnitude.
std::string serial_of(const JsonNode& serial) {
    std::vector<std::uint8_t> bytes = parse_hex(serial.scalar);
    if (bytes.size() > 1 && bytes[0] == 0 && (bytes[1] & 0x80) != 0) bytes.erase(bytes.begin());
    std::string hex;
    for (const std::uint8_t byte : bytes) hex += fmt::format("{:02X}", byte);
    return hex;
}

// tshark writes a UTCTime "2026-11-22 12:07:41 (UTC)" and a GeneralizedTime as an absolute
// time, "Apr  9, 2054 12:07:35.000000000 UTC".
std::string iso_time(const JsonNode& validity_tree) {
    if (const JsonNode* utc = validity_tree.find("x509af.utcTime")) {
        const std::string& text = utc->scalar;
        if (text.size() != 25 || !text.ends_with(" (UTC)"))
            throw std::runtime_error("unexpected x509af.utcTime: " + text);
        return text.substr(0, 10) + "T" + text.substr(11, 8) + "Z";
    }
    const std::string& text = required(validity_tree.find("x509af.generalizedTime"), "time").scalar;
    static constexpr std::array<std::string_view, 12> kMonths{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char month[4] = {};
    int day = 0, year = 0, hour = 0, minute = 0, second = 0;
    if (std::sscanf(text.c_str(), "%3s %d, %d %d:%d:%d", month, &day, &year, &hour, &minute,
                    &second) != 6 ||
        std::ranges::find(kMonths, month) == kMonths.end())
        throw std::runtime_error("unexpected x509af.generalizedTime: " + text);
    const auto month_number = std::ranges::find(kMonths, month) - kMonths.begin() + 1;
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month_number, day, hour,
                       minute, second);
}

std::uint64_t bit_length(const std::vector<std::uint8_t>& magnitude) {
    auto first = std::ranges::find_if(magnitude, [](std::uint8_t byte) { return byte != 0; });
    if (first == magnitude.end()) return 0;
    std::uint64_t bits = static_cast<std::uint64_t>(magnitude.end() - first - 1) * 8;
    for (unsigned top = *first; top != 0; top >>= 1) ++bits;
    return bits;
}

// As mqscan/certificate.hpp names keys; tshark shows the size of an RSA key (its modulus)
// and the curve of an EC key, and nothing of the others but their algorithm.
std::string key_of(const JsonNode& public_key_info) {
    const std::string& algorithm =
        required(public_key_info.find_below("x509af.algorithm.id"), "key algorithm").scalar;
    if (algorithm == kRsaEncryption) {
        const JsonNode& modulus = required(public_key_info.find_below("pkcs1.modulus"), "modulus");
        return fmt::format("RSA {}", bit_length(parse_hex(modulus.scalar)));
    }
    if (algorithm == kEcPublicKey) {
        const std::string& curve =
            required(public_key_info.find_below("pkcs1.namedCurve"), "EC curve").scalar;
        const char* nist = EC_curve_nid2nist(OBJ_txt2nid(curve.c_str()));
        return "EC " + (nist != nullptr ? std::string(nist) : openssl_name(curve, false));
    }
    return fmt::format("{} (tshark shows no size)", openssl_name(algorithm, false));
}

// The extension elements of the certificate whose id is `oid`.
const JsonNode* extension(const JsonNode& signed_certificate, std::string_view oid) {
    for (const JsonNode* element : signed_certificate.all_below("x509af.Extension_element"))
        if (element->at("x509af.extension.id").scalar == oid) return element;
    return nullptr;
}

// The subject alternative names in certificate order, written as OpenSSL's GENERAL_NAME
// types are ("DNS:", "IP:", "email:", "URI:"); any other kind under tshark's field name.
std::vector<std::string> san_of(const JsonNode* san_extension) {
    static const std::map<std::string_view, std::string_view> kPrefixes{
        {"x509ce.dNSName", "DNS:"},
        {"x509ce.IPAddress.ipv4", "IP:"},
        {"x509ce.IPAddress.ipv6", "IP:"},
        {"x509ce.rfc822Name", "email:"},
        {"x509ce.uniformResourceIdentifier", "URI:"},
    };
    std::vector<std::string> names;
    if (san_extension == nullptr) return names;
    for (const JsonNode* general_name : san_extension->all_below("x509ce.GeneralName_tree")) {
        for (const JsonMember& member : general_name->members) {
            const auto prefix = kPrefixes.find(member.key);
            names.push_back(prefix != kPrefixes.end()
                                ? std::string(prefix->second) + member.value.scalar
                                : member.key + ":" + member.value.scalar);
        }
    }
    return names;
}

bool is_ca(const JsonNode* basic_constraints) {
    if (basic_constraints == nullptr) return false;
    const JsonNode* ca = basic_constraints->find_below("x509ce.cA");
    return ca != nullptr && ca->scalar == "1";  // absent: DEFAULT FALSE
}

}  // namespace

TlsCertificate tshark_certificate(const JsonNode& der, const JsonNode* tree) {
    const std::vector<std::uint8_t> bytes = parse_hex(der.scalar);
    TlsCertificate certificate;
    certificate.der_length = bytes.size();
    certificate.sha256 =
        digest_of({reinterpret_cast<const char*>(bytes.data()), bytes.size()}).sha256;
    if (tree == nullptr) {
        certificate.subject = "(tshark shows no decoding)";
        return certificate;
    }
    const JsonNode& tbs = tree->at("x509af.signedCertificate_element");
    const JsonNode& validity = tbs.at("x509af.validity_element");
    certificate.subject = name_of(tbs.at("x509af.subject_tree"));
    certificate.issuer = name_of(tbs.at("x509af.issuer_tree"));
    certificate.serial = serial_of(tbs.at("x509af.serialNumber"));
    certificate.not_before = iso_time(validity.at("x509af.notBefore_tree"));
    certificate.not_after = iso_time(validity.at("x509af.notAfter_tree"));
    certificate.signature_algorithm =
        openssl_name(tbs.at("x509af.signature_element").at("x509af.algorithm.id").scalar, true);
    certificate.key = key_of(tbs.at("x509af.subjectPublicKeyInfo_element"));
    certificate.san = san_of(extension(tbs, kSubjectAltName));
    certificate.is_ca = is_ca(extension(tbs, kBasicConstraints));
    return certificate;
}
