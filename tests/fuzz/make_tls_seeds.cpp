// Writes the seeds of tests/fuzz/corpus/tls/: conversations in the input
// format of fuzz_tls_stream (its settings byte, then mqtt_conversation.hpp's
// steps), made of the public corpus's real TLS records and captures, the unit
// tests' annotated fixtures, and byte mutations of them.
// Run by hand: make_tls_seeds OUTPUT_DIR
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "../unit/tls_fixtures.hpp"
#include "mqtt_conversation.hpp"

namespace {

using namespace mqscan;
using namespace mqscan::test::tls;
using fuzz::ConversationWriter;

// fuzz_tls_stream's settings byte: the index of each limit (see its header).
std::uint8_t settings(unsigned message, unsigned certificates, unsigned listed, bool recut_randomly = false) {
    return static_cast<std::uint8_t>(message | certificates << 2 | listed << 4 | (recut_randomly ? 0x80 : 0));
}
const std::uint8_t kDefaults = settings(3, 3, 3);
const std::uint8_t kSmall = settings(0, 1, 0, true);

// A conversation as a seed, each chunk cut into pieces of `piece` bytes (0: whole).
std::string seed(std::uint8_t settings_byte, const Conversation& conversation, std::size_t piece = 0) {
    ConversationWriter writer(settings_byte);
    for (const Chunk& chunk : conversation) {
        if (chunk.gap > 0) {
            writer.gap(chunk.dir, static_cast<std::size_t>(std::min<std::uint64_t>(chunk.gap, 0x7fff)));
            continue;
        }
        const std::size_t step = piece == 0 ? chunk.bytes.size() : piece;
        for (std::size_t at = 0; at < chunk.bytes.size(); at += step)
            writer.data(chunk.dir, chunk.bytes.substr(at, step));
    }
    return writer.end().bytes();
}

// The TLS 1.3 session with the client's data in its Finished flight's chunk.
Conversation tls13_session_coalesced() {
    return {
        to_server(tls13("clienthello")),
        to_client(tls13("serverhello") + tls13("serverccs") + tls13("serverencextensions") +
                  tls13("serverenccert") + tls13("serverenccertverify") + tls13("serverencfinished")),
        to_server(tls13("clientccs") + tls13("clientencfinished") + tls13("clientencdata")),
        to_client(tls13("serverencticket1") + tls13("serverencticket2") + tls13("serverencdata")),
    };
}

// TLS 1.2 with a CertificateRequest answered by an empty Certificate, then handshake_failure.
Conversation client_without_certificate() {
    const std::string request = handshake(13, vec8(u8(1) + u8(64)) + vec16(u16(0x0401)) + vec16(""));
    return {
        to_server(tls12("clienthello")),
        to_client(tls12("serverhello") + tls12("servercert") + record(kHandshake, 0x0303, request) +
                  tls12("serverhellodone")),
        to_server(record(kHandshake, 0x0303, handshake(11, vec24(""))) + tls12("clientkeyexchange") +
                  tls12("clientccs") + tls12("clientfinished")),
        to_client(record(kAlert, 0x0303, u8(2) + u8(40))),
    };
}

Conversation sslv2_hello() {
    const std::string message =
        u8(1) + u16(0x0301) + u16(6) + u16(0) + u16(16) + hex("00 00 35 07 00 c0") + std::string(16, 'c');
    return {
        to_server(u16(0x8000 | static_cast<unsigned>(message.size())) + message),
        to_client(record(kHandshake, 0x0301,
                         handshake(2, u16(0x0301) + std::string(32, 's') + vec8("") + u16(0x0035) + u8(0)))),
    };
}

Conversation hello_retry() {
    const std::string hrr =
        handshake(2, u16(0x0303) + hex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c") +
                         vec8("") + u16(0x1302) + u8(0) + vec16(ext(43, u16(0x0304)) + ext(51, u16(23))));
    return {
        to_server(tls13("clienthello")),
        to_client(record(kHandshake, 0x0303, hrr) + tls13("serverccs")),
        to_server(tls13("clientccs") + tls13("clienthello")),
        to_client(tls13("serverhello") + tls13("serverencextensions")),
    };
}

// The client's hello in 1-byte records, alerts of every shape, a certificate list overrun.
Conversation odd_records() {
    const std::string hello = tls12("clienthello").substr(5);
    std::string one_byte_records;
    for (const char byte : hello) one_byte_records += record(kHandshake, 0x0301, std::string(1, byte));
    const std::string overrun = handshake(11, vec24(vec24("cert") + u24(200) + "12345678"));
    return {
        to_server(one_byte_records + record(kAlert, 0x0303, u8(1) + u8(0) + u8(2))),
        to_client(tls12("serverhello") + record(kHandshake, 0x0303, overrun) +
                  record(kAlert, 0x0303, u8(1) + u8(112) + u8(2) + u8(48))),
    };
}

// Every byte at `stride` intervals changed: lengths, types and versions go wrong.
Conversation mutated(Conversation conversation, std::size_t stride, unsigned delta) {
    for (Chunk& chunk : conversation)
        for (std::size_t at = stride / 2; at < chunk.bytes.size(); at += stride)
            chunk.bytes[at] = static_cast<char>(static_cast<unsigned char>(chunk.bytes[at]) + delta);
    return conversation;
}

void write(const std::filesystem::path& dir, const std::string& name, const std::string& bytes) {
    std::ofstream out(dir / name, std::ios::binary);
    out << bytes;
    if (!out) {
        std::fprintf(stderr, "make_tls_seeds: cannot write %s\n", (dir / name).c_str());
        std::exit(1);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir(argv[1]);
    std::filesystem::create_directories(dir);
    write(dir, "tls12-session.bin", seed(kDefaults, tls12_session()));
    write(dir, "tls12-session-small-limits.bin", seed(kSmall, tls12_session(), 13));
    write(dir, "tls12-session-one-certificate.bin", seed(settings(2, 1, 1), tls12_session(), 64));
    write(dir, "tls13-session.bin", seed(kDefaults, tls13_session_coalesced()));
    write(dir, "tls13-session-pieces.bin", seed(settings(3, 3, 2, true), tls13_session_coalesced(), 5));
    write(dir, "tls12-client-without-certificate.bin", seed(kDefaults, client_without_certificate()));
    write(dir, "sslv2-hello.bin", seed(kDefaults, sslv2_hello()));
    write(dir, "tls13-hello-retry.bin", seed(kDefaults, hello_retry()));
    write(dir, "odd-records.bin", seed(settings(1, 0, 1), odd_records()));
    write(dir, "mqtt-to-tls-port.bin",
          seed(kDefaults, {to_server(hex("10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00"))}));
    write(dir, "record-too-long.bin",
          seed(kDefaults, {to_server(record(kApplicationData, 0x0303, std::string((1u << 14) + 2049, 'x')) +
                                     record(kAlert, 0x0303, u8(1) + u8(0)))}));
    write(dir, "truncated-client-hello.bin",
          seed(kDefaults, {to_server(tls13("clienthello").substr(0, 100))}));

    Conversation with_gap = tls12_session();
    const std::string flight = with_gap[1].bytes;
    with_gap[1].bytes = flight.substr(0, 200);
    with_gap.insert(with_gap.begin() + 2, Chunk{Direction::ToClient, {}, 100, 0});
    with_gap.insert(with_gap.begin() + 3, to_client(flight.substr(300)));
    write(dir, "tls12-gap.bin", seed(kDefaults, with_gap));

    for (const unsigned delta : {1u, 0x80u}) {
        write(dir, fmt::format("tls12-mutated-{}.bin", delta),
              seed(kDefaults, mutated(tls12_session(), 37, delta)));
        write(dir, fmt::format("tls13-mutated-{}.bin", delta),
              seed(kDefaults, mutated(tls13_session_coalesced(), 29, delta)));
    }

    // Small real captures, as the TCP layer reassembles them.
    const struct {
        const char* name;
        const char* capture;
    } captures[] = {
        {"capture-ja4-tls.bin", "suricata-verify/tests/ja4-tls/input.pcap"},
        {"capture-tls13-wolfssl.bin", "zeek/testing/btest/Traces/tls/tls13_wolfssl.pcap"},
        {"capture-hrr.bin", "zeek/testing/btest/Traces/tls/hrr.pcap"},
        {"capture-client-certificate.bin", "zeek/testing/btest/Traces/tls/client-certificate.pcap"},
        {"capture-tls13-draft28.bin", "suricata-verify/tests/tls/tls13-draft28/tls13_draft28.pcap"},
    };
    for (const auto& c : captures)
        write(dir, c.name, seed(kDefaults, captured_conversation(corpus_path(c.capture), 0)));
    return 0;
}
