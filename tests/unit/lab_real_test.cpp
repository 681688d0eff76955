// The real broker's and clients' parts (src/lab/real): the bounded output
// buffer, poll timeouts, mosquitto's option values, a connection's bytes
// through TLS as the poll loops move them; and a BrokerServer on 127.0.0.1
// with tiny limits, served by a child process, against raw sockets.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "lab/real/broker_server.hpp"
#include "lab/real/connection_stream.hpp"
#include "lab/real/mosquitto_options.hpp"
#include "lab/real/output_buffer.hpp"
#include "lab/real/sockets.hpp"
#include "lab/real/stop_signals.hpp"
#include "lab/real/subscriber_output.hpp"
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

TEST_CASE("An output buffer holds at most its capacity and two chunks, and gives the memory back", "[lab][real]") {
    constexpr std::size_t kCapacity = 1 << 20;
    constexpr std::size_t kBound = kCapacity + 2 * OutputBuffer::kChunk;
    OutputBuffer buffer(kCapacity / 4, kCapacity);
    const std::vector<std::uint8_t> packet(1000, 0x30);
    const std::vector<std::uint8_t> large(100'000, 0x31);
    // Bursts of small and large appends, each half written, as a slow reader takes them.
    for (int burst = 0; burst < 20; ++burst) {
        while (buffer.append(burst % 2 == 0 ? Bytes(packet) : Bytes(large))) CHECK(buffer.allocated() <= kBound);
        CHECK(buffer.size() > kCapacity - large.size());
        std::size_t written = 0;
        while (written < kCapacity / 2) {
            const std::size_t n = std::min<std::size_t>(buffer.pending().size(), 777);
            buffer.consume(n);
            written += n;
        }
        CHECK(buffer.allocated() <= kBound);
    }
    while (!buffer.empty()) buffer.consume(buffer.pending().size());
    CHECK(buffer.allocated() == 0);
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
}

TEST_CASE("mosquitto_sub's lines, and an output that refuses them", "[lab][real]") {
    lab::Message message;
    message.topic = "maison/salon/temperature";
    message.payload = "21.5";
    CHECK(lab::real::subscriber_line(message, false) == "21.5");
    CHECK(lab::real::subscriber_line(message, true) == "maison/salon/temperature 21.5");
    // A pipe whose reader is gone, while the lab's signals are handled: the write
    // fails with EPIPE (were SIGPIPE not ignored, it would end this test run).
    int ends[2];
    REQUIRE(pipe(ends) == 0);
    close(ends[0]);
    struct sigaction before {};
    sigaction(SIGPIPE, nullptr, &before);
    {
        const lab::real::StopSignals signals;
        std::FILE* out = fdopen(ends[1], "w");
        REQUIRE(out != nullptr);
        CHECK_FALSE(lab::real::write_subscriber_line(out, message, true));
        std::fclose(out);
    }
    struct sigaction after {};
    sigaction(SIGPIPE, nullptr, &after);
    CHECK(after.sa_handler == before.sa_handler);  // given back
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

namespace {

using lab::real::BrokerServer;
using lab::real::BrokerServerOptions;
using lab::real::UniqueFd;

// A BrokerServer on 127.0.0.1 (ports picked by the kernel) serving in a child
// process until stop() sends SIGTERM, its log in a file. `spare_descriptors`:
// once the listeners are open, the child may open only that many more.
class ForkedBroker {
public:
    explicit ForkedBroker(BrokerServerOptions options, std::optional<int> spare_descriptors = std::nullopt) {
        char path[] = "/tmp/mqscan-lab-real-XXXXXX";
        const int log_fd = mkstemp(path);
        REQUIRE(log_fd >= 0);
        close(log_fd);
        log_path_ = path;
        for (lab::real::ListenerSettings& listener : options.listeners) listener.port = 0;
        int ports[2];
        REQUIRE(pipe(ports) == 0);
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            close(ports[0]);
            serve(std::move(options), spare_descriptors, ports[1]);
        }
        close(ports[1]);
        std::uint16_t port = 0;
        while (read(ports[0], &port, sizeof port) == sizeof port) ports_.push_back(port);
        close(ports[0]);
        REQUIRE(ports_.size() == options.listeners.size());
    }
    ~ForkedBroker() {
        if (pid_ > 0) stop();
        std::remove(log_path_.c_str());
    }
    ForkedBroker(const ForkedBroker&) = delete;
    ForkedBroker& operator=(const ForkedBroker&) = delete;

    [[nodiscard]] std::uint16_t port(std::size_t i = 0) const { return ports_.at(i); }

    struct Ended {
        int exit_code = -1;  // -1: killed by a signal
        double cpu_seconds = 0;
    };
    Ended stop() {
        kill(pid_, SIGTERM);
        int status = 0;
        rusage usage{};
        wait4(pid_, &status, 0, &usage);
        pid_ = -1;
        const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
        return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, seconds(usage.ru_utime) + seconds(usage.ru_stime)};
    }

    [[nodiscard]] std::string log() const {
        std::ifstream in(log_path_);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }

private:
    [[noreturn]] void serve(BrokerServerOptions options, std::optional<int> spare_descriptors, int ports_fd) {
        try {
            const lab::real::StopSignals stop;
            std::FILE* log = std::fopen(log_path_.c_str(), "w");
            auto server = BrokerServer::open(std::move(options), [log](const lab::LogLine& line) {
                std::fprintf(log, "%s\n", line.message.c_str());
                std::fflush(log);
            });
            if (!server) _exit(2);
            if (spare_descriptors) {
                // The lowest free descriptor, and room for only so many above it.
                const int lowest = dup(0);
                close(lowest);
                const rlimit limit{static_cast<rlim_t>(lowest + *spare_descriptors),
                                   static_cast<rlim_t>(lowest + *spare_descriptors)};
                if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(4);
            }
            for (const std::uint16_t port : (*server)->ports())
                if (write(ports_fd, &port, sizeof port) != sizeof port) _exit(5);
            close(ports_fd);
            (*server)->run(stop);
            _exit(0);
        } catch (...) {
            _exit(3);
        }
    }

    pid_t pid_ = -1;
    std::string log_path_;
    std::vector<std::uint16_t> ports_;
};

BrokerServerOptions clear_broker() {
    BrokerServerOptions options;
    options.broker.allow_anonymous = true;
    options.listeners.push_back({});
    return options;
}

UniqueFd connect_to(std::uint16_t port) {
    UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    return fd;
}

void send_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        REQUIRE(n > 0);
        sent += static_cast<std::size_t>(n);
    }
}

