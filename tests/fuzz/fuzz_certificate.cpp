// Fuzz target: bytes -> x509::certificate_entry, as the TLS dissector calls it
// for each certificate of a Certificate message. Aborts when the entry is not
// what the interface promises, when OpenSSL's error queue is not empty after
// the call, or when a good certificate read next does not read as it did
// before this input (one certificate's errors must never reach the next).
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <openssl/err.h>

#include "lab/certificate_factory.hpp"
#include "x509/certificate_summary.hpp"

namespace {

using namespace mqscan;

void require(bool holds, const char* what) {
    if (holds) return;
    std::fprintf(stderr, "fuzz_certificate: invariant broken: %s\n", what);
    std::abort();
}

struct Reference {
    std::vector<std::uint8_t> der;
    CertificateSummary summary;
};

Reference make_reference() {
    const lab::PrivateKey key(lab::KeyAlgorithm::EcP256);
    lab::CertificateSpec spec;
    spec.subject = {{"O", "Ciel Inès Lefèvre"}, {"CN", "localhost"}};
    spec.san = {"DNS:localhost", "IP:127.0.0.1"};
    spec.not_before = 1704067200;
    spec.not_after = 2019686400;
    Reference reference{lab::make_self_signed(spec, key), {}};
    auto summary = x509::summarize_certificate(reference.der);
    require(summary.ok(), "the reference certificate reads");
    reference.summary = std::move(*summary);
    return reference;
}

void check_entry(const CertificateEntry& entry, std::size_t size) {
    require(entry.der_length == size, "der_length is the input's length");
    require(entry.summary.has_value() != !entry.error.empty(), "a summary or an error, not both");
    if (!entry.summary) return;
    const CertificateSummary& s = *entry.summary;
    require(size <= x509::kMaxCertificateDerBytes, "no summary past the size limit");
    require(s.san.size() <= x509::kMaxSanListed && s.san.size() <= s.san_total, "SAN list capped");
    require(s.subject.size() <= x509::kMaxNameAttributes, "subject capped");
    require(s.issuer.size() <= x509::kMaxNameAttributes, "issuer capped");
    require(s.sha256.size() == 64, "a SHA-256 fingerprint");
    require(!s.serial.empty() && !s.key.empty() && !s.signature_algorithm.empty(), "fields filled");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Reference reference = make_reference();
    check_entry(x509::certificate_entry(Bytes(data, size)), size);
    require(ERR_peek_error() == 0, "OpenSSL's error queue is empty after the call");
    const auto again = x509::summarize_certificate(reference.der);
    require(again.ok() && *again == reference.summary, "the next certificate reads as before");
    return 0;
}
