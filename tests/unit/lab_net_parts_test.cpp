// The simulated network's parts on their own: checksum, random numbers, event
// order, TCP options on the wire, and the send and receive buffers.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "lab/net/event_queue.hpp"
#include "lab/net/internet_checksum.hpp"
#include "lab/net/prng.hpp"
#include "lab/net/tcp_receive_buffer.hpp"
#include "lab/net/tcp_segment.hpp"
#include "lab/net/tcp_send_buffer.hpp"

using namespace mqscan;
using namespace mqscan::lab::net;

namespace {

std::vector<std::uint8_t> bytes(std::size_t size, std::uint8_t first = 0) {
    std::vector<std::uint8_t> out(size);
    for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(first + i);
    return out;
}

}  // namespace

TEST_CASE("The Internet checksum gives RFC 1071's example, whatever the pieces", "[lab][net]") {
    const std::vector<std::uint8_t> example = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    InternetChecksum whole;
    whole.add(example);
    CHECK(whole.value() == 0x220d);  // RFC 1071 §3: the sum is 0xddf2

    const std::size_t split = GENERATE(1u, 3u, 5u, 7u);
    InternetChecksum pieces;
    pieces.add(Bytes(example).first(split));
    pieces.add(Bytes(example).subspan(split));
    CHECK(pieces.value() == 0x220d);
}

TEST_CASE("The generator gives SplitMix64's numbers and fair draws", "[lab][net]") {
    Prng prng(0);
    CHECK(prng.next() == 0xe220a8397b1dcdafu);
    CHECK(prng.next() == 0x6e789e6aa1b965f4u);
    CHECK(prng.next() == 0x06c45d188009454fu);

    Prng draws(42);
    std::vector<int> seen(5);
    for (int i = 0; i < 5000; ++i) {
        const std::uint64_t value = draws.between(10, 14);
        REQUIRE(value >= 10);
        REQUIRE(value <= 14);
        ++seen[value - 10];
        CHECK_FALSE(draws.chance(0));
        CHECK(draws.chance(1));
    }
    for (const int count : seen) CHECK(count > 900);
    CHECK(draws.between(0, ~std::uint64_t{0}) != draws.between(0, ~std::uint64_t{0}));
}

TEST_CASE("Events come by time, then in the order they were scheduled", "[lab][net]") {
    EventQueue<int> queue;
    queue.schedule(Timestamp{20}, 1);
    const auto cancelled = queue.schedule(Timestamp{10}, 2);
    queue.schedule(Timestamp{20}, 3);
    queue.schedule(Timestamp{5}, 4);
    queue.cancel(cancelled);
    CHECK(queue.next_time() == Timestamp{5});
    std::vector<int> order;
    while (!queue.empty()) order.push_back(queue.pop().second);
    CHECK(order == std::vector<int>{4, 1, 3});
    CHECK_FALSE(queue.next_time().has_value());
}

TEST_CASE("TCP options are laid out as Linux lays them out", "[lab][net]") {
    TcpOptions syn;
    syn.mss = 1460;
    syn.sack_permitted = true;
    syn.timestamps = TcpTimestamps{0x01020304, 0};
    syn.window_shift = 7;
    CHECK(encode_tcp_options(syn) ==
          std::vector<std::uint8_t>{2, 4, 0x05, 0xb4,     // MSS 1460
                                    4, 2,                 // SACK permitted
                                    8, 10, 1, 2, 3, 4, 0, 0, 0, 0,  // timestamps
                                    1, 3, 3, 7});         // NOP, window scale 7

    TcpOptions without_timestamps = syn;
    without_timestamps.timestamps.reset();
    CHECK(encode_tcp_options(without_timestamps) ==
          std::vector<std::uint8_t>{2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7});

    TcpOptions ack;
    ack.timestamps = TcpTimestamps{5, 6};
    ack.sack_blocks = {{100, 200}};
    CHECK(encode_tcp_options(ack) ==
          std::vector<std::uint8_t>{1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6,  // NOP, NOP, timestamps
                                    1, 1, 5, 10, 0, 0, 0, 100, 0, 0, 0, 200});

    CHECK(sack_blocks_fitting(40 - 12) == 3);  // RFC 2018 §3: three beside timestamps
    CHECK(sack_blocks_fitting(40) == 4);
    CHECK(sack_blocks_fitting(11) == 0);
    ack.sack_blocks.resize(4);
    CHECK_THROWS_AS(encode_tcp_options(ack), std::logic_error);
}

TEST_CASE("The receive buffer hands over each byte once, in order", "[lab][net]") {
    TcpReceiveBuffer buffer;
    buffer.start(1000);
    const auto data = bytes(30);
    const Bytes all(data);

    const ReceiveOutcome beyond = buffer.receive(1010, all.subspan(10, 10), false);
    CHECK(beyond.out_of_order);
    CHECK(beyond.delivered.empty());
    buffer.receive(1025, all.subspan(25, 5), true);  // the last bytes and the FIN
    const auto sack = buffer.sack_ranges(1025, 3);
    REQUIRE(sack.size() == 2);
    CHECK(sack[0].left == 1025);  // the block just received comes first (RFC 2018 §4)
    CHECK(sack[1].left == 1010);

    const ReceiveOutcome first = buffer.receive(1000, all.first(15), false);
    CHECK(first.filled_gap);
    CHECK(first.delivered == std::vector<std::uint8_t>(data.begin(), data.begin() + 20));
    CHECK_FALSE(first.fin);

    CHECK(buffer.receive(1005, all.subspan(5, 5), false).duplicate);

    const ReceiveOutcome rest = buffer.receive(1020, all.subspan(20, 5), false);
    CHECK(rest.delivered == std::vector<std::uint8_t>(data.begin() + 20, data.end()));
    CHECK(rest.fin);
    CHECK(buffer.next() == 1031);  // the FIN takes a sequence number
    CHECK(buffer.receive(1030, {}, true).duplicate);

    CHECK(buffer.unwrap(static_cast<std::uint32_t>(1031 + 5)) == 1036);
    CHECK(buffer.unwrap(static_cast<std::uint32_t>(1031 - 5)) == 1026);
}

TEST_CASE("The send buffer cuts segments and keeps them until acknowledged", "[lab][net]") {
    TcpSendBuffer buffer(100);
    buffer.start(5000);
    buffer.append(bytes(50));
    CHECK_THROWS_AS(buffer.append(bytes(51)), std::length_error);

    const auto first = buffer.send_next(20, 5030);
    REQUIRE(first);
    CHECK(first->seq == 5000);
    CHECK(first->length == 20);
    CHECK_FALSE(first->push);
    const auto second = buffer.send_next(20, 5030);
    REQUIRE(second);
    CHECK(second->length == 10);  // cut by the window
    CHECK_FALSE(buffer.send_next(20, 5030));

    buffer.queue_fin();
    const auto last = buffer.send_next(20, 6000);
    REQUIRE(last);
    CHECK(last->length == 20);
    CHECK(last->push);
    CHECK(last->fin);  // the FIN rides on the segment that ends the stream
    CHECK(buffer.fin_sent());

    buffer.acknowledge(5010);  // inside the first segment: the rest of it stays
    REQUIRE(buffer.oldest_in_flight() != nullptr);
    CHECK(buffer.oldest_in_flight()->seq == 5010);
    CHECK(buffer.payload(*buffer.oldest_in_flight()) == bytes(10, 10));
    buffer.acknowledge(5051);
    CHECK(buffer.fin_acked());
    CHECK(buffer.oldest_in_flight() == nullptr);
}
