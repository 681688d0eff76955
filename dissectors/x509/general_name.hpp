#pragma once
// One subject alternative name as a report shows it.

#include <string>

#include "x509/openssl_handles.hpp"

namespace mqscan::x509 {

// "DNS:example.org", "IP:127.0.0.1", "IP:::1", "email:a@b.fr", "URI:https://...",
// "DirName:/O=.../CN=...", "RID:1.2.3", "othername:<type>", "X400Name", "EdiPartyName".
// Text is kept byte for byte.
std::string describe_general_name(const GENERAL_NAME& name);

}  // namespace mqscan::x509
