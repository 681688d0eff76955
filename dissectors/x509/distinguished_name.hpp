#pragma once
// Distinguished names and object identifiers as OpenSSL names them.

#include <string>

#include "mqscan/certificate.hpp"
#include "mqscan/result.hpp"
#include "x509/openssl_handles.hpp"

namespace mqscan::x509 {

enum class ObjectName { Short, Long };

// OpenSSL's short ("CN") or long ("sha256WithRSAEncryption") name of the
// object, or its dotted OID when OpenSSL has no name for it.
std::string object_name(const ASN1_OBJECT* object, ObjectName form);

// Every attribute in certificate order, at most kMaxNameAttributes.
// `which` ("subject", "issuer") names the field in the error sentence.
Result<DistinguishedName, std::string> read_name(const X509_NAME* name, const char* which);

// "/C=FR/O=Ciel/CN=localhost", as OpenSSL's one-line form.
std::string one_line(const DistinguishedName& name);

}  // namespace mqscan::x509
