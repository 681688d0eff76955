#include "lab/tls/lab_credentials.hpp"

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include <openssl/pem.h>

#include "x509/der_certificate.hpp"
#include "x509/openssl_handles.hpp"

namespace mqscan::lab {

namespace {

constexpr std::int64_t kCaDays = 3650;
constexpr std::int64_t kLeafDays = 365;

struct Authority {
    PrivateKey key;
    std::vector<std::uint8_t> certificate;
};

CertificateSpec spec(DistinguishedName subject, std::int64_t not_before, std::int64_t days,
                     std::uint64_t serial) {
    CertificateSpec made;
    made.subject = std::move(subject);
    made.not_before = not_before;
    made.not_after = not_before + days * kSecondsPerDay;
    made.serial = serial;
    return made;
}

Authority make_authority(DistinguishedName subject, const LabCertificateOptions& options) {
    CertificateSpec ca = spec(std::move(subject), options.issued_at, kCaDays, 1);
    ca.is_ca = true;
    PrivateKey key(options.algorithm, options.library);
    std::vector<std::uint8_t> certificate = make_self_signed(ca, key);
    return {std::move(key), std::move(certificate)};
}

TlsCredentials issue(const Authority& authority, const CertificateSpec& leaf,
                     const LabCertificateOptions& options) {
    const PrivateKey key(options.algorithm, options.library);
    return {make_signed(leaf, key, authority.certificate, authority.key), {}, key.der()};
}

[[noreturn]] void refuse(const std::string& what) {
    throw std::invalid_argument(what + " (" + x509::openssl_reason() + ")");
}

x509::BioPtr read_only_bio(std::string_view text) {
    x509::BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio) throw std::runtime_error("cannot make a memory BIO");
    return bio;
}

std::vector<std::uint8_t> der_of(X509* certificate) {
    const int length = i2d_X509(certificate, nullptr);
    if (length <= 0) refuse("cannot encode a certificate");
    std::vector<std::uint8_t> der(static_cast<std::size_t>(length));
    unsigned char* cursor = der.data();
    i2d_X509(certificate, &cursor);
    return der;
}

// Never asks for a pass phrase: OpenSSL's default callback would read the terminal.
int no_pass_phrase(char* /*buffer*/, int /*size*/, int /*writing*/, void* /*user*/) { return -1; }

std::string read_text_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::invalid_argument("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

}  // namespace

LabCertificates make_lab_certificates(const std::string& student,
                                      const LabCertificateOptions& options) {
    const std::string organisation = "Ciel " + student;
    const Authority teacher =
        make_authority({{"O", "Ciel"}, {"OU", "iot"}, {"CN", "Ciel CA"}}, options);
    const Authority stranger =
        make_authority({{"O", "Autre"}, {"OU", "iot"}, {"CN", "Autre CA"}}, options);

    CertificateSpec broker =
        spec({{"O", organisation}, {"OU", "iot " + student}, {"CN", options.broker_host}},
             options.issued_at, kLeafDays, 2);
    broker.san = {"DNS:localhost", "IP:127.0.0.1"};
    if (options.broker_host != "localhost")
        broker.san.insert(broker.san.begin(), "DNS:" + options.broker_host);
    CertificateSpec client =
        spec({{"O", organisation}, {"CN", "localhost"}}, options.issued_at, kLeafDays, 3);

    // Valid for the year before issued_at, to the day.
    const std::int64_t expired_start = options.issued_at - (kLeafDays + 1) * kSecondsPerDay;
    CertificateSpec old_broker = broker;
    old_broker.not_before = expired_start;
    old_broker.not_after = expired_start + kLeafDays * kSecondsPerDay;
    old_broker.serial = 4;
    CertificateSpec old_client = client;
    old_client.not_before = old_broker.not_before;
    old_client.not_after = old_broker.not_after;
    old_client.serial = 5;

    LabCertificates made;
    made.ca = teacher.certificate;
    made.broker = issue(teacher, broker, options);
    made.client = issue(teacher, client, options);
    made.other_ca = stranger.certificate;
    made.client_of_other_ca = issue(stranger, client, options);
    made.expired_broker = issue(teacher, old_broker, options);
    made.expired_client = issue(teacher, old_client, options);
    return made;
}

std::vector<std::vector<std::uint8_t>> certificates_from_pem(std::string_view pem) {
    const x509::ErrorQueueCleaner clear_errors_on_return;
    const x509::BioPtr bio = read_only_bio(pem);
    std::vector<std::vector<std::uint8_t>> certificates;
    for (;;) {
        x509::X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, &no_pass_phrase, nullptr));
        if (!certificate) break;
        certificates.push_back(der_of(certificate.get()));
    }
    // The loop ends on "no start line" once the text is used up; anything else is an error.
    const unsigned long error = ERR_peek_last_error();
    if (ERR_GET_LIB(error) != ERR_LIB_PEM || ERR_GET_REASON(error) != PEM_R_NO_START_LINE)
        refuse("a certificate of the PEM text cannot be read");
    if (certificates.empty()) throw std::invalid_argument("the PEM text holds no certificate");
    return certificates;
}

TlsCredentials credentials_from_pem(std::string_view certificate_pem, std::string_view key_pem) {
    std::vector<std::vector<std::uint8_t>> certificates = certificates_from_pem(certificate_pem);
    const x509::ErrorQueueCleaner clear_errors_on_return;
    const x509::BioPtr bio = read_only_bio(key_pem);
    const x509::EvpPkeyPtr key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, &no_pass_phrase, nullptr));
    if (!key) refuse("the key cannot be read (an unencrypted PEM key is needed)");
    const std::unique_ptr<PKCS8_PRIV_KEY_INFO, x509::FreeWith<PKCS8_PRIV_KEY_INFO_free>> info(
        EVP_PKEY2PKCS8(key.get()));
    if (!info) refuse("cannot encode the key");
    unsigned char* encoded = nullptr;
    const int length = i2d_PKCS8_PRIV_KEY_INFO(info.get(), &encoded);
    if (length <= 0) refuse("cannot encode the key");
    const x509::OpenSslBytes owned(encoded);

    TlsCredentials credentials;
    credentials.certificate = std::move(certificates.front());
    credentials.chain.assign(std::make_move_iterator(certificates.begin() + 1),
                             std::make_move_iterator(certificates.end()));
    credentials.private_key.assign(encoded, encoded + length);
    return credentials;
}

std::vector<std::vector<std::uint8_t>> read_certificate_file(const std::filesystem::path& path) {
    return certificates_from_pem(read_text_file(path));
}

TlsCredentials read_credential_files(const std::filesystem::path& certificate,
                                     const std::filesystem::path& key) {
    return credentials_from_pem(read_text_file(certificate), read_text_file(key));
}

}  // namespace mqscan::lab
