#pragma once
// The hellos, as pure functions over one complete handshake message body:
// ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2), ServerHello and
// HelloRetryRequest (RFC 8446 §4.1.3-4.1.4), and the SSL 2.0-compatible
// ClientHello (RFC 5246 Appendix E.2).

#include <string>
#include <vector>

#include "mqscan/result.hpp"
#include "mqscan/tls.hpp"
#include "tls/extensions.hpp"

namespace mqscan::tls {

struct ParsedHello {
    TlsHelloSummary hello;
    bool retry_request = false;  // a ServerHello carrying the HelloRetryRequest random
    std::vector<ParseIssue> issues;
};

// Failure: one sentence naming the field that runs past the message or the
// bytes left after it.
using HelloResult = Result<ParsedHello, std::string>;

[[nodiscard]] HelloResult parse_client_hello(Bytes body);
[[nodiscard]] HelloResult parse_server_hello(Bytes body);
// `message`: the SSL 2.0 record's content, from msg_type on.
[[nodiscard]] HelloResult parse_sslv2_client_hello(Bytes message);

}  // namespace mqscan::tls
