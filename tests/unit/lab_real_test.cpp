// The real broker's and clients' pure parts (src/lab/real): the bounded output
// buffer, poll timeouts, mosquitto's option values, and a connection's bytes
// through TLS as the poll loops move them.

#include <catch2/catch.hpp>

#include "lab/real/connection_stream.hpp"
#include "lab/real/mosquitto_options.hpp"
#include "lab/real/output_buffer.hpp"
#include "lab/real/wall_clock.hpp"
#include "lab_tls_test_support.hpp"

using namespace mqscan;
using lab::real::ConnectionStream;
using lab::real::OutputBuffer;
using test::bytes_of;
using test::text_of;

namespace {

std::string pending_text(const OutputBuffer& buffer) {
    const Bytes pending = buffer.pending();
    return {pending.begin(), pending.end()};
}

ConnectionStream tls_stream(const lab::TlsContextOptions& options, std::size_t capacity = 1 << 20) {
    return ConnectionStream(lab::TlsEndpoint(lab::TlsContext(options)), OutputBuffer(capacity / 2, capacity));
}

// What `from` holds goes to `to`, as a socket would carry it; returns the plaintext `to` got.
std::string carry(ConnectionStream& from, ConnectionStream& to) {
    const std::vector<std::uint8_t> wire(from.output().pending().begin(), from.output().pending().end());
    from.output().consume(wire.size());
    return text_of(to.receive(wire));
}

}  // namespace

TEST_CASE("An output buffer refuses what would pass its capacity, and is backed up from its high-water mark",
          "[lab][real]") {
    OutputBuffer buffer(4, 8);
    CHECK(buffer.append(bytes_of("abc")));
    CHECK_FALSE(buffer.backed_up());
    CHECK(buffer.append(bytes_of("def")));
    CHECK(buffer.backed_up());
    CHECK_FALSE(buffer.append(bytes_of("ghi")));  // 9 > 8: nothing of it is kept
    CHECK(pending_text(buffer) == "abcdef");
    buffer.consume(5);
    CHECK(pending_text(buffer) == "f");
    CHECK_FALSE(buffer.backed_up());
    CHECK(buffer.append(bytes_of("ghijklm")));  // room again: 1 + 7
    CHECK(pending_text(buffer) == "fghijklm");
    buffer.consume(100);
    CHECK(buffer.empty());
}

TEST_CASE("poll() waits until a deadline, rounded up to the millisecond, within a cap", "[lab][real]") {
    const Timestamp now{5'000'000'000};
    CHECK(lab::real::poll_timeout_ms(now, std::nullopt, 1000) == -1);
    CHECK(lab::real::poll_timeout_ms(now, Timestamp{4'000'000'000}, 1000) == 0);
    CHECK(lab::real::poll_timeout_ms(now, now, 1000) == 0);
    CHECK(lab::real::poll_timeout_ms(now, Timestamp{now.ns + 1}, 1000) == 1);
    CHECK(lab::real::poll_timeout_ms(now, Timestamp{now.ns + 2'000'000}, 1000) == 2);
    CHECK(lab::real::poll_timeout_ms(now, Timestamp{now.ns + 90'000'000'000}, 1000) == 1000);
}

TEST_CASE("mosquitto's clients' option values", "[lab][real]") {
    using lab::real::TlsVersionRole;
    CHECK(lab::real::protocol_version_named("mqttv311") == mqtt::Version::V311);
    CHECK(lab::real::protocol_version_named("311") == mqtt::Version::V311);
    CHECK(lab::real::protocol_version_named("mqttv5") == mqtt::Version::V5);
    CHECK(lab::real::protocol_version_named("5") == mqtt::Version::V5);
    CHECK(lab::real::protocol_version_named("mqttv31") == mqtt::Version::V31);
    CHECK_FALSE(lab::real::protocol_version_named("mqttv4"));
    // The broker's tls_version is a minimum; a client's is what it offers.
    CHECK(lab::real::tls_versions_named("tlsv1.2", TlsVersionRole::Minimum) == lab::TlsVersions::Tls12AndLater);
    CHECK(lab::real::tls_versions_named("tlsv1.2", TlsVersionRole::Exact) == lab::TlsVersions::Tls12Only);
    CHECK(lab::real::tls_versions_named("tlsv1.3", TlsVersionRole::Minimum) == lab::TlsVersions::Tls13Only);
    CHECK_FALSE(lab::real::tls_versions_named("tlsv1.1", TlsVersionRole::Exact));
    lab::Message message;
    message.topic = "maison/salon/temperature";
    message.payload = "21.5";
    CHECK(lab::real::subscriber_line(message, false) == "21.5");
    CHECK(lab::real::subscriber_line(message, true) == "maison/salon/temperature 21.5");
}

TEST_CASE("A certificate without its key is refused before any file is read", "[lab][real]") {
    CHECK_THROWS_AS(lab::real::tls_options_from_files(lab::TlsRole::Client, {"", "client.crt", ""}),
                    std::invalid_argument);
}

TEST_CASE("Two connection streams carry a client's early plaintext through the TLS handshake", "[lab][real]") {
    const auto versions = GENERATE(lab::TlsVersions::Tls12Only, lab::TlsVersions::Tls13Only);
    ConnectionStream client = tls_stream(test::client_options(versions));
    ConnectionStream server = tls_stream(test::broker_options(versions));
    client.start();
    server.start();
    client.send(bytes_of("CONNECT"));  // waits in the endpoint for the handshake
    std::string at_server;
    std::string at_client;
    for (int round = 0; round < 10; ++round) {
        at_server += carry(client, server);
        at_client += carry(server, client);
    }
    CHECK(server.handshake_complete());
    CHECK(server.tls()->peer_common_name() == "localhost");
    CHECK(at_server == "CONNECT");
    server.send(bytes_of("CONNACK"));
    CHECK(carry(server, client) == "CONNACK");
    CHECK_FALSE(client.broken());
    CHECK_FALSE(server.broken());
}

TEST_CASE("A stream whose output would pass its capacity is broken, and takes nothing more", "[lab][real]") {
    ConnectionStream clear(std::nullopt, OutputBuffer(4, 8));
    clear.send(bytes_of("PUBLISH"));
    CHECK_FALSE(clear.broken());
    clear.send(bytes_of("PUBLISH"));
    CHECK(clear.broken());
    CHECK(pending_text(clear.output()) == "PUBLISH");
}

TEST_CASE("Each failed handshake reports its own OpenSSL error, as mosquitto logs it", "[lab][real]") {
    // One after the other in a thread, as in the broker's loop: the second must not see the first's error.
    lab::TlsContextOptions without_certificate = test::client_options(lab::TlsVersions::Tls12Only);
    without_certificate.credentials.reset();
    lab::TlsContextOptions other_ca = test::client_options(lab::TlsVersions::Tls12Only);
    other_ca.credentials = test::lab_certificates().client_of_other_ca;
    const std::string expected[] = {"error:0A0000C7:SSL routines::peer did not return a certificate",
                                    "error:0A000086:SSL routines::certificate verify failed"};
    int i = 0;
    for (const lab::TlsContextOptions& options : {without_certificate, other_ca}) {
        ConnectionStream client = tls_stream(options);
        ConnectionStream server = tls_stream(test::broker_options(lab::TlsVersions::Tls12Only));
        client.start();
        for (int round = 0; round < 10 && !server.tls_failed(); ++round) {
            carry(client, server);
            carry(server, client);
        }
        REQUIRE(server.tls_failed());
        CHECK(server.tls()->failure()->openssl_error == expected[i++]);
    }
}
