#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mqscan/capture_report.hpp"
#include "mqscan/events.hpp"
#include "mqscan/limits.hpp"
#include "mqscan/packet_source.hpp"
#include "mqscan/stream_consumer.hpp"
#include "mqscan/tls.hpp"

namespace mqscan {

namespace x509 {
class TrustStore;
}

struct AnalysisSettings {
    Limits limits;
    // Ports taken as the server's when a connection's SYN was not captured.
    std::vector<std::uint16_t> server_ports{1883, 8883, 443, 80, 8080, 8443, 8081, 9001};
    mqtt::MqttSettings mqtt;
    tls::TlsSettings tls;
    // The CA certificates observed chains are verified against (--ca); null: no verification.
    const x509::TrustStore* trust_store = nullptr;
    // False: reassemble TCP but decode no application protocol (measurements).
    bool dissect = true;
    // False: decode MQTT and TLS but run none of the analyses (measurements).
    bool analyze = true;
};

// Optional listeners besides the report: the reassembled streams, and the
// decoded events as they come (both may be null).
struct AnalysisHooks {
    StreamConsumer* streams = nullptr;
    EventSink* events = nullptr;
};

enum class AnalysisStatus {
    Complete,    // the whole capture was read
    Damaged,     // the file is cut or damaged: everything before the damage was analysed
    Unreadable,  // nothing could be analysed (see message)
};

struct AnalysisResult {
    AnalysisStatus status = AnalysisStatus::Unreadable;
    std::string message;  // for Unreadable: one line saying why
    CaptureReport report;
};

// Runs the whole pipeline over a source.
AnalysisResult analyze(PacketSource& source, const AnalysisSettings& settings,
                       AnalysisHooks hooks = {});
// Opens a capture file and analyses it.
AnalysisResult analyze_file(const std::string& path, const AnalysisSettings& settings,
                            AnalysisHooks hooks = {});

}  // namespace mqscan
