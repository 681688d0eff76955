// TcpReassembler: the exact outcome of each segment and the exact bytes and
// gaps that come out, whatever order the segments arrive in.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "flow/tcp_reassembler.hpp"

using namespace mqscan;

namespace {

// Records the stream as text: data as-is, a gap of n bytes as "<gap n>".
class Recorder final : public ReassemblyOutput {
public:
    void deliver(Bytes bytes) override { stream.append(bytes.begin(), bytes.end()); }
    void gap(std::uint64_t bytes) override { stream += "<gap " + std::to_string(bytes) + ">"; }
    std::string stream;
};

struct Segment {
    std::uint32_t seq;
    std::string data;
    bool syn = false;
    bool fin = false;
    std::uint32_t missing = 0;
};

class Fixture {
public:
    Fixture() : reassembler(limits, pending_total) {}
    explicit Fixture(Limits custom) : limits(custom), reassembler(limits, pending_total) {}

    SegmentOutcome feed(const Segment& s, bool peer_window_zero = false) {
        SegmentInput in;
        in.seq = s.seq;
        in.syn = s.syn;
        in.fin = s.fin;
        in.payload = Bytes(reinterpret_cast<const std::uint8_t*>(s.data.data()), s.data.size());
        in.missing = s.missing;
        in.peer_window_zero = peer_window_zero;
        return reassembler.accept(in, out);
    }
    SegmentStatus status(const Segment& s) { return feed(s).status; }
    std::string flushed() {
        reassembler.flush(out);
        return out.stream;
    }

    Limits limits;
    std::size_t pending_total = 0;
    TcpReassembler reassembler;
    Recorder out;
};

constexpr std::uint32_t kIsn = 1000;

}  // namespace

TEST_CASE("In-order segments are delivered at once", "[reassembly]") {
    Fixture f;
    CHECK(f.status({kIsn, "", true}) == SegmentStatus::NoPayload);
    CHECK(f.status({kIsn + 1, "hello "}) == SegmentStatus::Delivered);
    CHECK(f.status({kIsn + 7, "world"}) == SegmentStatus::Delivered);
    CHECK(f.out.stream == "hello world");
    CHECK(f.reassembler.syn_seen());
    CHECK(f.reassembler.initial_seq() == kIsn);
    CHECK(f.reassembler.pending_segments() == 0);
}

TEST_CASE("Data carried by the SYN follows the SYN's sequence number", "[reassembly]") {
    Fixture f;
    CHECK(f.status({kIsn, "fast", true}) == SegmentStatus::Delivered);
    CHECK(f.status({kIsn + 5, "open"}) == SegmentStatus::Delivered);
    CHECK(f.out.stream == "fastopen");
}

TEST_CASE("Out-of-order segments wait, then come out in order", "[reassembly]") {
    Fixture f;
    f.feed({kIsn, "", true});
    CHECK(f.status({kIsn + 7, "world"}) == SegmentStatus::Buffered);
    CHECK(f.status({kIsn + 12, "!"}) == SegmentStatus::Buffered);
    CHECK(f.out.stream.empty());
    CHECK(f.reassembler.pending_segments() == 2);
    CHECK(f.reassembler.pending_bytes() == 6);
    CHECK(f.pending_total == 6);
    CHECK(f.status({kIsn + 1, "hello "}) == SegmentStatus::Delivered);
    CHECK(f.out.stream == "hello world!");
    CHECK(f.reassembler.pending_segments() == 0);
    CHECK(f.pending_total == 0);
}

TEST_CASE("An exact retransmission is not delivered twice", "[reassembly]") {
    Fixture f;
    f.feed({kIsn, "", true});
    f.feed({kIsn + 1, "abc"});
    const SegmentOutcome again = f.feed({kIsn + 1, "abc"});
    CHECK(again.status == SegmentStatus::Retransmission);
    CHECK_FALSE(again.overlap_mismatch);
    CHECK(f.out.stream == "abc");
}

