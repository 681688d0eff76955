#include "lab/real/mosquitto_options.hpp"

#include <stdexcept>

#include "lab/tls/lab_credentials.hpp"

namespace mqscan::lab::real {
namespace {

// The reader's error, with the file(s) it was reading.
template <typename Read>
auto naming(const std::string& files, Read read) {
    try {
        return read();
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(files + ": " + e.what());
    }
}

}  // namespace

std::optional<mqtt::Version> protocol_version_named(std::string_view name) {
    if (name == "mqttv31" || name == "31") return mqtt::Version::V31;
    if (name == "mqttv311" || name == "311") return mqtt::Version::V311;
    if (name == "mqttv5" || name == "5") return mqtt::Version::V5;
    return std::nullopt;
}

std::optional<TlsVersions> tls_versions_named(std::string_view name, TlsVersionRole role) {
    if (name == "tlsv1.3") return TlsVersions::Tls13Only;
    if (name == "tlsv1.2") return role == TlsVersionRole::Minimum ? TlsVersions::Tls12AndLater : TlsVersions::Tls12Only;
    return std::nullopt;
}

TlsContextOptions tls_options_from_files(TlsRole role, const TlsFiles& files) {
    if (files.certfile.empty() != files.keyfile.empty())
        throw std::invalid_argument("a certificate needs its key, and a key its certificate");
    TlsContextOptions options;
    options.role = role;
    if (!files.cafile.empty())
        options.trusted_certificates = naming(files.cafile, [&] { return read_certificate_file(files.cafile); });
    if (!files.certfile.empty())
        options.credentials = naming(files.certfile + " and " + files.keyfile,
                                     [&] { return read_credential_files(files.certfile, files.keyfile); });
    return options;
}

}  // namespace mqscan::lab::real
