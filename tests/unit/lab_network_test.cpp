// The simulated network's TCP, read back from its frames with mqscan's decoders:
// handshake, segmentation, acknowledgements, close and reset, impairments.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <stdexcept>
#include <vector>

#include "lab/net/frame_builder.hpp"
#include "lab/net/prng.hpp"
#include "lab_net_test_support.hpp"

using namespace mqscan;
using namespace mqscan::lab::net;
using namespace mqscan::test;
using namespace std::chrono_literals;

namespace {

const Endpoint kClient{parse_address("192.0.2.10"), 50000};
const Endpoint kServer{parse_address("192.0.2.1"), 1883};
const Endpoint kClient6{parse_address("2001:db8::10"), 50000};
const Endpoint kServer6{parse_address("2001:db8::1"), 1883};

Timestamp at(Duration since_start) { return after(NetworkOptions{}.start, since_start); }

// One connection and its applications: each side closes as soon as its peer
// has (as mosquitto and its clients do), and remembers what it wrote and read.
struct Exchange {
    Network network;
    ConnectionId id;
    std::vector<NetworkEvent> events;
    std::array<std::vector<std::uint8_t>, 2> written;
    bool close_when_peer_closes = true;

    explicit Exchange(const NetworkOptions& options = {}, Endpoint client = kClient,
                      Endpoint server = kServer)
        : network(options), id(network.connect(client, server)) {}

    void run_to(Timestamp time) {
        for (auto next = network.next_event(); next && *next <= time; next = network.next_event()) {
            network.run_until(*next);
            react();
        }
        network.run_until(time);
    }
    void run_to_end() {
        while (const auto next = network.next_event()) {
            network.run_until(*next);
            react();
        }
    }
    void write(Side side, const std::vector<std::uint8_t>& bytes) {
        network.write(id, side, bytes);
        auto& log = written[index(side)];
        log.insert(log.end(), bytes.begin(), bytes.end());
    }
    void react() {
        for (NetworkEvent& event : network.take_events()) {
            if (event.kind == NetworkEventKind::PeerClosed && close_when_peer_closes)
                network.close(event.connection, event.side);
            events.push_back(std::move(event));
        }
    }
    [[nodiscard]] std::vector<FrameView> frames() const { return views(network.frames()); }
    [[nodiscard]] bool from_client(const FrameView& frame) const {
        return frame.tcp().src == network.ends(id).client;
    }
    [[nodiscard]] std::vector<FrameView> data_from(Side side) const {
        std::vector<FrameView> out;
        for (FrameView& frame : frames())
            if (frame.payload() > 0 && from_client(frame) == (side == Side::Client))
                out.push_back(std::move(frame));
        return out;
    }
};

std::vector<std::size_t> payload_sizes(const std::vector<FrameView>& frames) {
    std::vector<std::size_t> sizes;
    for (const FrameView& frame : frames) sizes.push_back(frame.payload());
    return sizes;
}

}  // namespace

TEST_CASE("The handshake is SYN, SYN-ACK, ACK with Linux's options and matching numbers",
          "[lab][net]") {
    Exchange exchange;
    exchange.run_to_end();
    const auto frames = exchange.frames();
    REQUIRE(frames.size() == 3);
    const FrameView& syn = frames[0];
    const FrameView& syn_ack = frames[1];
    const FrameView& ack = frames[2];

    CHECK(syn.only(tcp_flags::Syn));
    CHECK(syn_ack.only(tcp_flags::Syn | tcp_flags::Ack));
    CHECK(ack.only(tcp_flags::Ack));
    CHECK(syn.tcp().src == kClient);
    CHECK(syn_ack.tcp().src == kServer);
    CHECK(syn_ack.tcp().ack == syn.tcp().seq + 1);
    CHECK(ack.tcp().seq == syn.tcp().seq + 1);
    CHECK(ack.tcp().ack == syn_ack.tcp().seq + 1);

    for (const FrameView* offer : {&syn, &syn_ack}) {
        CHECK(offer->options.mss == 1460);
        CHECK(offer->options.sack_permitted);
        CHECK(offer->options.window_shift == 7);  // what a 6 MiB receive window needs
        CHECK(offer->options.length == 20);
        CHECK(offer->tcp().window == 65535);      // never scaled in a SYN (RFC 7323 §2.2)
    }
    CHECK(syn.options.ts_echo == 0u);
    CHECK(syn_ack.options.ts_echo == syn.options.ts_value);
    CHECK(ack.options.ts_echo == syn_ack.options.ts_value);
    CHECK(ack.options.length == 12);
    CHECK_FALSE(ack.options.mss.has_value());
    CHECK(ack.tcp().window == (6u << 20) >> 7);

    // One way takes the 50 µs latency; each side answers at once.
    CHECK(exchange.network.frames()[0].time == at(50us));
    CHECK(exchange.network.frames()[1].time == at(100us));
    CHECK(exchange.network.frames()[2].time == at(150us));
    REQUIRE(exchange.events.size() == 2);
    CHECK(exchange.events[0].kind == NetworkEventKind::Established);
    CHECK(exchange.events[0].side == Side::Client);
    CHECK(exchange.events[0].time == at(100us));
    CHECK(exchange.events[1].kind == NetworkEventKind::Accepted);
    CHECK(exchange.events[1].side == Side::Server);
    CHECK(exchange.events[1].time == at(150us));
    CHECK(exchange.network.state(exchange.id, Side::Client) == TcpState::Established);
    CHECK(exchange.network.state(exchange.id, Side::Server) == TcpState::Established);
}