TEST_CASE("A partial retransmission delivers only its new bytes", "[reassembly]") {
    Fixture f;
    f.feed({kIsn, "", true});
    f.feed({kIsn + 1, "a"});
    const SegmentOutcome outcome = f.feed({kIsn + 1, "abcd"});
    CHECK(outcome.status == SegmentStatus::Delivered);
    CHECK_FALSE(outcome.overlap_mismatch);
    CHECK(f.out.stream == "abcd");
}

TEST_CASE("Overlapping data that differs keeps the first copy and is flagged", "[reassembly]") {
    Fixture f;
    f.feed({kIsn, "", true});
    f.feed({kIsn + 1, "abcd"});

    SECTION("a retransmission of delivered bytes") {
        const SegmentOutcome outcome = f.feed({kIsn + 3, "XYef"});
        CHECK(outcome.status == SegmentStatus::Delivered);
        CHECK(outcome.overlap_mismatch);
        CHECK(f.out.stream == "abcdef");
    }
    SECTION("two copies of the same out-of-order bytes") {
        f.feed({kIsn + 7, "ghij"});
        const SegmentOutcome outcome = f.feed({kIsn + 9, "XXkl"});
        CHECK(outcome.status == SegmentStatus::Buffered);
        CHECK(outcome.overlap_mismatch);
        f.feed({kIsn + 5, "ef"});
        CHECK(f.out.stream == "abcdefghijkl");
    }
    SECTION("an in-order segment over bytes already waiting") {
        f.feed({kIsn + 7, "gh"});
        const SegmentOutcome outcome = f.feed({kIsn + 5, "efXX"});
        CHECK(outcome.status == SegmentStatus::Delivered);
        CHECK(outcome.overlap_mismatch);
        CHECK(f.out.stream == "abcdefgh");
    }
}

TEST_CASE("Retransmissions older than the kept history are not compared", "[reassembly]") {
    Limits small;
    small.overlap_check_bytes = 2;
    Fixture f(small);
    f.feed({kIsn, "", true});
    f.feed({kIsn + 1, "abcd"});
    CHECK_FALSE(f.feed({kIsn + 1, "XXcd"}).overlap_mismatch);
    CHECK(f.feed({kIsn + 1, "abXd"}).overlap_mismatch);
}

TEST_CASE("Sequence numbers wrap around 2^32", "[reassembly]") {
    Fixture f;
    const std::uint32_t isn = 0xfffffffa;
    f.feed({isn, "", true});
    CHECK(f.status({isn + 1, "01234"}) == SegmentStatus::Delivered);  // ends at 0xffffffff
    CHECK(f.status({isn + 11, "abc"}) == SegmentStatus::Buffered);    // seq 5 after the wrap
    CHECK(f.status({isn + 6, "56789"}) == SegmentStatus::Delivered);  // seq 0xffffffff..3
    CHECK(f.out.stream == "0123456789abc");
    CHECK(f.reassembler.next_offset() == 13);
}

TEST_CASE("A stream seen without its SYN starts at its first segment", "[reassembly]") {
    Fixture f;
    CHECK(f.status({500, "mid"}) == SegmentStatus::Delivered);
    CHECK(f.status({503, "stream"}) == SegmentStatus::Delivered);
    CHECK_FALSE(f.reassembler.syn_seen());
    CHECK(f.out.stream == "midstream");
}

TEST_CASE("The FIN is reached once every byte before it is delivered", "[reassembly]") {
    Fixture f;
    f.feed({kIsn, "", true});
    f.feed({kIsn + 4, "def", false, true});
    CHECK_FALSE(f.reassembler.fin_reached());
    f.feed({kIsn + 1, "abc"});
    CHECK(f.reassembler.fin_reached());
    CHECK(f.out.stream == "abcdef");
}

