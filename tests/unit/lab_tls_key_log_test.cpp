// The key log is checked the way Wireshark uses it: from the lines and the
// bytes on the wire alone, the records are decrypted with the key schedules
// of RFC 5246 §6.3 and RFC 8446 §7, apart from libssl's record layer.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "lab_tls_test_support.hpp"

using namespace mqscan;
using namespace mqscan::test;
using namespace std::string_view_literals;
using lab::TlsVersions;

namespace {

using ByteVector = std::vector<std::uint8_t>;

constexpr std::string_view kConnect = "\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c\x00\x00"sv;
constexpr std::string_view kConnack = "\x20\x02\x00\x00"sv;
constexpr std::string_view kPublish =
    "\x30\x0a\x00\x04"
    "ciel21.5"sv;

struct Record {
    std::uint8_t type = 0;
    ByteVector header;  // 5 bytes: type, version, length
    ByteVector fragment;
};

std::vector<Record> records_of(const ByteVector& stream) {
    std::vector<Record> records;
    std::size_t at = 0;
    while (at < stream.size()) {
        REQUIRE(stream.size() - at >= 5);
        const std::size_t length = std::size_t{stream[at + 3]} << 8 | stream[at + 4];
        REQUIRE(stream.size() - at - 5 >= length);
        records.push_back({stream[at], ByteVector(stream.begin() + at, stream.begin() + at + 5),
                           ByteVector(stream.begin() + at + 5, stream.begin() + at + 5 + length)});
        at += 5 + length;
    }
    return records;
}

ByteVector from_hex(const std::string& hex) {
    ByteVector bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return bytes;
}

// The random of the first Hello of a stream: record header, handshake header, version.
ByteVector hello_random(const ByteVector& stream) {
    REQUIRE(stream.size() >= 43);
    return ByteVector(stream.begin() + 11, stream.begin() + 43);
}

// label -> (client random, secret)
std::map<std::string, std::pair<ByteVector, ByteVector>> parse_key_log(const std::string& text) {
    static const std::regex kLine("([A-Z_0-9]+) ([0-9a-f]{64}) ([0-9a-f]+)");
    std::map<std::string, std::pair<ByteVector, ByteVector>> secrets;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::smatch match;
        REQUIRE(std::regex_match(line, match, kLine));
        secrets[match[1]] = {from_hex(match[2]), from_hex(match[3])};
    }
    return secrets;
}

ByteVector derive(const char* kdf_name, std::vector<OSSL_PARAM> parameters, std::size_t length) {
    parameters.push_back(OSSL_PARAM_construct_end());
    std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, kdf_name, nullptr),
                                                          EVP_KDF_free);
    REQUIRE(kdf != nullptr);
    std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> context(EVP_KDF_CTX_new(kdf.get()),
                                                                      EVP_KDF_CTX_free);
    ByteVector out(length);
    REQUIRE(EVP_KDF_derive(context.get(), out.data(), out.size(), parameters.data()) == 1);
    return out;
}

char kSha384[] = "SHA384";

// RFC 8446 §7.1: HKDF-Expand-Label(secret, label, "", length).
ByteVector expand_label(ByteVector secret, const std::string& label, std::size_t length) {
    const std::string full = "tls13 " + label;
    ByteVector info{static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length),
                    static_cast<std::uint8_t>(full.size())};
    info.insert(info.end(), full.begin(), full.end());
    info.push_back(0);
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    return derive(
        "HKDF",
        {OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
         OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, kSha384, 0),
         OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, secret.data(), secret.size()),
         OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size())},
        length);
}

// RFC 5246 §5: PRF(secret, label, seed) with SHA-384 (the suite's hash).
ByteVector prf(ByteVector secret, const std::string& label, const ByteVector& seed,
               std::size_t length) {
    ByteVector full(label.begin(), label.end());
    full.insert(full.end(), seed.begin(), seed.end());
    return derive(
        "TLS1-PRF",
        {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, kSha384, 0),
         OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, secret.data(), secret.size()),
         OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, full.data(), full.size())},
        length);
}

