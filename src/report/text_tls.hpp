#pragma once

#include <string>
#include <vector>

#include "mqscan/tls.hpp"

namespace mqscan {

// "CN=localhost, O=Ciel Alice Martin" in certificate order.
std::string distinguished_name_text(const DistinguishedName& name);

// The TLS block of the text report: short sentences a student can read.
std::vector<std::string> tls_text_lines(const TlsConnectionReport& tls);

}  // namespace mqscan