// What the socket gives within `ms`, until `enough` bytes or its end; `ended` when it closed or was reset.
struct Read {
    std::string bytes;
    bool ended = false;
};
Read read_within(int fd, int ms, std::size_t enough = SIZE_MAX) {
    Read got;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    char buffer[65536];
    while (got.bytes.size() < enough) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        pollfd waiting{fd, POLLIN, 0};
        if (left.count() <= 0 || poll(&waiting, 1, static_cast<int>(left.count())) <= 0) break;
        const ssize_t n = read(fd, buffer, sizeof buffer);
        if (n <= 0) {
            got.ended = true;
            break;
        }
        got.bytes.append(buffer, static_cast<std::size_t>(n));
    }
    return got;
}

std::string mqtt_string(const std::string& text) {
    return std::string{static_cast<char>(text.size() >> 8), static_cast<char>(text.size() & 0xFF)} + text;
}

std::string mqtt_packet(std::uint8_t header, const std::string& body) {
    std::string packet(1, static_cast<char>(header));
    std::size_t length = body.size();
    do {
        const auto byte = static_cast<std::uint8_t>(length % 128);
        length /= 128;
        packet += static_cast<char>(length > 0 ? byte | 0x80 : byte);
    } while (length > 0);
    return packet + body;
}

// MQTT 3.1.1, clean session, keep alive 60; with a will (QoS 0) when `will_topic` is given.
std::string connect_packet(const std::string& id, const std::string& will_topic = "", const std::string& will = "") {
    const char flags = will_topic.empty() ? 0x02 : 0x06;
    std::string body = mqtt_string("MQTT") + std::string{0x04, flags, 0x00, 0x3C} + mqtt_string(id);
    if (!will_topic.empty()) body += mqtt_string(will_topic) + mqtt_string(will);
    return mqtt_packet(0x10, body);
}
const std::string kConnackAccepted{0x20, 0x02, 0x00, 0x00};

std::string subscribe_packet(const std::string& filter) {
    return mqtt_packet(0x82, std::string{0x00, 0x01} + mqtt_string(filter) + std::string(1, '\0'));
}

std::string publish_packet(const std::string& topic, const std::string& payload) {
    return mqtt_packet(0x30, mqtt_string(topic) + payload);
}

// A connection whose CONNECT the broker accepted.
UniqueFd connected_client(std::uint16_t port, const std::string& id, const std::string& will_topic = "",
                          const std::string& will = "") {
    UniqueFd fd = connect_to(port);
    send_all(fd.get(), connect_packet(id, will_topic, will));
    REQUIRE(read_within(fd.get(), 2000, 4).bytes == kConnackAccepted);
    return fd;
}

UniqueFd subscriber(std::uint16_t port, const std::string& id, const std::string& filter) {
    UniqueFd fd = connected_client(port, id);
    send_all(fd.get(), subscribe_packet(filter));
    REQUIRE(read_within(fd.get(), 2000, 5).bytes == std::string{static_cast<char>(0x90), 0x03, 0x00, 0x01, 0x00});
    return fd;
}

}  // namespace