TEST_CASE("Every frame decodes cleanly, with right checksums and IP headers", "[lab][net]") {
    const bool ipv6 = GENERATE(false, true);
    Exchange exchange({}, ipv6 ? kClient6 : kClient, ipv6 ? kServer6 : kServer);
    exchange.run_to(at(1ms));
    exchange.write(Side::Client, pattern(3001));
    exchange.run_to(at(2ms));
    exchange.write(Side::Server, pattern(17));
    exchange.run_to(at(3ms));
    exchange.network.close(exchange.id, Side::Client);
    exchange.run_to_end();

    std::array<std::optional<std::uint16_t>, 2> last_ip_id;
    for (const CapturedFrame& frame : exchange.network.frames()) {
        const FrameView v = view(frame);
        CHECK(v.decoded.klass == PacketClass::Tcp);
        CHECK(v.decoded.notes.empty());  // no ipv4.checksum.bad, nothing malformed
        CHECK(tcp_checksum_verifies(frame));
        CHECK(v.ipv6 == ipv6);
        CHECK(v.hop_limit == 64);
        const bool from_client = exchange.from_client(v);
        const ConnectionEnds& ends = exchange.network.ends(exchange.id);
        const auto mac = mac_address(from_client ? ends.client.address : ends.server.address);
        CHECK(std::equal(mac.begin(), mac.end(), frame.data.begin() + 6));
        CHECK(mac[0] == 0x02);
        if (!ipv6) {
            CHECK(v.ip_flags == 0x4000);  // DF, no fragment
            auto& last = last_ip_id[from_client ? 0 : 1];
            if (last) CHECK(v.ip_id == static_cast<std::uint16_t>(*last + 1));
            last = v.ip_id;
        }
    }
    CHECK(bytes_read(exchange.events, Side::Server) == exchange.written[0]);
    CHECK(bytes_read(exchange.events, Side::Client) == exchange.written[1]);
}

TEST_CASE("A write is cut at the MSS less the options, PSH on its last segment", "[lab][net]") {
    struct Case {
        bool ipv6;
        bool timestamps;
        std::uint16_t mtu;
        std::uint16_t mss;
        std::size_t full_payload;
    };
    const Case c = GENERATE(Case{false, true, 1500, 1460, 1448},  // IPv4, timestamps
                            Case{false, false, 1500, 1460, 1460},  // no timestamps
                            Case{true, true, 1500, 1440, 1428},    // IPv6
                            Case{false, true, 576, 536, 524});     // a small MTU
    NetworkOptions options;
    options.tcp.timestamps = c.timestamps;
    options.mtu = c.mtu;
    Exchange exchange(options, c.ipv6 ? kClient6 : kClient, c.ipv6 ? kServer6 : kServer);
    exchange.run_to(at(1ms));
    const std::size_t size = 3 * c.full_payload + 100;
    exchange.write(Side::Client, pattern(size));
    exchange.run_to_end();

    CHECK(exchange.frames()[0].options.mss == c.mss);
    const auto data = exchange.data_from(Side::Client);
    CHECK(payload_sizes(data) ==
          std::vector<std::size_t>{c.full_payload, c.full_payload, c.full_payload, 100});
    for (std::size_t i = 0; i < data.size(); ++i) {
        CHECK(data[i].tcp().has(tcp_flags::Psh) == (i + 1 == data.size()));
        CHECK(data[i].options.ts_value.has_value() == c.timestamps);
        if (i > 0) CHECK(data[i].tcp().seq == data[i - 1].tcp().seq + c.full_payload);
    }
    CHECK(bytes_read(exchange.events, Side::Server) == pattern(size));
}

