#include "tls/alert_explanations.hpp"

#include <fmt/core.h>

namespace mqscan::tls {

std::string explain_alert(std::uint8_t description, Direction sender, bool empty_client_certificate) {
    const bool from_client = sender == Direction::ToServer;
    const char* peer = from_client ? "server" : "client";
    switch (description) {
        case 0: return "The sender closed the TLS session normally.";
        case 10:
            return "The sender got a message it did not expect at this point of the handshake, "
                   "e.g. cleartext sent to a TLS port.";
        case 20:
            return "A record failed its integrity check: data damaged in transit, or keys that do not match.";
        case 22: return "A record was longer than TLS allows.";
        case 40:
            if (empty_client_certificate && !from_client)
                return "The client presented no certificate and the server requires one "
                       "(mosquitto: require_certificate true): give the client its certificate and key.";
            return "The two sides found no common security parameters (TLS version, cipher suite, "
                   "key exchange group), or the sender refused the handshake.";
        case 42:
            return fmt::format(
                "The {}'s certificate is corrupt, its signature does not verify, "
                "or it does not match its private key.",
                peer);
        case 43:
            return fmt::format("The {}'s certificate has a key type or key usage the sender does not accept.",
                               peer);
        case 44: return fmt::format("The {}'s certificate was revoked by its issuer.", peer);
        case 45:
            return fmt::format(
                "The {}'s certificate has expired or is not yet valid: check its dates "
                "and the clocks of both machines.",
                peer);
        case 46:
            return fmt::format(
                "The sender rejected the {}'s certificate, often because the host name "
                "does not match the certificate's CN or subjectAltName.",
                peer);
        case 47: return "A handshake field had a value the sender rejects.";
        case 48:
            if (from_client)
                return "The client does not trust the certificate authority that signed the server's "
                       "certificate: give the client the CA that signed it (mosquitto_sub --cafile ca.crt).";
            return "The server does not trust the certificate authority that signed the client's "
                   "certificate: the server's cafile must be the CA that signed the client certificate.";
        case 49: return "The certificate was valid, but the sender refused access.";
        case 50: return "A message could not be decoded: a field is out of range or a length is wrong.";
        case 51:
            return "A handshake signature or the Finished check failed, often a certificate used "
                   "with the wrong private key.";
        case 70:
            return "The two sides have no TLS version in common, e.g. a server that requires TLS 1.3 "
                   "and a client that offers at most TLS 1.2.";
        case 71: return "The server requires stronger cipher suites than the client offered.";
        case 80: return "The sender failed for a reason of its own, not caused by its peer.";
        case 86:
            return "The client retried with a lower TLS version than both support: a downgrade was refused.";
        case 90: return "The sender cancelled the handshake.";
        case 109: return "A required extension was missing from the handshake.";
        case 110: return "The sender got an extension it never offered.";
        case 112: return "The server does not know the host name (SNI) the client asked for.";
        case 115: return "The server does not know the pre-shared key the client offered.";
        case 116:
            return "The server requires a client certificate and the client presented none "
                   "(mosquitto: require_certificate true): give the client its certificate and key.";
        case 120: return "The two sides have no application protocol (ALPN) in common.";
        default: return {};
    }
}

}  // namespace mqscan::tls