TEST_CASE("The real broker closes a connection past --max-connections at once", "[lab][real][server]") {
    BrokerServerOptions options = clear_broker();
    options.limits.max_connections = 2;
    ForkedBroker broker(options);
    const UniqueFd first = connected_client(broker.port(), "first");
    const UniqueFd second = connected_client(broker.port(), "second");
    const UniqueFd third = connect_to(broker.port());
    CHECK(read_within(third.get(), 2000).ended);
    CHECK(broker.stop().exit_code == 0);
    CHECK_THAT(broker.log(), Catch::Contains("Client connection from 127.0.0.1 denied: max_connections exceeded."));
}

TEST_CASE("The real broker ends a connection whose CONNECT does not come in time", "[lab][real][server]") {
    BrokerServerOptions options = clear_broker();
    options.limits.connect_timeout_ms = 200;
    ForkedBroker broker(options);
    const UniqueFd silent = connect_to(broker.port());
    const UniqueFd connected = connected_client(broker.port(), "on-time");
    const auto start = std::chrono::steady_clock::now();
    CHECK(read_within(silent.get(), 3000).ended);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
    CHECK_FALSE(read_within(connected.get(), 300).ended);  // its CONNECT came: its keep alive rules
    broker.stop();
    CHECK_THAT(broker.log(), Catch::Contains("Client <unknown> has exceeded timeout, disconnecting."));
}

TEST_CASE("The real broker ends a TLS handshake that does not end in time", "[lab][real][server]") {
    BrokerServerOptions options = clear_broker();
    options.listeners.push_back({"127.0.0.1", 0, test::broker_options(lab::TlsVersions::Tls12AndLater), false});
    options.limits.handshake_timeout_ms = 200;
    ForkedBroker broker(options);
    const UniqueFd silent = connect_to(broker.port(1));
    const auto start = std::chrono::steady_clock::now();
    CHECK(read_within(silent.get(), 3000).ended);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
}

TEST_CASE("The real broker closes a subscriber that does not read", "[lab][real][server]") {
    BrokerServerOptions options = clear_broker();
    options.limits.output_high_water = 16 * 1024;
    options.limits.output_capacity = 64 * 1024;
    ForkedBroker broker(options);
    const UniqueFd slow = subscriber(broker.port(), "slow", "flood");
    const UniqueFd publisher = connected_client(broker.port(), "publisher");
    const std::string publish = publish_packet("flood", std::string(16 * 1024, 'x'));
    // Far more than the socket buffers and the 64 KiB capacity hold.
    for (int i = 0; i < 1000; ++i) send_all(publisher.get(), publish);
    Read got = read_within(slow.get(), 10'000);
    CHECK(got.ended);
    CHECK(got.bytes.size() < 1000 * publish.size());
    broker.stop();
    CHECK_THAT(broker.log(), Catch::Contains("Client slow closed its connection."));
}

TEST_CASE("The real broker publishes the will of a connection reset by its peer", "[lab][real][server]") {
    ForkedBroker broker(clear_broker());
    const UniqueFd watcher = subscriber(broker.port(), "watcher", "status/+");
    {
        UniqueFd doomed = connected_client(broker.port(), "doomed", "status/doomed", "gone");
        const linger reset{1, 0};  // close() sends a RST
        setsockopt(doomed.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    }
    const std::string will = publish_packet("status/doomed", "gone");
    CHECK(read_within(watcher.get(), 2000, will.size()).bytes == will);
}

TEST_CASE("The real broker rests, not spins, when it runs out of file descriptors", "[lab][real][server]") {
    BrokerServerOptions options = clear_broker();
    options.limits.max_connections = 64;
    ForkedBroker broker(options, 2);
    std::vector<UniqueFd> clients;
    // Taken by the kernel's backlog, not all by the broker: accept4() fails with EMFILE.
    for (int i = 0; i < 20; ++i) clients.push_back(connect_to(broker.port()));
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    const ForkedBroker::Ended ended = broker.stop();
    CHECK(ended.exit_code == 0);
    CHECK(ended.cpu_seconds < 0.3);  // a busy loop would take the whole second
    const std::string log = broker.log();
    const std::string line = "Unable to accept new connection, system socket count has been exceeded.";
    CHECK_THAT(log, Catch::Contains(line));
    CHECK(log.find(line) == log.rfind(line));  // once
}

TEST_CASE("The real broker refuses more connections than it may open file descriptors", "[lab][real][server]") {
    rlimit limit{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
    if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max > 1'000'000'000) return;
    BrokerServerOptions options = clear_broker();
    options.listeners.front().port = 0;
    options.limits.max_connections = static_cast<std::size_t>(limit.rlim_max);
    const auto opened = BrokerServer::open(options, [](const lab::LogLine&) {});
    REQUIRE_FALSE(opened);
    CHECK_THAT(opened.error(), Catch::Contains("file descriptors") && Catch::Contains("at most"));
}
