#pragma once
// Plain words for the TLS alerts students meet in the labs (RFC 8446 §6.2,
// RFC 5246 §7.2.2 say what each means to an implementation; these say what
// to check on the broker and the client).

#include <cstdint>
#include <string>

#include "mqscan/connection.hpp"

namespace mqscan::tls {

// `sender`: the direction the alert went; `empty_client_certificate`: the
// client answered a certificate request with no certificate. Empty for
// alerts without an explanation.
[[nodiscard]] std::string explain_alert(std::uint8_t description, Direction sender,
                                        bool empty_client_certificate);

}  // namespace mqscan::tls
