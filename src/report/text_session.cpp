#include "report/text_session.hpp"

#include <fmt/format.h>

#include "analysis/connack_codes.hpp"

namespace mqscan {
namespace {

std::string identity(const SessionReport& s, const ReportOptions& options) {
    std::string text = s.client_id.empty() ? "empty client id"
                                           : fmt::format("client '{}'", s.client_id);
    if (s.client_id_assigned) text += " (assigned by the broker)";
    text += fmt::format(", keepalive {} s", s.keepalive);
    if (s.server_keepalive) text += fmt::format(" (the broker imposes {} s)", *s.server_keepalive);
    text += s.clean_start ? ", clean session" : ", persistent session";
    if (s.session_expiry) text += fmt::format(" (expiry {} s)", *s.session_expiry);
    if (s.username) text += fmt::format(", username '{}'", *s.username);
    if (s.password) text += fmt::format(", password {}", options.show_secrets ? *s.password : "<hidden>");
    if (s.will)
        text += fmt::format(", will on '{}' q{}{}", s.will->topic, s.will->qos, s.will->retain ? " retained" : "");
    return text;
}

std::string answer(const SessionReport& s) {
    if (!s.connack_seen) return "no CONNACK captured";
    const std::uint8_t code = s.connack_code.value_or(0);
    if (code == 0)
        return fmt::format("CONNACK at frame {}: accepted{}", s.connack_frame,
                           s.session_present ? ", session present (the broker kept it)" : "");
    const std::string_view meaning = connack_meaning(s.version, code);
    return fmt::format("CONNACK at frame {}: REFUSED, code {}{}", s.connack_frame, code,
                       meaning.empty() ? "" : fmt::format(" ({})", meaning));
}

// Under TLS a DISCONNECT is encrypted: its absence says nothing.
std::string ending_text(const SessionEnding& e, Transport transport) {
    const std::string_view without = transport == Transport::Cleartext ? ", without DISCONNECT" : "";
    const std::string reason = e.reason_code ? fmt::format(" (reason code 0x{:02x})", *e.reason_code) : "";
    switch (e.how) {
        case SessionEnd::ClientDisconnect:
            return fmt::format("ended by the client's DISCONNECT at frame {}{}", e.frame, reason);
        case SessionEnd::BrokerDisconnect:
            return fmt::format("ended by the broker's DISCONNECT at frame {}{}", e.frame, reason);
        case SessionEnd::KeepaliveExpired:
            return fmt::format("closed by the broker at frame {}: the client's keepalive expired", e.frame);
        case SessionEnd::ClientClosed:
            return fmt::format("closed by the client (FIN) at frame {}{}", e.frame, without);
        case SessionEnd::BrokerClosed: return fmt::format("closed by the broker (FIN) at frame {}", e.frame);
        case SessionEnd::ClientReset: return fmt::format("reset by the client (RST) at frame {}", e.frame);
        case SessionEnd::BrokerReset: return fmt::format("reset by the broker (RST) at frame {}", e.frame);
        case SessionEnd::Open: return "still open when the capture ended";
        case SessionEnd::Unknown: return "end not seen (dropped from the connection table)";
    }
    return "";
}

}  // namespace

std::vector<std::string> session_text_lines(const SessionReport& s, const ReportOptions& options) {
    std::vector<std::string> lines;
    switch (s.transport) {
        case Transport::Tls:
            lines.push_back("encrypted with TLS: the MQTT inside, if any, cannot be read");
            break;
        case Transport::Undecided:
            lines.push_back("on an MQTT/TLS port, but no byte told MQTT from TLS");
            break;
        case Transport::Cleartext:
            if (!s.connect_seen) {
                lines.push_back(fmt::format("MQTT {} in clear: CONNECT not captured (the capture started "
                                            "late), version guessed",
                                            mqtt::to_string(s.version)));
            } else {
                lines.push_back(fmt::format("MQTT {} in clear: {}", mqtt::to_string(s.version), identity(s, options)));
                lines.push_back(fmt::format("CONNECT at frame {}; {}", s.connect_frame, answer(s)));
            }
            break;
    }
    lines.push_back(ending_text(s.ending, s.transport));
    return lines;
}

}  // namespace mqscan