// AES-256-GCM with a 16-byte tag at the end of `sealed`.
std::optional<ByteVector> open(const ByteVector& key, const ByteVector& nonce,
                               const ByteVector& aad, const ByteVector& sealed) {
    REQUIRE(sealed.size() >= 16);
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> context(EVP_CIPHER_CTX_new(),
                                                                            EVP_CIPHER_CTX_free);
    ByteVector plain(sealed.size() - 16);
    ByteVector tag(sealed.end() - 16, sealed.end());
    int length = 0;
    REQUIRE(EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1);
    REQUIRE(EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN,
                                static_cast<int>(nonce.size()), nullptr) == 1);
    REQUIRE(EVP_DecryptInit_ex(context.get(), nullptr, nullptr, key.data(), nonce.data()) == 1);
    REQUIRE(EVP_DecryptUpdate(context.get(), nullptr, &length, aad.data(),
                              static_cast<int>(aad.size())) == 1);
    REQUIRE(EVP_DecryptUpdate(context.get(), plain.data(), &length, sealed.data(),
                              static_cast<int>(plain.size())) == 1);
    REQUIRE(EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) == 1);
    if (EVP_DecryptFinal_ex(context.get(), plain.data() + length, &length) != 1)
        return std::nullopt;
    return plain;
}

struct Opened {
    std::uint8_t type;
    ByteVector content;
};

ByteVector sequence_bytes(std::uint64_t sequence) {
    ByteVector bytes(8);
    for (int i = 0; i < 8; ++i) bytes[7 - i] = static_cast<std::uint8_t>(sequence >> (8 * i));
    return bytes;
}

// RFC 8446 §5.2-5.3: handshake keys until the Finished, then the traffic keys.
std::vector<Opened> open_tls13(const std::vector<Record>& records, const ByteVector& handshake,
                               const ByteVector& traffic) {
    std::vector<Opened> opened;
    ByteVector key = expand_label(handshake, "key", 32);
    ByteVector iv = expand_label(handshake, "iv", 12);
    std::uint64_t sequence = 0;
    for (const Record& record : records) {
        if (record.type != 23) continue;
        ByteVector nonce = iv;
        const ByteVector counter = sequence_bytes(sequence++);
        for (std::size_t i = 0; i < 8; ++i) nonce[4 + i] ^= counter[i];
        std::optional<ByteVector> plain = open(key, nonce, record.header, record.fragment);
        REQUIRE(plain.has_value());
        while (!plain->empty() && plain->back() == 0) plain->pop_back();
        REQUIRE_FALSE(plain->empty());
        const std::uint8_t type = plain->back();
        plain->pop_back();
        const bool finished = type == 22 && plain->front() == 20;
        opened.push_back({type, std::move(*plain)});
        if (finished) {
            key = expand_label(traffic, "key", 32);
            iv = expand_label(traffic, "iv", 12);
            sequence = 0;
        }
    }
    return opened;
}

// RFC 5246 §6.3 and RFC 5288 §3: the records after ChangeCipherSpec.
std::vector<Opened> open_tls12(const std::vector<Record>& records, const ByteVector& key,
                               const ByteVector& salt) {
    std::vector<Opened> opened;
    bool encrypted = false;
    std::uint64_t sequence = 0;
    for (const Record& record : records) {
        if (!encrypted) {
            encrypted = record.type == 20;
            continue;
        }
        REQUIRE(record.fragment.size() >= 24);
        ByteVector nonce = salt;
        nonce.insert(nonce.end(), record.fragment.begin(), record.fragment.begin() + 8);
        const std::size_t length = record.fragment.size() - 24;
        ByteVector aad = sequence_bytes(sequence++);
        aad.insert(aad.end(), record.header.begin(), record.header.begin() + 3);
        aad.push_back(static_cast<std::uint8_t>(length >> 8));
        aad.push_back(static_cast<std::uint8_t>(length));
        std::optional<ByteVector> plain =
            open(key, nonce, aad, ByteVector(record.fragment.begin() + 8, record.fragment.end()));
        REQUIRE(plain.has_value());
        opened.push_back({record.type, std::move(*plain)});
    }
    return opened;
}

// What an engine wrote, from the application records; and whether close_notify closed it.
std::pair<std::string, bool> application_bytes(const std::vector<Opened>& opened) {
    std::string data;
    bool closed = false;
    for (const Opened& record : opened) {
        if (record.type == 23) data.append(record.content.begin(), record.content.end());
        if (record.type == 21) closed = record.content == ByteVector{1, 0};
    }
    return {data, closed};
}

struct Session {
    std::string client_log;
    std::string server_log;
    ByteVector to_server;
    ByteVector to_client;
    std::string cipher;
};

