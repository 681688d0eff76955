#pragma once
// The values of mosquitto's and its clients' options that `mqscan lab broker`,
// `pub` and `sub` take as those tools do, read into the lab's settings.

#include <optional>
#include <string>
#include <string_view>

#include "lab/tls/tls_context.hpp"
#include "mqscan/mqtt.hpp"

namespace mqscan::lab::real {

// -V: "mqttv31", "mqttv311", "mqttv5", or "31", "311", "5".
std::optional<mqtt::Version> protocol_version_named(std::string_view name);

// --tls-version (clients) and tls_version (broker): "tlsv1.2" or "tlsv1.3".
// The broker's is a minimum, as mosquitto's; a client's is the one it offers.
enum class TlsVersionRole : std::uint8_t { Minimum, Exact };
std::optional<TlsVersions> tls_versions_named(std::string_view name, TlsVersionRole role);

// The files of a side's TLS settings: mosquitto's cafile, certfile, keyfile.
struct TlsFiles {
    std::string cafile;
    std::string certfile;
    std::string keyfile;
};
// The context options they make: the CA verifies the peer, the certificate
// and key (both, or neither) are this side's. std::invalid_argument with the
// file at fault when one does not read.
TlsContextOptions tls_options_from_files(TlsRole role, const TlsFiles& files);

}  // namespace mqscan::lab::real
