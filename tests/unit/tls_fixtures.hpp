#pragma once
// Support for the TLS unit tests and seed writer: writers of TLS wire fields
// for annotated fixtures, the corpus's record bytes and captured
// conversations, and runs of a conversation through a TlsDissector in any
// chunking.

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "mqscan/analysis.hpp"
#include "tls/names.hpp"
#include "tls/tls_dissector.hpp"
#include "tls_report_lines.hpp"

namespace mqscan::test::tls {

using mqscan::tls::TlsSettings;

// --- Writers (RFC 8446 §3 presentation language) ------------------------------

inline std::string u8(unsigned v) { return std::string(1, static_cast<char>(v & 0xff)); }
inline std::string u16(unsigned v) { return u8(v >> 8) + u8(v); }
inline std::string u24(unsigned v) { return u8(v >> 16) + u16(v & 0xffff); }
inline std::string u32(unsigned v) { return u16(v >> 16) + u16(v & 0xffff); }
inline std::string vec8(const std::string& body) { return u8(static_cast<unsigned>(body.size())) + body; }
inline std::string vec16(const std::string& body) { return u16(static_cast<unsigned>(body.size())) + body; }
inline std::string vec24(const std::string& body) { return u24(static_cast<unsigned>(body.size())) + body; }

// "16 03 01": hex digits, spaces ignored.
inline std::string hex(std::string_view digits) {
    std::string out;
    std::string pair;
    for (const char c : digits) {
        if (c == ' ' || c == '\n') continue;
        pair += c;
        if (pair.size() == 2) {
            out += static_cast<char>(std::stoi(pair, nullptr, 16));
            pair.clear();
        }
    }
    return out;
}

inline std::string repeat(const std::string& piece, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += piece;
    return out;
}

// ContentType values (RFC 8446 §5.1).
inline constexpr unsigned kChangeCipherSpec = 20;
inline constexpr unsigned kAlert = 21;
inline constexpr unsigned kHandshake = 22;
inline constexpr unsigned kApplicationData = 23;

inline std::string record(unsigned type, unsigned version, const std::string& fragment) {
    return u8(type) + u16(version) + vec16(fragment);
}
inline std::string handshake(unsigned type, const std::string& body) { return u8(type) + vec24(body); }
inline std::string ext(unsigned type, const std::string& data) { return u16(type) + vec16(data); }

inline Bytes bytes_of(const std::string& s) {
    return Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// --- The public corpus --------------------------------------------------------

inline std::string corpus_path(const std::string& relative) {
    return fmt::format("{}/{}", MQSCAN_CORPUS_DIR, relative);
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The exact bytes of one record of syncsynchalt's illustrated-tls12/13.
inline std::string illustrated(int version, const std::string& name) {
    return read_file(corpus_path(fmt::format("illustrated-tls1{}/captures/caps/{}", version, name)));
}

// --- Conversations ------------------------------------------------------------

// Bytes one way, or a gap (gap > 0), as the TCP layer hands them over.
struct Chunk {
    Direction dir = Direction::ToServer;
    std::string bytes;
    std::uint64_t gap = 0;
    std::uint64_t frame = 0;
};
using Conversation = std::vector<Chunk>;

inline Chunk to_server(std::string bytes) { return {Direction::ToServer, std::move(bytes), 0, 0}; }
inline Chunk to_client(std::string bytes) { return {Direction::ToClient, std::move(bytes), 0, 0}; }

// The illustrated captures' records by file name (TLS 1.2 or 1.3).
inline std::string tls12(const std::string& name) { return illustrated(2, name); }
inline std::string tls13(const std::string& name) { return illustrated(3, name); }

// syncsynchalt's TLS 1.2 session (ECDHE-RSA, AES-128-CBC), flight by flight.
inline Conversation tls12_session() {
    return {
        to_server(tls12("clienthello")),
        to_client(tls12("serverhello") + tls12("servercert") + tls12("serverkeyexchange") +
                  tls12("serverhellodone")),
        to_server(tls12("clientkeyexchange") + tls12("clientccs") + tls12("clientfinished")),
        to_client(tls12("serverccs") + tls12("serverfinished")),
        to_server(tls12("clientdata")),
        to_client(tls12("serverdata")),
        to_server(tls12("clientalert")),  // close_notify, encrypted
    };
}

// The reassembled streams of one TCP connection of a capture file.
inline Conversation captured_conversation(const std::string& path, std::uint64_t connection) {
    class Collector final : public StreamConsumer {
    public:
        explicit Collector(std::uint64_t id) : id_(id) {}
        void on_data(const ConnectionSummary& c, Direction dir, Bytes bytes, FrameRef at) override {
            if (c.id == id_) chunks.push_back({dir, std::string(bytes.begin(), bytes.end()), 0, at.number});
        }
        void on_gap(const ConnectionSummary& c, Direction dir, std::uint64_t bytes, FrameRef at) override {
            if (c.id == id_) chunks.push_back({dir, {}, bytes, at.number});
        }
        void on_end(const ConnectionSummary&) override {}
        Conversation chunks;

    private:
        std::uint64_t id_;
    };
    Collector collector(connection);
    AnalysisSettings settings;
    settings.dissect = false;
    settings.server_ports.push_back(4433);
    const AnalysisResult result = analyze_file(path, settings, AnalysisHooks{&collector, nullptr});
    if (result.status == AnalysisStatus::Unreadable) throw std::runtime_error(result.message);
    return collector.chunks;
}

// --- Runs ---------------------------------------------------------------------

struct Outcome {
    TlsConnectionReport report;
    std::vector<std::string> anomalies;  // "id: detail"
    std::vector<std::string> lines() const;
    [[nodiscard]] bool raised(std::string_view id) const {
        for (const std::string& a : anomalies)
            if (a.starts_with(std::string(id) + ":")) return true;
        return false;
    }
};

// Feeds every chunk in pieces of `piece` bytes (0: whole), or, with
// `split_chunk`, that chunk cut once at `split_at`. Pieces keep their chunk's frame.
// `events` (may be null) hears each step and alert.
inline Outcome run(const Conversation& conversation, const TlsSettings& settings = {}, std::size_t piece = 0,
                   std::optional<std::size_t> split_chunk = std::nullopt, std::size_t split_at = 0,
                   EventSink* events = nullptr) {
    Outcome outcome;
    ConnectionSummary connection;
    mqscan::tls::TlsDissector dissector(
        settings, connection, nullptr,
        [&outcome](AnomalyId id, std::uint64_t, std::string detail) {
            outcome.anomalies.push_back(fmt::format("{}: {}", describe(id).id, detail));
        },
        events);
    for (std::size_t i = 0; i < conversation.size(); ++i) {
        const Chunk& chunk = conversation[i];
        const FrameRef at{chunk.frame, {}};
        if (chunk.gap > 0) {
            dissector.gap(chunk.dir, chunk.gap, at);
            continue;
        }
        const std::string_view bytes = chunk.bytes;
        if (split_chunk == i) {
            dissector.feed(chunk.dir, bytes_of(std::string(bytes.substr(0, split_at))), at);
            dissector.feed(chunk.dir, bytes_of(std::string(bytes.substr(split_at))), at);
            continue;
        }
        const std::size_t step = piece == 0 ? bytes.size() : piece;
        for (std::size_t at_byte = 0; at_byte < bytes.size(); at_byte += step)
            dissector.feed(chunk.dir, bytes_of(std::string(bytes.substr(at_byte, step))), at);
    }
    dissector.end({});
    outcome.report = dissector.report();
    return outcome;
}

inline std::vector<std::string> Outcome::lines() const {
    std::vector<std::string> out = report_lines(report);
    for (const std::string& a : anomalies) out.push_back("anomaly " + a);
    return out;
}

}  // namespace mqscan::test::tls
