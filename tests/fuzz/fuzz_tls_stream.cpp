// Fuzz target: one TLS connection, both directions, through a TlsDissector.
// The input is a conversation script (mqtt_conversation.hpp) whose settings
// byte reads:
//
//   bits 0-1  TlsSettings::max_handshake_message: 64, 1024, 16384, 262144
//   bits 2-3  TlsSettings::max_certificates: 0, 1, 2, 16
//   bits 4-5  TlsSettings::max_records_listed: 1, 4, 64, 10000
//   bit 6     unused
//   bit 7     how the chunking law re-cuts the stream (random pieces, else bytes)
//
// The report's invariants are checked after the end, then the conversation
// is dissected again, cut into other chunks, and must give the same report
// and the same anomalies. Broken invariants abort, so libFuzzer (and the
// corpus replay) report them.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "../unit/tls_report_lines.hpp"
#include "mqtt_conversation.hpp"
#include "tls/probe.hpp"
#include "tls/tls_dissector.hpp"

namespace {

using namespace mqscan;
using fuzz::Step;
using tls::TlsSettings;

constexpr std::array<std::uint32_t, 4> kMaxMessages = {64, 1024, 16384, 262144};
constexpr std::array<std::size_t, 4> kMaxCertificates = {0, 1, 2, 16};
constexpr std::array<std::size_t, 4> kMaxListed = {1, 4, 64, 10000};
constexpr std::size_t kJa4Length = 36;  // "t13d1516h2_" and two 12-digit hashes

[[noreturn]] void violated(const char* what) {
    std::fprintf(stderr, "fuzz_tls_stream: invariant broken: %s\n", what);
    std::abort();
}

void require(bool holds, const char* what) {
    if (!holds) violated(what);
}

TlsSettings settings_of(std::uint8_t byte) {
    TlsSettings settings;
    settings.max_handshake_message = kMaxMessages[byte & 3];
    settings.max_certificates = kMaxCertificates[(byte >> 2) & 3];
    settings.max_records_listed = kMaxListed[(byte >> 4) & 3];
    return settings;
}

std::size_t index(Direction dir) { return static_cast<std::size_t>(dir); }

// One run of a conversation through a fresh dissector: the report as lines,
// then the anomalies in order.
class DissectorRun {
public:
    explicit DissectorRun(const TlsSettings& settings)
        : settings_(settings),
          dissector_(settings_, connection_, nullptr, [this](AnomalyId id, std::uint64_t, std::string detail) {
              require(!ended_, "an anomaly after end()");
              anomalies_.push_back(fmt::format("{}: {}", describe(id).id, detail));
          }) {}

    std::vector<std::string> play(const std::vector<Step>& steps) && {
        for (const Step& step : steps) {
            if (step.kind == Step::Kind::Data) {
                fed_[index(step.dir)] += step.data.size();
                dissector_.feed(step.dir, step.data, {});
            } else {
                dissector_.gap(step.dir, step.gap_bytes, {});
            }
        }
        dissector_.end({});
        ended_ = true;
        dissector_.end({});  // end() drains everything: a second one has nothing left
        check(dissector_.report());
        std::vector<std::string> lines = test::tls::report_lines(dissector_.report());
        lines.insert(lines.end(), anomalies_.begin(), anomalies_.end());
        return lines;
    }

private:
    void check(const TlsConnectionReport& r) const {
        require(r.handshake.size() <= settings_.max_records_listed, "more steps listed than the limit");
        require(r.alerts.size() <= settings_.max_records_listed, "more alerts listed than the limit");
        require(r.handshake_unlisted == 0 || r.handshake.size() == settings_.max_records_listed,
                "steps unlisted below the limit");
        require(r.server_certificates.size() <=
                    std::min<std::size_t>(settings_.max_certificates, r.server_certificate_count),
                "more server certificates kept than seen or allowed");
        require(r.client_certificates.size() <=
                    std::min<std::size_t>(settings_.max_certificates, r.client_certificate_count),
                "more client certificates kept than seen or allowed");
        for (const Direction dir : {Direction::ToServer, Direction::ToClient}) {
            const TlsRecordCounts& c = r.records[index(dir)];
            // A record over the limit is counted whole when its header comes,
            // and only the last one can be cut short.
            require(c.application_data_bytes + c.unread_bytes <= fed_[index(dir)] + 0xffff,
                    "more bytes counted than fed");
            require(c.unread_bytes == 0 || c.stream_lost, "bytes unread while the stream was read");
            require(c.gaps == 0 || c.stream_lost, "a gap that did not lose the stream");
        }
        const bool tls_client_hello = r.client_hello && !r.client_hello->sslv2_format;
        require(tls_client_hello == !r.ja4.empty(), "JA4 without a TLS ClientHello, or the reverse");
        require(r.ja4.empty() || r.ja4.size() == kJa4Length, "a JA4 of the wrong length");
        require(r.ja3.empty() || r.ja3.size() == 32, "a JA3 that is no MD5");
        require(r.server_hello.has_value() == !r.ja3s.empty(), "JA3S without a ServerHello, or the reverse");
        require(!r.server_hello || r.cipher_code == r.server_hello->cipher_suites.front(),
                "the cipher is not the ServerHello's");
        require(r.failed_at.empty() || !r.alerts.empty() || r.alerts_unlisted > 0,
                "failed_at without an alert");
    }

    TlsSettings settings_;
    ConnectionSummary connection_;
    std::array<std::uint64_t, 2> fed_{};
    std::vector<std::string> anomalies_;
    bool ended_ = false;
    tls::TlsDissector dissector_;  // last: it holds references to the members above
};

// Once the probe has answered Yes or No for a prefix, longer prefixes give the same answer.
void check_probe(const std::vector<Step>& steps) {
    std::vector<std::uint8_t> client;
    for (const Step& step : steps) {
        if (step.kind != Step::Kind::Data || step.dir != Direction::ToServer) continue;
        client.insert(client.end(), step.data.begin(), step.data.end());
        if (client.size() >= 16) break;
    }
    std::optional<tls::ProbeResult> decided;
    for (std::size_t n = 0; n <= client.size(); ++n) {
        const tls::ProbeResult answer = tls::probe_record(Bytes(client).first(n));
        if (decided) require(answer == *decided, "the probe changed its mind");
        if (answer != tls::ProbeResult::NeedMore) decided = answer;
    }
}

void require_same(const std::vector<std::string>& expected, const std::vector<std::string>& recut) {
    const auto [left, right] = std::mismatch(expected.begin(), expected.end(), recut.begin(), recut.end());
    if (left == expected.end() && right == recut.end()) return;
    std::fprintf(stderr, "fuzz_tls_stream: line %zu\n  as fed: %s\n  recut:  %s\n",
                 static_cast<std::size_t>(left - expected.begin()),
                 left == expected.end() ? "(none)" : left->c_str(),
                 right == recut.end() ? "(none)" : right->c_str());
    violated("another chunking of the same bytes changed the report");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes input(data, size);
    const fuzz::Script script = fuzz::read_script(input);
    const TlsSettings settings = settings_of(script.settings);
    check_probe(script.steps);
    const std::vector<std::string> as_fed = DissectorRun(settings).play(script.steps);
    // The chunking law: a direction's records and messages are decided by its
    // bytes and gaps, not by where its chunks end; re-cut pieces stay between
    // the same chunks of the other direction, which the TLS 1.3 phase reads.
    const fuzz::Recut pieces =
        fuzz::recut(script.steps, fuzz::recut_randomly(script.settings), fuzz::fnv1a(input));
    require_same(as_fed, DissectorRun(settings).play(pieces.steps));
    return 0;
}
