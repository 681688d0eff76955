#pragma once
// A certificate of a TLS Certificate message as tshark 4.0 shows it (`-T json`), in the
// terms of tls_view.hpp.

#include "ordered_json.hpp"
#include "tls_view.hpp"

// `der` is a "tls.handshake.certificate" field (the bytes), `tree` the
// "tls.handshake.certificate_tree" after it (tshark's X.509 decoding), or nullptr when tshark
// shows none. Throws std::runtime_error for a shape this parser does not know.
TlsCertificate tshark_certificate(const JsonNode& der, const JsonNode* tree);
