#pragma once
// Turns one connection's cleartext handshake messages and alerts into the
// facts of its TlsConnectionReport: the hellos and what they negotiated, the
// fingerprints, the certificates, the handshake steps and the alerts; and
// tells the phase what the hellos say about encryption.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqscan/events.hpp"
#include "mqscan/frame.hpp"
#include "mqscan/tls.hpp"
#include "tls/anomaly_reporter.hpp"
#include "tls/extensions.hpp"
#include "tls/tls_phase.hpp"
#include "x509/trust_store.hpp"

namespace mqscan::tls {

class HandshakeRecorder {
public:
    // `trust` (may be null): the CA certificates each chain is verified against.
    // `events` (may be null): told each step and alert of `connection`.
    HandshakeRecorder(const TlsSettings& settings, const x509::TrustStore* trust,
                      TlsConnectionReport& report, TlsPhase& phase, const AnomalyReporter& anomaly,
                      const ConnectionSummary& connection, EventSink* events)
        : settings_(settings),
          trust_(trust),
          report_(report),
          phase_(phase),
          anomaly_(anomaly),
          connection_(connection),
          events_(events) {}

    void on_message(Direction dir, std::uint8_t type, Bytes body, FrameRef at);
    void on_oversized_message(Direction dir, std::uint8_t type, std::uint32_t length, FrameRef at);
    // `message`: an SSL 2.0 record's content.
    void on_sslv2_hello(Bytes message, FrameRef at);
    void on_alert_record(Direction dir, Bytes fragment, bool encrypted, FrameRef at);
    // After the phase has classified the record.
    void on_change_cipher_spec(Direction dir, std::uint16_t length, FrameRef at);
    // TLS 1.3: the server's first record after the client's Finished has the
    // size of an encrypted alert; it most likely refused the client.
    void on_probable_refusal(FrameRef at);
    // One step of the handshake ladder, listed up to TlsSettings::max_records_listed.
    void add_step(Direction dir, std::string type, std::size_t length, FrameRef at);

private:
    // add_step in two halves, so that the listener hears of a message once it is read.
    void record_step(Direction dir, std::string type, std::size_t length, FrameRef at);
    void announce_step();
    void on_client_hello(Direction dir, Bytes body, FrameRef at);
    void on_server_hello(Direction dir, Bytes body, FrameRef at);
    void on_certificate(Direction dir, Bytes body, FrameRef at);
    void record_client_hello(TlsHelloSummary hello);
    void record_server_hello(TlsHelloSummary hello);
    void add_alert(const TlsAlert& alert, FrameRef at);
    void report_issues(const std::vector<ParseIssue>& issues, std::string_view message, FrameRef at);
    void flag(AnomalyId id, FrameRef at, std::string detail) { anomaly_(id, at.number, std::move(detail)); }

    const TlsSettings& settings_;
    const x509::TrustStore* trust_;
    TlsConnectionReport& report_;
    TlsPhase& phase_;
    const AnomalyReporter& anomaly_;
    const ConnectionSummary& connection_;
    EventSink* events_;
    struct Unannounced {
        TlsHandshakeStep step;
        FrameRef at;
    };
    std::optional<Unannounced> unannounced_;  // recorded, not yet told to events_
    std::string last_step_;                  // kept past the listing limit, for failed_at
    bool empty_client_certificate_ = false;  // the client answered with no certificate
};

}  // namespace mqscan::tls
