#pragma once
// Message digests for the fingerprints, by OpenSSL's EVP interface, as
// lower-case hex.

#include <string>
#include <string_view>

namespace mqscan::tls {

[[nodiscard]] std::string md5_hex(std::string_view text);
[[nodiscard]] std::string sha256_hex(std::string_view text);

}  // namespace mqscan::tls