Session run(TlsVersions versions) {
    Conversation link{lab::TlsContext(client_options(versions), lab::CryptoLibrary::seeded(1)),
                      lab::TlsContext(broker_options(versions), lab::CryptoLibrary::seeded(2))};
    link.handshake();
    REQUIRE(link.server.handshake_complete());
    REQUIRE(link.client.write_plaintext(bytes_of(kConnect)) == kConnect.size());
    link.pump();
    REQUIRE(link.server.write_plaintext(bytes_of(kConnack)) == kConnack.size());
    REQUIRE(link.server.write_plaintext(bytes_of(kPublish)) == kPublish.size());
    link.pump();
    link.client.close();
    link.server.close();
    link.pump();
    return {link.client.key_log().text(), link.server.key_log().text(), link.to_server,
            link.to_client, link.client.cipher_suite_name()};
}

}  // namespace

TEST_CASE("A TLS 1.3 key log has the five secrets and decrypts both directions", "[lab][tls]") {
    const Session session = run(TlsVersions::Tls13Only);
    REQUIRE(session.cipher == "TLS_AES_256_GCM_SHA384");
    const auto secrets = parse_key_log(session.client_log);
    // Both sides log the same secrets, each in the order it derives them.
    CHECK(parse_key_log(session.server_log) == secrets);
    std::set<std::string> labels;
    for (const auto& [label, value] : secrets) {
        labels.insert(label);
        CHECK(value.first == hello_random(session.to_server));
        CHECK(value.second.size() == 48);  // SHA-384
    }
    CHECK(labels == std::set<std::string>{
                        "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                        "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"});

    const auto from_client = open_tls13(records_of(session.to_server),
                                        secrets.at("CLIENT_HANDSHAKE_TRAFFIC_SECRET").second,
                                        secrets.at("CLIENT_TRAFFIC_SECRET_0").second);
    const auto from_server = open_tls13(records_of(session.to_client),
                                        secrets.at("SERVER_HANDSHAKE_TRAFFIC_SECRET").second,
                                        secrets.at("SERVER_TRAFFIC_SECRET_0").second);
    CHECK(application_bytes(from_client) == std::pair{std::string(kConnect), true});
    CHECK(application_bytes(from_server) ==
          std::pair{std::string(kConnack) + std::string(kPublish), true});
    // The server's first encrypted message is EncryptedExtensions, then its certificate.
    REQUIRE(from_server.size() >= 2);
    CHECK(from_server[0].content.front() == 8);
    CHECK(from_server[1].content.front() == 13);  // CertificateRequest: require_certificate
}

TEST_CASE("A TLS 1.2 key log has the master secret and decrypts both directions", "[lab][tls]") {
    const Session session = run(TlsVersions::Tls12Only);
    REQUIRE(session.cipher == "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    CHECK(session.client_log == session.server_log);
    const auto secrets = parse_key_log(session.client_log);
    REQUIRE(secrets.size() == 1);
    const auto& [client_random, master] = secrets.at("CLIENT_RANDOM");
    CHECK(client_random == hello_random(session.to_server));
    CHECK(master.size() == 48);

    ByteVector seed = hello_random(session.to_client);  // server random, then client random
    seed.insert(seed.end(), client_random.begin(), client_random.end());
    const ByteVector block = prf(master, "key expansion", seed, 2 * 32 + 2 * 4);
    const auto part = [&](std::size_t from, std::size_t length) {
        return ByteVector(block.begin() + static_cast<std::ptrdiff_t>(from),
                          block.begin() + static_cast<std::ptrdiff_t>(from + length));
    };
    const auto from_client = open_tls12(records_of(session.to_server), part(0, 32), part(64, 4));
    const auto from_server = open_tls12(records_of(session.to_client), part(32, 32), part(68, 4));
    CHECK(application_bytes(from_client) == std::pair{std::string(kConnect), true});
    CHECK(application_bytes(from_server) ==
          std::pair{std::string(kConnack) + std::string(kPublish), true});
    // Each side's first encrypted record is its Finished.
    REQUIRE_FALSE(from_client.empty());
    CHECK(from_client.front().type == 22);
    CHECK(from_client.front().content.front() == 20);
}

TEST_CASE("A key log keeps a bounded number of lines", "[lab][tls]") {
    lab::KeyLog log(2);
    log.add("CLIENT_RANDOM a b");
    log.add("CLIENT_RANDOM c d");
    log.add("CLIENT_RANDOM e f");
    CHECK(log.text() == "CLIENT_RANDOM a b\nCLIENT_RANDOM c d\n");
    CHECK(log.dropped() == 1);
    lab::KeyLog capture(10);
    capture.append(log);
    CHECK(capture.lines().size() == 2);
    CHECK(capture.dropped() == 1);
}