TEST_CASE("Every ACK number counts exactly the bytes received when it was sent", "[lab][net]") {
    Exchange exchange;
    Prng prng(7);
    for (int i = 0; i < 30; ++i) {
        exchange.run_to(at(std::chrono::microseconds(1000 + 337 * i)));
        const Side side = prng.chance(0.5) ? Side::Client : Side::Server;
        exchange.write(side, pattern(prng.between(1, 5000), static_cast<std::uint8_t>(i)));
    }
    exchange.run_to(at(50ms));
    exchange.network.close(exchange.id, Side::Server);
    exchange.run_to_end();

    // A frame left its host one latency before it was captured. By then its
    // host had received every frame of the peer captured earlier, and maybe
    // some captured at that very time: its ACK ends one of those frames.
    const auto frames = exchange.frames();
    const auto& captured = exchange.network.frames();
    for (std::size_t i = 0; i < frames.size(); ++i) {
        if (!frames[i].tcp().has(tcp_flags::Ack)) continue;
        const bool from_client = exchange.from_client(frames[i]);
        const Timestamp sent = after(captured[i].time, -NetworkOptions{}.latency);
        std::uint32_t received = 0;
        std::vector<std::uint32_t> possible;
        for (std::size_t j = 0; j < frames.size() && captured[j].time <= sent; ++j) {
            if (exchange.from_client(frames[j]) == from_client) continue;
            const TcpSegment& peer = frames[j].tcp();
            if (peer.has(tcp_flags::Syn)) received = peer.seq + 1;
            received += static_cast<std::uint32_t>(peer.payload.size()) +
                        (peer.has(tcp_flags::Fin) ? 1 : 0);
            if (captured[j].time < sent) possible.clear();
            possible.push_back(received);
        }
        INFO("frame " << i + 1);
        CHECK(std::find(possible.begin(), possible.end(), frames[i].tcp().ack) != possible.end());
    }
}

TEST_CASE("ACKs: at once every second full segment, else after 40 ms, or riding on an answer",
          "[lab][net]") {
    Exchange exchange;
    exchange.run_to(at(1ms));
    const auto acks_from_server = [&] {
        std::vector<std::pair<Timestamp, std::uint32_t>> acks;
        const auto frames = exchange.frames();
        for (std::size_t i = 0; i < frames.size(); ++i)
            if (!exchange.from_client(frames[i]) && frames[i].only(tcp_flags::Ack))
                acks.emplace_back(exchange.network.frames()[i].time, frames[i].tcp().ack);
        return acks;
    };
    const std::uint32_t first = exchange.frames()[0].tcp().seq + 1;

    SECTION("four full segments: an ACK after the second and the fourth") {
        exchange.write(Side::Client, pattern(4 * 1448));
        exchange.run_to_end();
        const auto acks = acks_from_server();
        REQUIRE(acks.size() == 2);
        CHECK(acks[0].second == first + 2 * 1448);
        CHECK(acks[1].second == first + 4 * 1448);
        CHECK(acks[0].first == at(1ms + 100us));  // sent on arrival, captured a latency later
    }
    SECTION("a small write nobody answers: the delayed ACK") {
        exchange.write(Side::Client, pattern(10));
        exchange.run_to_end();
        const auto acks = acks_from_server();
        REQUIRE(acks.size() == 1);
        CHECK(acks[0].second == first + 10);
        CHECK(acks[0].first == at(1ms + 50us + 40ms + 50us));
    }
    SECTION("a request answered at once: the ACK rides on the answer") {
        exchange.write(Side::Client, pattern(10));
        exchange.run_to(at(1ms + 50us));
        REQUIRE(bytes_read(exchange.events, Side::Server).size() == 10);
        exchange.write(Side::Server, pattern(4));
        exchange.run_to_end();
        CHECK(acks_from_server().empty());
        const auto answer = exchange.data_from(Side::Server);
        REQUIRE(answer.size() == 1);
        CHECK(answer[0].tcp().ack == first + 10);
    }
}