TEST_CASE("Keep-alive and zero-window probes are ignored", "[reassembly]") {
    Fixture f;
    f.feed({kIsn, "", true});
    f.feed({kIsn + 1, "abc"});
    SECTION("keep-alive without data, one sequence number back") {
        CHECK(f.status({kIsn + 3, ""}) == SegmentStatus::Ignored);
    }
    SECTION("keep-alive with one garbage byte, one sequence number back") {
        const SegmentOutcome outcome = f.feed({kIsn + 3, "\x00"});
        CHECK(outcome.status == SegmentStatus::Ignored);
        CHECK_FALSE(outcome.overlap_mismatch);
    }
    SECTION("zero-window probe while the receiver's window is closed") {
        CHECK(f.feed({kIsn + 4, "d"}, true).status == SegmentStatus::Ignored);
        CHECK(f.status({kIsn + 4, "de"}) == SegmentStatus::Delivered);
    }
    SECTION("one byte at the next position with an open window is data") {
        CHECK(f.status({kIsn + 4, "d"}) == SegmentStatus::Delivered);
    }
    CHECK(f.flushed().substr(0, 3) == "abc");
    CHECK(f.out.stream.find("<gap") == std::string::npos);
}

TEST_CASE("Bytes missing from the capture come out as a gap of the right size", "[reassembly]") {
    Fixture f;
    f.feed({kIsn, "", true});
    f.feed({kIsn + 1, "abc"});
    f.feed({kIsn + 10, "jkl"});
    CHECK(f.out.stream == "abc");
    CHECK(f.flushed() == "abc<gap 6>jkl");
}

TEST_CASE("A hole the peer acknowledged is a gap at once", "[reassembly]") {
    Fixture f;
    f.feed({kIsn, "", true});
    f.feed({kIsn + 1, "abc"});
    SECTION("acknowledged before the data after it arrives") {
        f.reassembler.acknowledged(kIsn + 10, f.out);
        CHECK(f.out.stream == "abc");
        CHECK(f.status({kIsn + 10, "jkl"}) == SegmentStatus::Delivered);
        CHECK(f.out.stream == "abc<gap 6>jkl");
    }
    SECTION("acknowledged after the data after it arrived") {
        CHECK(f.status({kIsn + 10, "jkl"}) == SegmentStatus::Buffered);
        f.reassembler.acknowledged(kIsn + 7, f.out);  // not past the hole: it may still come
        CHECK(f.out.stream == "abc");
        f.reassembler.acknowledged(kIsn + 13, f.out);
        CHECK(f.out.stream == "abc<gap 6>jkl");
    }
}

TEST_CASE("A missing tail before the FIN is a gap at the end", "[reassembly]") {
    Fixture f;
    f.feed({kIsn, "", true});
    f.feed({kIsn + 1, "abc"});
    f.feed({kIsn + 10, "", false, true});
    CHECK(f.flushed() == "abc<gap 6>");
}

TEST_CASE("Payload cut by the snaplen is a gap, never garbage", "[reassembly]") {
    Fixture f;
    f.feed({kIsn, "", true});
    CHECK(f.status({kIsn + 1, "ab", false, false, 4}) == SegmentStatus::Delivered);
    CHECK(f.status({kIsn + 7, "gh"}) == SegmentStatus::Delivered);
    CHECK(f.out.stream == "ab<gap 4>gh");

    SECTION("and an out-of-order cut segment keeps its hole") {
        CHECK(f.status({kIsn + 13, "mn", false, false, 1}) == SegmentStatus::Buffered);
        CHECK(f.status({kIsn + 9, "ijkl"}) == SegmentStatus::Delivered);
        CHECK(f.out.stream == "ab<gap 4>ghijklmn<gap 1>");
    }
}

TEST_CASE("Too many waiting bytes declare the hole a gap", "[reassembly]") {
    Limits small;
    small.max_out_of_order_segments = 2;
    Fixture f(small);
    f.feed({kIsn, "", true});
    f.feed({kIsn + 1, "a"});
    CHECK(f.status({kIsn + 3, "c"}) == SegmentStatus::Buffered);
    CHECK(f.status({kIsn + 5, "e"}) == SegmentStatus::Buffered);
    const SegmentOutcome outcome = f.feed({kIsn + 7, "g"});
    CHECK(outcome.status == SegmentStatus::GapForced);
    CHECK(outcome.out_of_order_limit);
    CHECK(f.out.stream == "a<gap 1>c");
    CHECK(f.reassembler.pending_segments() == 2);
    CHECK(f.status({kIsn + 2, "b"}) == SegmentStatus::Retransmission);
    CHECK(f.flushed() == "a<gap 1>c<gap 1>e<gap 1>g");
}

