#pragma once
// Internal: what a TlsContext shares with its endpoints.

#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "lab/tls/tls_context.hpp"
#include "x509/openssl_handles.hpp"

namespace mqscan::lab {

using SslContextPtr = std::unique_ptr<SSL_CTX, x509::FreeWith<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, x509::FreeWith<SSL_free>>;

struct TlsContext::State {
    std::shared_ptr<const CryptoLibrary> library;  // first, so that it goes last
    SslContextPtr context;
    TlsRole role = TlsRole::Client;
    std::string server_name;
    bool check_host_name = true;
    TlsBufferLimits limits;
};

// The context's key log callback: hands `line` to the endpoint of `ssl` (tls_endpoint.cpp).
void record_key_log_line(const SSL* ssl, const char* line);

}  // namespace mqscan::lab
