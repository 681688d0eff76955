#pragma once
// The TLS tshark 4.0 decodes in a capture (`-T json`), in the terms of tls_view.hpp.

#include <cstdint>
#include <string>
#include <vector>

#include "tls_view.hpp"

// Runs tshark over `path` with TLS decoded on `tls_ports` too (`-d tcp.port==P,tls`; 443 and
// its heuristics are tshark's own). Throws std::runtime_error when tshark fails or prints
// something this parser does not know.
TlsConnections tshark_tls_connections(const std::string& path,
                                      const std::vector<std::uint16_t>& tls_ports);
