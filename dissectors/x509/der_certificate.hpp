#pragma once
// The one place where certificate bytes from a capture reach OpenSSL.

#include <string>

#include "mqscan/byte_reader.hpp"
#include "mqscan/result.hpp"
#include "x509/openssl_handles.hpp"

namespace mqscan::x509 {

// The certificate encoded by exactly `der` (at most kMaxCertificateDerBytes), or why not.
// Leaves OpenSSL errors in the queue: callers hold an ErrorQueueCleaner.
Result<X509Ptr, std::string> parse_der_certificate(Bytes der);

// OpenSSL's reason for the oldest error in the queue (the most specific one
// of a failing call, when handled errors are cleared), for a sentence.
std::string openssl_reason();

}  // namespace mqscan::x509
