#pragma once
// The TLS mqscan reports for a capture (`mqscan report --format json`), in the terms of
// tls_view.hpp.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "tls_view.hpp"

struct MqscanTls {
    TlsConnections connections;                     // the connections whose protocol is "tls"
    std::vector<std::string> ja4;                   // of each of them that has one, by id
    std::set<std::uint64_t> cleartext_on_tls_port;  // anomaly mqtt.cleartext_on_tls_port
};

// Runs mqscan's command line over `path` with TLS expected on `tls_ports` too (--tls-port).
// Throws std::runtime_error when mqscan fails, nlohmann::json::exception when its report
// lacks a field this reader needs.
MqscanTls mqscan_tls_connections(const std::string& path,
                                 const std::vector<std::uint16_t>& tls_ports);
