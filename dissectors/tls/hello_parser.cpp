#include "tls/hello_parser.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/core.h>

#include "tls/wire.hpp"

namespace mqscan::tls {
namespace {

constexpr std::size_t kRandomSize = 32;
constexpr std::size_t kMaxSessionId = 32;  // RFC 8446 §4.1.2 legacy_session_id<0..32>

// RFC 8446 §4.1.3: SHA-256 of "HelloRetryRequest".
constexpr std::array<std::uint8_t, kRandomSize> kHelloRetryRandom = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

// TLS 1.3 drafts before 22 sent a ServerHello without legacy_session_id and
// compression method (draft-ietf-tls-tls13-21 §4.1.3).
constexpr std::uint8_t kFirstDraftWithSessionId = 22;

Failure<std::string> malformed(std::string_view message, std::string_view what) {
    return fail(fmt::format("{}: {}", message, what));
}

// The version and random that start both hellos.
bool read_version_and_random(ByteReader& in, TlsHelloSummary& hello, Bytes& random) {
    const auto version = in.u16be();
    const auto bytes = version ? in.bytes(kRandomSize) : std::nullopt;
    if (!bytes) return false;
    hello.legacy_version = *version;
    hello.random = to_hex(*bytes);
    random = *bytes;
    return true;
}

bool read_session_id(ByteReader& in, TlsHelloSummary& hello) {
    const auto session = read_vector(in, 1);
    if (!session || session->remaining() > kMaxSessionId) return false;
    hello.session_id = to_hex(session->rest());
    return true;
}

// The optional extensions block, which ends the message (RFC 8446 §4.1.2).
HelloResult read_extensions_to_end(ByteReader& in, HelloKind kind, ParsedHello& parsed,
                                   std::string_view message) {
    if (!in.empty()) {
        const auto block = read_vector(in, 2);
        if (!block) return malformed(message, "the extensions run past the message");
        if (!read_extensions(*block, kind, parsed.hello, parsed.issues))
            return malformed(message, "an extension runs past the extensions block");
    }
    if (!in.empty()) return malformed(message, fmt::format("{} bytes after the extensions", in.remaining()));
    return std::move(parsed);
}

}  // namespace

HelloResult parse_client_hello(Bytes body) {
    constexpr std::string_view kMessage = "client_hello";
    ByteReader in(body);
    ParsedHello parsed;
    TlsHelloSummary& hello = parsed.hello;
    Bytes random;
    if (!read_version_and_random(in, hello, random))
        return malformed(kMessage, "shorter than its version and random");
    if (!read_session_id(in, hello))
        return malformed(kMessage, "the session id runs past the message or is over 32 bytes");
    auto suites = read_u16_list(in, 2);
    if (!suites) return malformed(kMessage, "the cipher suites run past the message");
    hello.cipher_suites = std::move(*suites);
    auto compression = read_u8_list(in);
    if (!compression) return malformed(kMessage, "the compression methods run past the message");
    hello.compression_methods = std::move(*compression);
    return read_extensions_to_end(in, HelloKind::Client, parsed, kMessage);
}

HelloResult parse_server_hello(Bytes body) {
    ByteReader in(body);
    ParsedHello parsed;
    TlsHelloSummary& hello = parsed.hello;
    Bytes random;
    if (!read_version_and_random(in, hello, random))
        return malformed("server_hello", "shorter than its version and random");
    parsed.retry_request = std::equal(random.begin(), random.end(), kHelloRetryRandom.begin());
    const std::string_view message = parsed.retry_request ? "hello_retry_request" : "server_hello";
    const bool early_draft =
        (hello.legacy_version >> 8) == 0x7f && (hello.legacy_version & 0xff) < kFirstDraftWithSessionId;
    if (!early_draft && !read_session_id(in, hello))
        return malformed(message, "the session id runs past the message or is over 32 bytes");
    const auto suite = in.u16be();
    if (!suite) return malformed(message, "the cipher suite runs past the message");
    hello.cipher_suites = {*suite};
    if (!early_draft) {
        const auto compression = in.u8();
        if (!compression) return malformed(message, "the compression method runs past the message");
        hello.compression_methods = {*compression};
    }
    const HelloKind kind = parsed.retry_request ? HelloKind::RetryRequest : HelloKind::Server;
    return read_extensions_to_end(in, kind, parsed, message);
}

// RFC 5246 Appendix E.2: msg_type, version, three lengths, then the cipher
// specs (3 bytes each), the session id and the challenge.
HelloResult parse_sslv2_client_hello(Bytes message) {
    constexpr std::string_view kMessage = "SSL 2.0 client_hello";
    ByteReader in(message);
    ParsedHello parsed;
    TlsHelloSummary& hello = parsed.hello;
    hello.sslv2_format = true;
    const auto type = in.u8();
    const auto version = in.u16be();
    const auto specs_length = in.u16be();
    const auto session_length = in.u16be();
    const auto challenge_length = in.u16be();
    if (!challenge_length) return malformed(kMessage, "shorter than its fixed fields");
    hello.legacy_version = *version;
    auto specs = in.sub(*specs_length);
    const auto session = in.bytes(*session_length);
    const auto challenge = in.bytes(*challenge_length);
    if (*type != 1 || !specs || specs->remaining() % 3 != 0 || !session || !challenge ||
        challenge->size() > kRandomSize || !in.empty())
        return malformed(kMessage, "its lengths contradict the message");
    // A spec whose first byte is 0 is a TLS cipher suite; the others are SSL 2.0's own.
    while (const auto kind = specs->u8()) {
        const std::uint16_t suite = *specs->u16be();
        if (*kind == 0) hello.cipher_suites.push_back(suite);
    }
    hello.session_id = to_hex(*session);
    // The challenge, right-aligned and zero-padded, is the client random.
    hello.random = std::string((kRandomSize - challenge->size()) * 2, '0') + to_hex(*challenge);
    return parsed;
}

}  // namespace mqscan::tls
