#include "edge_divergences.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace {

mqscan::Endpoint ipv4_endpoint(const char* address, std::uint16_t port) {
    mqscan::Endpoint endpoint;
    inet_pton(AF_INET, address, endpoint.address.bytes.data());
    endpoint.port = port;
    return endpoint;
}

// Each entry is also described in README.md ("Documented divergences").
const std::array<KnownDivergence, 3> kDivergences{{
    {"rst_payload.pcap",
     "a RST's payload is diagnostic text, not stream data (RFC 1122 4.2.2.12): mqscan drops "
     "it by design, tshark's follow shows it",
     {{"abc", ""}},
     {{"abc", "reset reason text"}}},
    {"hole_unacked.pcap",
     "data after a hole nobody acknowledged: tshark's follow keeps it waiting for the hole "
     "to be filled and never prints it (frame 5, seq 110, is only marked 'previous segment "
     "not captured'); mqscan delivers it after a 6-byte gap: those bytes are in the capture",
     {{"abcafter hole", ""}},
     {{"abc", ""}}},
    {"idle_2h.pcap",
     "silent for 2 hours, longer than mqscan's idle limit (Limits::idle_timeout_seconds, "
     "1 hour): mqscan ends the connection and starts a new one (a documented limit, it "
     "bounds the connection table); tshark keeps one stream",
     {{"abc", ""}, {"def", "xyz"}},
     {{"abcdef", "xyz"}}},
}};

}  // namespace

mqscan::Endpoint edge_client() { return ipv4_endpoint("10.0.0.1", 40000); }
mqscan::Endpoint edge_server() { return ipv4_endpoint("10.0.0.2", 1883); }

const KnownDivergence* known_edge_divergence(std::string_view file_name) {
    const auto found = std::ranges::find(kDivergences, file_name, &KnownDivergence::capture);
    return found == kDivergences.end() ? nullptr : &*found;
}