TEST_CASE("A FIN from either side, or both at once, closes the connection", "[lab][net]") {
    Exchange exchange;
    exchange.run_to(at(1ms));
    exchange.write(Side::Client, pattern(100));
    exchange.run_to(at(2ms));
    const std::size_t before = exchange.network.frames().size();
    const auto closing_frames = [&] {
        const auto all = exchange.frames();
        return std::vector<FrameView>(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
    };

    SECTION("the client first, the server in reply: FIN, FIN, ACK") {
        exchange.network.close(exchange.id, Side::Client);
        exchange.run_to_end();
        const auto frames = closing_frames();
        REQUIRE(frames.size() == 3);
        CHECK(exchange.from_client(frames[0]));
        CHECK(frames[0].only(tcp_flags::Fin | tcp_flags::Ack));
        CHECK(frames[1].only(tcp_flags::Fin | tcp_flags::Ack));  // carries the ACK of the first FIN
        CHECK(frames[1].tcp().ack == frames[0].tcp().seq + 1);
        CHECK(frames[2].only(tcp_flags::Ack));
        CHECK(frames[2].tcp().seq == frames[0].tcp().seq + 1);
        CHECK(frames[2].tcp().ack == frames[1].tcp().seq + 1);
        CHECK(exchange.network.state(exchange.id, Side::Client) == TcpState::TimeWait);
        CHECK(exchange.network.state(exchange.id, Side::Server) == TcpState::Closed);
    }
    SECTION("the server first") {
        exchange.network.close(exchange.id, Side::Server);
        exchange.run_to_end();
        const auto frames = closing_frames();
        REQUIRE(frames.size() == 3);
        CHECK_FALSE(exchange.from_client(frames[0]));
        CHECK(frames[0].tcp().has(tcp_flags::Fin));
        CHECK(frames[1].tcp().has(tcp_flags::Fin));
        CHECK(exchange.network.state(exchange.id, Side::Server) == TcpState::TimeWait);
        CHECK(exchange.network.state(exchange.id, Side::Client) == TcpState::Closed);
    }
    SECTION("both at once: two FINs crossing, then two ACKs") {
        exchange.close_when_peer_closes = false;
        exchange.network.close(exchange.id, Side::Client);
        exchange.network.close(exchange.id, Side::Server);
        exchange.run_to_end();
        const auto frames = closing_frames();
        REQUIRE(frames.size() == 4);
        CHECK(frames[0].tcp().has(tcp_flags::Fin));
        CHECK(frames[1].tcp().has(tcp_flags::Fin));
        CHECK(frames[2].only(tcp_flags::Ack));
        CHECK(frames[3].only(tcp_flags::Ack));
        CHECK(frames[2].tcp().ack == frames[exchange.from_client(frames[2]) ? 1 : 0].tcp().seq + 1);
        CHECK(exchange.network.state(exchange.id, Side::Client) == TcpState::TimeWait);
        CHECK(exchange.network.state(exchange.id, Side::Server) == TcpState::TimeWait);
    }
    SECTION("a half-close: the server still sends after the client's FIN") {
        exchange.close_when_peer_closes = false;
        exchange.network.close(exchange.id, Side::Client);
        exchange.run_to(at(3ms));
        exchange.write(Side::Server, pattern(5000));
        exchange.run_to(at(4ms));
        exchange.network.close(exchange.id, Side::Server);
        exchange.run_to_end();
        CHECK(bytes_read(exchange.events, Side::Client) == pattern(5000));
        CHECK(count_events(exchange.events, Side::Client, NetworkEventKind::PeerClosed) == 1);
        CHECK_THROWS_AS(exchange.network.write(exchange.id, Side::Client, pattern(1)),
                        std::logic_error);
    }
    CHECK(count_events(exchange.events, Side::Server, NetworkEventKind::PeerClosed) == 1);
    CHECK(bytes_read(exchange.events, Side::Server) == pattern(100));
}

TEST_CASE("A RST from either side ends the connection at once", "[lab][net]") {
    Exchange exchange;
    exchange.run_to(at(1ms));
    exchange.write(Side::Client, pattern(100));
    exchange.run_to(at(100ms));
    const std::uint32_t client_next = exchange.frames()[0].tcp().seq + 1 + 100;
    const Side who = GENERATE(Side::Client, Side::Server);
    exchange.network.reset(exchange.id, who);
    exchange.run_to_end();

    const auto frames = exchange.frames();
    const FrameView& rst = frames.back();
    CHECK(rst.only(tcp_flags::Rst | tcp_flags::Ack));
    CHECK(exchange.from_client(rst) == (who == Side::Client));
    if (who == Side::Client) CHECK(rst.tcp().seq == client_next);
    CHECK(count_events(exchange.events, peer(who), NetworkEventKind::Reset) == 1);
    CHECK(exchange.network.state(exchange.id, Side::Client) == TcpState::Closed);
    CHECK(exchange.network.state(exchange.id, Side::Server) == TcpState::Closed);

    // The side that was reset ignores writes; the side that reset may not write.
    const std::size_t count = frames.size();
    exchange.network.write(exchange.id, peer(who), pattern(10));
    exchange.run_to_end();
    CHECK(exchange.network.frames().size() == count);
    CHECK_THROWS_AS(exchange.network.write(exchange.id, who, pattern(10)), std::logic_error);
}

TEST_CASE("Data that reaches a side already reset is answered with a RST", "[lab][net]") {
    Exchange exchange;
    exchange.run_to(at(1ms));
    exchange.write(Side::Client, pattern(10));  // in flight for 50 µs
    exchange.network.reset(exchange.id, Side::Server);
    exchange.run_to_end();
    const auto frames = exchange.frames();
    REQUIRE(frames.size() >= 3);
    const FrameView& reply = frames.back();
    CHECK_FALSE(exchange.from_client(reply));
    CHECK(reply.only(tcp_flags::Rst));
    // RFC 9293 §3.10.7.1: <SEQ=SEG.ACK><CTL=RST>.
    CHECK(reply.tcp().seq == exchange.data_from(Side::Client).back().tcp().ack);
    CHECK(bytes_read(exchange.events, Side::Server).empty());
}

TEST_CASE("Bytes arrive exactly as written, once, in order, under every impairment",
          "[lab][net]") {
    struct Case {
        const char* name;
        Impairments impairments;
    };
    const Case c = GENERATE(Case{"loss", {0.2, 0, 0}}, Case{"reorder", {0, 0.3, 0}},
                            Case{"duplicate", {0, 0, 0.2}}, Case{"all three", {0.1, 0.1, 0.1}});
    INFO(c.name);
    std::size_t seeds_showing_it = 0;
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        INFO("seed " << seed);
        NetworkOptions options;
        options.seed = seed;
        options.impairments = c.impairments;
        Exchange exchange(options);
        Prng script(seed * 1000);
        Duration elapsed = 1ms;
        for (int i = 0; i < 12; ++i) {
            elapsed += std::chrono::milliseconds(script.between(0, 60));
            exchange.run_to(at(elapsed));
            const Side side = script.chance(0.5) ? Side::Client : Side::Server;
            exchange.write(side, pattern(script.between(1, 4000), static_cast<std::uint8_t>(i)));
        }
        exchange.network.close(exchange.id, Side::Client);
        exchange.run_to_end();

        REQUIRE(bytes_read(exchange.events, Side::Server) == exchange.written[0]);
        REQUIRE(bytes_read(exchange.events, Side::Client) == exchange.written[1]);
        CHECK(count_events(exchange.events, Side::Server, NetworkEventKind::PeerClosed) == 1);
        CHECK(count_events(exchange.events, Side::Client, NetworkEventKind::PeerClosed) == 1);
        CHECK(exchange.network.state(exchange.id, Side::Server) == TcpState::Closed);
        // A late duplicate reaching the closed server draws a RST that ends the
        // client's TIME-WAIT, as on Linux.
        const bool client_reset =
            count_events(exchange.events, Side::Client, NetworkEventKind::Reset) == 1;
        CHECK(exchange.network.state(exchange.id, Side::Client) ==
              (client_reset ? TcpState::Closed : TcpState::TimeWait));

        // The capture shows the impairment: a segment below one seen before
        // (a retransmission or a late one), or the same frame twice.
        const auto& captured = exchange.network.frames();
        const auto frames = exchange.frames();
        std::array<std::uint32_t, 2> highest{};
        bool shows_it = false;
        for (std::size_t i = 0; i < frames.size(); ++i) {
            if (frames[i].payload() == 0) continue;
            std::uint32_t& top = highest[exchange.from_client(frames[i]) ? 0 : 1];
            const std::uint32_t seq = frames[i].tcp().seq;
            if (top != 0 && static_cast<std::int32_t>(seq - top) < 0) shows_it = true;
            top = std::max(top, seq);
            if (i > 0 && captured[i].data == captured[i - 1].data) shows_it = true;
        }
        if (shows_it) ++seeds_showing_it;
    }
    CHECK(seeds_showing_it > 25);
}

