#include "x509/certificate_summary.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "x509/der_certificate.hpp"
#include "x509/distinguished_name.hpp"
#include "x509/general_name.hpp"
#include "core/hex.hpp"
#include "x509/openssl_handles.hpp"
#include "x509/public_key.hpp"

namespace mqscan::x509 {

namespace {

// What stops a certificate from being summarised, if anything.
using Problem = std::optional<std::string>;

std::optional<std::int64_t> unix_seconds(const ASN1_TIME* time) {
    std::tm fields{};
    if (ASN1_TIME_to_tm(time, &fields) != 1) return std::nullopt;
    using namespace std::chrono;
    const year_month_day date{year{fields.tm_year + 1900},
                              month{static_cast<unsigned>(fields.tm_mon + 1)},
                              day{static_cast<unsigned>(fields.tm_mday)}};
    if (!date.ok()) return std::nullopt;
    const auto moment =
        sys_days{date} + hours{fields.tm_hour} + minutes{fields.tm_min} + seconds{fields.tm_sec};
    return duration_cast<seconds>(moment.time_since_epoch()).count();
}

// An extension decoded by OpenSSL: null when absent. RFC 5280 §4.2: a
// certificate MUST NOT include more than one instance of an extension.
template <typename Handle>
Result<Handle, std::string> decode_extension(const X509* certificate, int nid, const char* name) {
    int critical = 0;
    Handle decoded(static_cast<typename Handle::pointer>(
        X509_get_ext_d2i(certificate, nid, &critical, nullptr)));
    if (decoded || critical == -1) return decoded;
    if (critical == -2) return fail(fmt::format("its {} extension appears more than once", name));
    return fail(fmt::format("its {} extension cannot be decoded ({})", name, openssl_reason()));
}

Problem read_names(const X509* certificate, CertificateSummary& summary) {
    auto subject = read_name(X509_get_subject_name(certificate), "subject");
    if (!subject) return subject.error();
    auto issuer = read_name(X509_get_issuer_name(certificate), "issuer");
    if (!issuer) return issuer.error();
    summary.subject = std::move(*subject);
    summary.issuer = std::move(*issuer);
    return std::nullopt;
}

Problem read_validity(const X509* certificate, CertificateSummary& summary) {
    const auto not_before = unix_seconds(X509_get0_notBefore(certificate));
    if (!not_before) return "its notBefore is not a valid UTCTime or GeneralizedTime";
    const auto not_after = unix_seconds(X509_get0_notAfter(certificate));
    if (!not_after) return "its notAfter is not a valid UTCTime or GeneralizedTime";
    summary.not_before = *not_before;
    summary.not_after = *not_after;
    return std::nullopt;
}

Problem read_subject_alt_names(const X509* certificate, CertificateSummary& summary) {
    auto names =
        decode_extension<GeneralNamesPtr>(certificate, NID_subject_alt_name, "subjectAltName");
    if (!names) return names.error();
    if (!*names) return std::nullopt;
    const int count = sk_GENERAL_NAME_num(names->get());
    summary.san_total = static_cast<std::size_t>(std::max(count, 0));
    for (int i = 0; i < count && summary.san.size() < kMaxSanListed; ++i)
        summary.san.push_back(describe_general_name(*sk_GENERAL_NAME_value(names->get(), i)));
    return std::nullopt;
}

Problem read_basic_constraints(const X509* certificate, CertificateSummary& summary) {
    auto constraints = decode_extension<BasicConstraintsPtr>(certificate, NID_basic_constraints,
                                                             "basicConstraints");
    if (!constraints) return constraints.error();
    summary.is_ca = *constraints && (*constraints)->ca != 0;
    return std::nullopt;
}

// Upper-case hex of the integer's bytes, as `openssl x509 -serial` prints it.
std::string serial_hex(const X509* certificate) {
    const ASN1_INTEGER* serial = X509_get0_serialNumber(certificate);
    const Bytes magnitude(ASN1_STRING_get0_data(serial),
                          static_cast<std::size_t>(ASN1_STRING_length(serial)));
    const bool negative = ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER;
    std::string text = negative ? "-" : "";
    return text += to_hex(magnitude, HexCase::Upper);
}

std::string signature_algorithm(const X509* certificate) {
    const X509_ALGOR* algorithm = nullptr;
    X509_get0_signature(nullptr, &algorithm, certificate);
    const ASN1_OBJECT* object = nullptr;
    X509_ALGOR_get0(&object, nullptr, nullptr, algorithm);
    return object_name(object, ObjectName::Long);
}

bool self_signed(X509* certificate) {
    EVP_PKEY* key = X509_get0_pubkey(certificate);
    return key != nullptr &&
           X509_NAME_cmp(X509_get_subject_name(certificate), X509_get_issuer_name(certificate)) ==
               0 &&
           X509_verify(certificate, key) == 1;
}

std::string sha256_hex(Bytes der) {
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(der.data(), der.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        return {};
    return to_hex(Bytes(digest.data(), length), HexCase::Lower);
}

}  // namespace

Result<CertificateSummary, std::string> summarize_certificate(Bytes der) {
    const ErrorQueueCleaner clear_errors_on_return;
    auto parsed = parse_der_certificate(der);
    if (!parsed) return fail(parsed.error());
    X509* certificate = parsed->get();

    CertificateSummary summary;
    constexpr std::array kReaders{read_names, read_validity, read_subject_alt_names,
                                  read_basic_constraints};
    for (const auto read : kReaders)
        if (Problem problem = read(certificate, summary)) return fail(std::move(*problem));
    summary.serial = serial_hex(certificate);
    summary.signature_algorithm = signature_algorithm(certificate);
    summary.key = describe_public_key(certificate);
    summary.self_signed = self_signed(certificate);
    summary.sha256 = sha256_hex(der);
    return summary;
}

CertificateEntry certificate_entry(Bytes der) {
    CertificateEntry entry;
    entry.der_length = static_cast<std::uint32_t>(
        std::min<std::size_t>(der.size(), std::numeric_limits<std::uint32_t>::max()));
    auto summary = summarize_certificate(der);
    if (summary)
        entry.summary = std::move(*summary);
    else
        entry.error = summary.error();
    return entry;
}

}  // namespace mqscan::x509
