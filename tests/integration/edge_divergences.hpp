#pragma once
// The edge captures (edge/, made by edge/gen.py) on which mqscan and tshark are known to
// differ, and what each tool delivers there.

#include <string>
#include <string_view>
#include <vector>

#include "mqscan/endpoint.hpp"

// gen.py's two hosts.
mqscan::Endpoint edge_client();  // 10.0.0.1:40000
mqscan::Endpoint edge_server();  // 10.0.0.2:1883

// The bytes one tool delivers for one connection, per sender.
struct EdgeConnection {
    std::string client_sent;
    std::string server_sent;
};

struct KnownDivergence {
    std::string_view capture;  // file name under edge/
    std::string_view why;
    std::vector<EdgeConnection> mqscan;  // by connection id
    std::vector<EdgeConnection> tshark;  // by tcp.stream
};

// The divergence documented for the edge capture `file_name`, if any.
const KnownDivergence* known_edge_divergence(std::string_view file_name);