TEST_CASE("The sender keeps within the receive window", "[lab][net]") {
    NetworkOptions options;
    options.tcp.receive_window = 4000;
    Exchange exchange(options);
    exchange.run_to(at(1ms));
    exchange.write(Side::Client, pattern(50'000));
    exchange.run_to_end();
    CHECK(bytes_read(exchange.events, Side::Server) == pattern(50'000));
    CHECK(exchange.frames()[1].options.window_shift == 0);
    std::uint32_t acked = exchange.frames()[0].tcp().seq + 1;
    for (const FrameView& frame : exchange.frames()) {
        if (!exchange.from_client(frame)) acked = frame.tcp().ack;
        else if (frame.payload() > 0)
            CHECK(frame.tcp().seq + frame.payload() - acked <= 4000);
    }
}

TEST_CASE("The link rate spaces frames by their size", "[lab][net]") {
    NetworkOptions options;
    options.link_rate_bps = 1'000'000;
    Exchange exchange(options);
    exchange.run_to(at(10ms));
    exchange.write(Side::Client, pattern(3 * 1448));
    exchange.run_to_end();
    const auto& frames = exchange.network.frames();
    std::vector<Timestamp> data_times;
    for (const CapturedFrame& frame : frames)
        if (frame.data.size() == 14 + 20 + 32 + 1448) data_times.push_back(frame.time);
    REQUIRE(data_times.size() == 3);
    const std::int64_t frame_time_ns = (14 + 20 + 32 + 1448) * 8 * 1000;  // 1 bit per µs
    CHECK(data_times[0] == at(10ms + std::chrono::nanoseconds(frame_time_ns) + 50us));
    CHECK(data_times[1].ns - data_times[0].ns == frame_time_ns);
    CHECK(data_times[2].ns - data_times[1].ns == frame_time_ns);
}

TEST_CASE("Client port 0 draws distinct ephemeral ports", "[lab][net]") {
    Network network({});
    const Endpoint any_port{kClient.address, 0};
    const auto first = network.connect(any_port, kServer);
    const auto second = network.connect(any_port, kServer);
    for (const auto id : {first, second}) {
        CHECK(network.ends(id).client.port >= 32768);
        CHECK(network.ends(id).client.port <= 60999);
    }
    CHECK(network.ends(first).client.port != network.ends(second).client.port);
    Network again({});
    CHECK(again.ends(again.connect(any_port, kServer)).client.port ==
          network.ends(first).client.port);
}

TEST_CASE("Impossible options and requests are refused", "[lab][net]") {
    const auto refused = [](auto change) {
        NetworkOptions options;
        change(options);
        CHECK_THROWS_AS(Network(options), std::invalid_argument);
    };
    refused([](NetworkOptions& o) { o.impairments.loss = 1; });
    refused([](NetworkOptions& o) { o.impairments.duplicate = -0.1; });
    refused([](NetworkOptions& o) { o.impairments.reorder = 1.5; });
    refused([](NetworkOptions& o) { o.mtu = 100; });
    refused([](NetworkOptions& o) { o.tcp.receive_window = 0; });
    refused([](NetworkOptions& o) { o.tcp.retransmission_timeout = Duration{0}; });

    NetworkOptions small_buffer;
    small_buffer.tcp.send_buffer_limit = 1000;
    Network network(small_buffer);
    CHECK_THROWS_AS(network.connect(kClient, kServer6), std::invalid_argument);
    const auto id = network.connect(kClient, kServer);
    CHECK_THROWS_AS(network.connect(kClient, kServer), std::invalid_argument);
    network.write(id, Side::Client, pattern(600));
    CHECK_THROWS_AS(network.write(id, Side::Client, pattern(600)), std::length_error);
    CHECK_THROWS_AS(network.write(static_cast<ConnectionId>(5), Side::Client, pattern(1)),
                    std::out_of_range);
    CHECK_THROWS_AS(parse_address("192.0.2"), std::invalid_argument);
}
