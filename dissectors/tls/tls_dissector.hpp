#pragma once
// One connection's TLS: per direction a record framer and a handshake
// assembler, the phase both directions share (which records are encrypted),
// and the report they fill. Records are counted per type and direction;
// cleartext handshake messages and alerts become report facts. After a gap,
// or bytes that are not TLS, a direction's records are lost for good: the
// rest is counted, never guessed at.

#include <array>

#include "mqscan/connection.hpp"
#include "mqscan/events.hpp"
#include "mqscan/frame.hpp"
#include "mqscan/tls.hpp"
#include "tls/anomaly_reporter.hpp"
#include "tls/handshake_assembler.hpp"
#include "tls/handshake_recorder.hpp"
#include "tls/record_framer.hpp"
#include "tls/tls_phase.hpp"

namespace mqscan::tls {

class TlsDissector {
public:
    // `trust` (may be null): the CA certificates observed chains are verified against.
    // `events` (may be null) is told each handshake step and alert as it is decoded.
    TlsDissector(const TlsSettings& settings, const ConnectionSummary& connection,
                 const x509::TrustStore* trust, AnomalyReporter report, EventSink* events = nullptr);
    TlsDissector(const TlsDissector&) = delete;
    TlsDissector& operator=(const TlsDissector&) = delete;

    void feed(Direction dir, Bytes bytes, FrameRef at);
    void gap(Direction dir, std::uint64_t bytes, FrameRef at);
    void end(FrameRef at);

    [[nodiscard]] const TlsConnectionReport& report() const { return report_; }

private:
    class DirectionHandler;
    friend class DirectionHandler;

    struct Side {
        RecordFramer framer;
        HandshakeAssembler assembler;
        bool messages_lost = false;  // handshake bytes went missing: no message boundary is known
    };

    void on_record(Direction dir, const RecordHeader& header, Bytes fragment, FrameRef at);
    void count(Direction dir, RecordRole role, std::uint16_t length);
    void check_length(Direction dir, const RecordHeader& header, RecordRole role, FrameRef at);
    void lose_stream(Direction dir);
    void lose_messages(Direction dir);
    // A message cut short: by a change of keys, or by the end of the stream.
    void abandon_message(Direction dir, FrameRef at, std::string_view why);
    void flag(AnomalyId id, FrameRef at, std::string detail) { anomaly_(id, at.number, std::move(detail)); }
    [[nodiscard]] TlsRecordCounts& counts(Direction dir) {
        return report_.records[static_cast<std::size_t>(dir)];
    }
    [[nodiscard]] Side& side(Direction dir) { return sides_[static_cast<std::size_t>(dir)]; }

    const TlsSettings settings_;  // a copy: the recorder refers to it for the dissector's life
    AnomalyReporter anomaly_;
    TlsConnectionReport report_;
    std::array<Side, 2> sides_;
    TlsPhase phase_;
    HandshakeRecorder recorder_;
    bool refused_ = false;  // TLS 1.3: the server most likely refused the client (see on_record)
};

}  // namespace mqscan::tls
