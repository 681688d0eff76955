#include "analysis/capture_quality.hpp"

#include <fmt/format.h>

#include "analysis/session_text.hpp"

namespace mqscan {
namespace {

// Bytes flowed one way and not a single packet came back: the other
// direction was filtered out or taken on another interface.
bool one_direction_only(const ConnectionSummary& c) {
    const DirectionStats& up = c.stats(Direction::ToServer);
    const DirectionStats& down = c.stats(Direction::ToClient);
    return (up.bytes > 0 && down.packets == 0) || (down.bytes > 0 && up.packets == 0);
}

}  // namespace

void assess_capture(ReportBuilder& report) {
    CaptureReport& draft = report.draft();
    CaptureQuality& quality = draft.quality;

    ConnectionList late;
    for (const SessionReport& s : draft.sessions)
        if (s.transport == Transport::Cleartext && !s.connect_seen) late.add(s.connection);
    quality.connect_missing = late.count();
    if (late.count() > 0)
        report.finding(FindingId::CaptureConnectMissing, std::nullopt, std::nullopt,
                       [&] { return fmt::format("{} ({}) started before the capture: the CONNECT (client id, keepalive, "
                                   "credentials) is missing. Start tcpdump before the clients",
                                   late.counted(), late.text()); });

    ConnectionList one_way;
    for (const ConnectionSummary& c : draft.connections) {
        quality.gaps += c.stats(Direction::ToServer).gap_count + c.stats(Direction::ToClient).gap_count;
        if (one_direction_only(c)) one_way.add(c.id);
    }
    quality.one_direction = one_way.count();
    if (one_way.count() > 0)
        report.finding(FindingId::CaptureOneDirection, std::nullopt, std::nullopt,
                       [&] { return fmt::format("{} ({}) seen in one direction only: the capture filter or the "
                                   "interface missed the other direction (capture on the broker's host, "
                                   "with `host <IP>`, not `src <IP>`)",
                                   one_way.counted(), one_way.text()); });

    quality.frames_cut = draft.capture.truncated_frames;
    if (quality.frames_cut > 0)
        report.finding(FindingId::CaptureFramesCut, std::nullopt, std::nullopt,
                       [&] { return fmt::format("{} frame{} were cut by the snapshot length ({} bytes): their missing "
                                   "bytes are gaps. Capture with `tcpdump -s 0` (or -s 65535)",
                                   quality.frames_cut, quality.frames_cut == 1 ? "" : "s",
                                   draft.capture.snaplen); });
    if (quality.gaps > quality.frames_cut)
        report.finding(FindingId::CaptureSegmentsMissing, std::nullopt, std::nullopt,
                       [&] { return fmt::format("{} gap{} in the TCP streams: segments were lost by the capture "
                                   "(kernel drops, or the capture started or stopped mid-stream); what "
                                   "follows each gap is still analysed",
                                   quality.gaps, quality.gaps == 1 ? "" : "s"); });

    quality.checksum_errors = draft.anomaly_counts[static_cast<std::size_t>(AnomalyId::Ipv4ChecksumBad)];
    if (quality.checksum_errors > 0)
        report.finding(FindingId::CaptureChecksumOffload, std::nullopt, std::nullopt,
                       [&] { return fmt::format("{} packet{} have a bad IPv4 checksum. On packets sent by the "
                                   "capturing host this is checksum offload (the network card fills the "
                                   "checksum after the capture), not damage",
                                   quality.checksum_errors, quality.checksum_errors == 1 ? "" : "s"); });

    if (draft.sessions.empty())
        report.finding(FindingId::CaptureNoMqtt, std::nullopt, std::nullopt,
                       "No MQTT session was found (no MQTT in clear, no TLS to an MQTT or TLS port): "
                       "check the capture filter (tcp port 1883 or 8883) and the interface, or name "
                       "the broker's port with --mqtt-port / --tls-port");
}

}  // namespace mqscan
