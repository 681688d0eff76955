#pragma once
// A certificate's public key in a few words.

#include <string>

#include "x509/openssl_handles.hpp"

namespace mqscan::x509 {

// "RSA 2048", "EC P-256" (NIST name, else the curve's short name), "Ed25519",
// "DSA 2048", ...; for a key OpenSSL cannot decode, its algorithm and why.
std::string describe_public_key(const X509* certificate);

}  // namespace mqscan::x509
