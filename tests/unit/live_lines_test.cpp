// What `mqscan live` streams about TLS and findings: a line per handshake step
// with what the step showed, per alert, per finding, in text and JSON lines.
#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/jsonl_events.hpp"
#include "report/live_lines.hpp"
#include "tls_fixtures.hpp"

using namespace mqscan;
using namespace mqscan::test::tls;

namespace {

// The lines an event sink writes into a memory stream.
class MemoryOutput {
public:
    MemoryOutput() : file_(open_memstream(&data_, &size_)) {}
    ~MemoryOutput() {
        std::fclose(file_);
        std::free(data_);
    }
    MemoryOutput(const MemoryOutput&) = delete;
    MemoryOutput& operator=(const MemoryOutput&) = delete;

    std::FILE* file() { return file_; }
    std::vector<std::string> lines() {
        std::fflush(file_);
        std::vector<std::string> out;
        const std::string text(data_, size_);
        for (std::size_t at = 0; at < text.size();) {
            const std::size_t end = text.find('\n', at);
            out.push_back(text.substr(at, end - at));
            at = end + 1;
        }
        return out;
    }

private:
    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::FILE* file_;
};

}  // namespace

TEST_CASE("live text: each TLS step as it is read, with what it showed, then the alert", "[live][tls]") {
    MemoryOutput out;
    LiveLinePrinter printer(out.file(), TimePrecision::Micro, ReportOptions{});
    const Outcome outcome = run(tls12_session(), {}, 0, std::nullopt, 0, &printer);
    std::vector<std::string> expected = {
        "->  TLS client_hello (sni example.ulfheim.net)",
        "<-  TLS server_hello (version TLS 1.2, cipher TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA)",
        "<-  TLS certificate (subject C=US, CN=example.ulfheim.net)",
        "<-  TLS server_key_exchange",
        "<-  TLS server_hello_done",
        "->  TLS client_key_exchange",
        "->  TLS change_cipher_spec",
        "->  TLS encrypted_handshake",
        "<-  TLS change_cipher_spec",
        "<-  TLS encrypted_handshake",
        "->  TLS alert (encrypted)",
    };
    for (std::string& line : expected) line.insert(0, "00:00:00.000000  #0  ");
    CHECK(out.lines() == expected);
    // The same steps as the report lists.
    CHECK(outcome.report.handshake.size() == 10);
}

TEST_CASE("live text: a step read in pieces is told once, when whole", "[live][tls]") {
    MemoryOutput whole;
    MemoryOutput pieces;
    LiveLinePrinter whole_printer(whole.file(), TimePrecision::Micro, ReportOptions{});
    LiveLinePrinter pieces_printer(pieces.file(), TimePrecision::Micro, ReportOptions{});
    run(tls12_session(), {}, 0, std::nullopt, 0, &whole_printer);
    run(tls12_session(), {}, 7, std::nullopt, 0, &pieces_printer);
    CHECK(pieces.lines() == whole.lines());
}

TEST_CASE("live text: a finding with its severity, connection and frame", "[live]") {
    MemoryOutput out;
    LiveLinePrinter printer(out.file(), TimePrecision::Micro, ReportOptions{});
    printer.on_finding(Finding{FindingId::CredentialsInClear, 2, 14, "the password crossed in clear"});
    printer.on_finding(Finding{FindingId::AnonymousAccess, std::nullopt, std::nullopt, "anyone may publish"});
    CHECK(out.lines() == std::vector<std::string>{
                             "finding [error] #2 frame 14: the password crossed in clear",
                             "finding [warning]: anyone may publish",
                         });
}

TEST_CASE("live JSON lines: a TLS step and a finding, one object per line", "[live][tls]") {
    MemoryOutput out;
    JsonLinesEvents events(out.file(), TimePrecision::Micro, ReportOptions{});
    run(tls12_session(), {}, 0, std::nullopt, 0, &events);
    events.on_finding(Finding{FindingId::CredentialsInClear, 2, 14, "the password crossed in clear"});
    const std::vector<std::string> lines = out.lines();
    REQUIRE(lines.size() == 12);
    const auto server_hello = nlohmann::json::parse(lines[1]);
    CHECK(server_hello["event"] == "tls_step");
    CHECK(server_hello["step"] == "server_hello");
    CHECK(server_hello["dir"] == "to_client");
    CHECK(server_hello["length"] == 45);
    CHECK(server_hello["version"] == "TLS 1.2");
    CHECK(server_hello["cipher"] == "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
    const auto alert = nlohmann::json::parse(lines[10]);
    CHECK(alert["event"] == "tls_alert");
    CHECK(alert["encrypted"] == true);
    const auto finding = nlohmann::json::parse(lines[11]);
    CHECK(finding["event"] == "finding");
    CHECK(finding["id"] == "security.credentials_in_clear");
    CHECK(finding["connection"] == 2);
    CHECK(finding["frame"] == 14);
}
