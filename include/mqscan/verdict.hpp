#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mqscan {

// The security verdict of the whole capture, in facts a grader can test.
struct Verdict {
    bool cleartext_mqtt = false;          // some MQTT crossed in clear
    bool cleartext_payloads = false;      // a PUBLISH with a payload crossed in clear
    bool cleartext_credentials = false;   // a CONNECT with a username or password crossed in clear
    bool anonymous_access = false;        // a CONNECT without username was accepted in clear
    bool tls = false;                     // some TLS connection was seen
    bool tls_established = false;         // some TLS handshake completed
    bool mutual_tls = false;              // a client certificate was seen (under TLS 1.3 it cannot be)
    bool certificates_visible = false;    // some server certificate is readable (TLS 1.2 and earlier)
    bool certificates_verified = false;   // chains were verified against --ca, and every one passed
    bool failed_handshakes = false;
    std::vector<std::string> tls_versions;   // negotiated, distinct, sorted
    std::vector<std::string> cleartext_topics;  // distinct, sorted; the first 64
    std::string summary;                  // one or two sentences for the report's header
};

// Signs that the capture itself is incomplete or misleading.
struct CaptureQuality {
    std::uint64_t connect_missing = 0;    // MQTT sessions whose CONNECT was not captured
    std::uint64_t one_direction = 0;      // connections seen in one direction only
    std::uint64_t frames_cut = 0;         // frames shorter than on the wire (snaplen)
    std::uint64_t gaps = 0;               // missing stream segments over all connections
    std::uint64_t checksum_errors = 0;    // bad checksums (probably offload on the capturing host)
};

}  // namespace mqscan