TEST_CASE("The byte limit counts waiting bytes over all streams", "[reassembly]") {
    Limits small;
    small.max_out_of_order_bytes_total = 4;
    std::size_t shared_total = 0;
    Recorder first_out;
    Recorder second_out;
    TcpReassembler first(small, shared_total);
    TcpReassembler second(small, shared_total);
    const std::string data = "xyz";
    const Bytes bytes(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    first.accept({kIsn, true, false, {}, 0, false}, first_out);
    second.accept({kIsn, true, false, {}, 0, false}, second_out);
    CHECK(first.accept({kIsn + 5, false, false, bytes, 0, false}, first_out).status ==
          SegmentStatus::Buffered);
    CHECK(shared_total == 3);
    CHECK(second.accept({kIsn + 5, false, false, bytes, 0, false}, second_out).status ==
          SegmentStatus::GapForced);
    CHECK(second_out.stream == "<gap 4>xyz");
    CHECK(shared_total == 3);
}

TEST_CASE("release_memory drops waiting bytes from the shared total", "[reassembly]") {
    Fixture f;
    f.feed({kIsn, "", true});
    f.feed({kIsn + 5, "later"});
    CHECK(f.pending_total == 5);
    f.reassembler.release_memory();
    CHECK(f.pending_total == 0);
    CHECK(f.reassembler.pending_segments() == 0);
}

// The same segments fed in order, shuffled, duplicated, or with one missing
// must give the same stream (with a gap where a segment is missing).
TEST_CASE("Any arrival order gives the same stream", "[reassembly][property]") {
    const std::string message =
        "The quick brown fox jumps over the lazy dog; MQTT PUBLISH ciel hello 0123456789";
    std::vector<Segment> segments;
    std::mt19937 sizes(7);
    for (std::size_t at = 0; at < message.size();) {
        const std::size_t n = std::min<std::size_t>(1 + sizes() % 9, message.size() - at);
        segments.push_back({kIsn + 1 + static_cast<std::uint32_t>(at), message.substr(at, n)});
        at += n;
    }
    const auto seed = GENERATE(range(1u, 41u));
    std::mt19937 random(seed);

    SECTION("shuffled") {
        std::vector<Segment> order = segments;
        std::shuffle(order.begin(), order.end(), random);
        Fixture f;
        f.feed({kIsn, "", true});
        for (const Segment& s : order) f.feed(s);
        CHECK(f.flushed() == message);
    }
    SECTION("shuffled with every segment twice") {
        std::vector<Segment> order = segments;
        order.insert(order.end(), segments.begin(), segments.end());
        std::shuffle(order.begin(), order.end(), random);
        Fixture f;
        f.feed({kIsn, "", true});
        for (const Segment& s : order) f.feed(s);
        CHECK(f.flushed() == message);
    }
    SECTION("shuffled with one segment missing") {
        const std::size_t missing = random() % segments.size();
        std::vector<Segment> order = segments;
        order.erase(order.begin() + static_cast<std::ptrdiff_t>(missing));
        std::shuffle(order.begin(), order.end(), random);
        Fixture f;
        f.feed({kIsn, "", true});
        for (const Segment& s : order) f.feed(s);
        const Segment& lost = segments[missing];
        const std::size_t at = lost.seq - kIsn - 1;
        std::string expected = message.substr(0, at) + "<gap " +
                               std::to_string(lost.data.size()) + ">";
        if (missing + 1 < segments.size()) expected += message.substr(at + lost.data.size());
        else expected = message.substr(0, at);  // a lost last segment leaves no known hole
        CHECK(f.flushed() == expected);
    }
}
