// Makes the large capture bench/run.sh measures: copies of a seed capture's
// frames, each copy's clients moved to a new address and port so that every
// connection of every copy is a distinct TCP connection, copies shifted in time
// so that a few run at once. The same arguments always give the same bytes.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <span>
#include <vector>

#include "capture/pcap_writer.hpp"
#include "mqscan/packet_source.hpp"

namespace {

using mqscan::Bytes;
using MutableBytes = std::span<std::uint8_t>;

// libpcap's DLT values for the seeds accepted.
constexpr int kLinkEthernet = 1;
constexpr int kLinkRaw = 12;  // raw IP, as libpcap names LINKTYPE_RAW on Linux
constexpr int kLinkIpv4 = 228;
constexpr std::size_t kEthernetHeader = 14;
constexpr std::size_t kVlanTag = 4;
constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeVlan = 0x8100;
constexpr std::uint16_t kEtherTypeQinQ = 0x88a8;
constexpr std::size_t kIpv4MinHeader = 20;
constexpr std::uint8_t kProtocolTcp = 6;
constexpr std::uint8_t kTcpSyn = 0x02;
constexpr std::uint8_t kTcpAck = 0x10;

// Output connection k gets client port kFirstClientPort + k % kClientPortCount
// (the IANA dynamic range) and, in the low 16 bits of the client's address,
// 1 + k / kClientPortCount: no two connections share a client endpoint.
constexpr std::uint64_t kFirstClientPort = 49152;
constexpr std::uint64_t kClientPortCount = 65536 - kFirstClientPort;

constexpr std::uint64_t kPcapFileHeader = 24;
constexpr std::uint64_t kPcapRecordHeader = 16;
constexpr std::uint64_t kBytesPerMb = 1'000'000;
constexpr std::int64_t kPauseBetweenCopiesNs = 1'000'000;

// Offsets of the IPv4 and TCP headers in a frame whose TCP ports were captured.
struct Ipv4Tcp {
    std::size_t ip;
    std::size_t tcp;
};

struct SeedFrame {
    std::int64_t time_ns;
    std::uint32_t original_length;
    std::vector<std::uint8_t> bytes;
    Ipv4Tcp layout;
    bool client_is_source = false;
    std::size_t client = 0;  // which of the seed's client endpoints
};

struct Seed {
    std::vector<SeedFrame> frames;
    int link_type = kLinkEthernet;
    std::size_t client_count = 0;
    std::uint32_t snaplen = 0;
    mqscan::TimePrecision precision = mqscan::TimePrecision::Micro;
    std::int64_t span_ns = 0;  // from the earliest frame to the latest
    // Not IPv4 TCP: such frames could not be made distinct in each copy.
    std::uint64_t frames_left_out = 0;
};

// Callers check that both bytes are inside the frame.
std::uint16_t word_at(Bytes frame, std::size_t at) {
    return static_cast<std::uint16_t>((frame[at] << 8) | frame[at + 1]);
}

bool is_supported_link(int link_type) {
    return link_type == kLinkEthernet || link_type == kLinkRaw || link_type == kLinkIpv4;
}

// Where an IPv4 header would start: after the Ethernet header and any VLAN tags.
std::optional<std::size_t> ipv4_offset(Bytes frame, int link_type) {
    if (link_type != kLinkEthernet) return 0;
    std::size_t ip = kEthernetHeader;
    if (frame.size() < ip) return std::nullopt;
    std::uint16_t ethertype = word_at(frame, ip - 2);
    while ((ethertype == kEtherTypeVlan || ethertype == kEtherTypeQinQ) &&
           frame.size() >= ip + kVlanTag) {
        ip += kVlanTag;
        ethertype = word_at(frame, ip - 2);
    }
    if (ethertype != kEtherTypeIpv4) return std::nullopt;
    return ip;
}

std::optional<Ipv4Tcp> locate_ipv4_tcp(Bytes frame, int link_type) {
    const std::optional<std::size_t> found = ipv4_offset(frame, link_type);
    if (!found || frame.size() < *found + kIpv4MinHeader) return std::nullopt;
    const std::size_t ip = *found;
    const bool version_4 = (frame[ip] >> 4) == 4;
    const std::size_t header_length = (frame[ip] & 0x0fu) * 4u;
    // Later fragments carry no TCP header.
    const bool first_fragment = (word_at(frame, ip + 6) & 0x1fffu) == 0;
    if (!version_4 || header_length < kIpv4MinHeader || frame[ip + 9] != kProtocolTcp ||
        !first_fragment)
        return std::nullopt;
    const std::size_t tcp = ip + header_length;
    if (frame.size() < tcp + 4) return std::nullopt;
    return Ipv4Tcp{ip, tcp};
}

std::uint16_t source_port(const SeedFrame& frame) {
    return word_at(frame.bytes, frame.layout.tcp);
}
std::uint16_t destination_port(const SeedFrame& frame) {
    return word_at(frame.bytes, frame.layout.tcp + 2);
}

bool opens_connection(const SeedFrame& frame) {
    const std::size_t flags = frame.layout.tcp + 13;
    if (frame.bytes.size() <= flags) return false;
    return (frame.bytes[flags] & (kTcpSyn | kTcpAck)) == kTcpSyn;
}

// The ports the seed's SYNs were sent to.
std::set<std::uint16_t> server_ports(const std::vector<SeedFrame>& frames) {
    std::set<std::uint16_t> ports;
    for (const SeedFrame& frame : frames)
        if (opens_connection(frame)) ports.insert(destination_port(frame));
    return ports;
}

// The same answer for both directions of a connection: the side not on a
// server port, else the one with the higher port (clients use ephemeral ports).
bool client_is_source(const SeedFrame& frame, const std::set<std::uint16_t>& servers) {
    const std::uint16_t src = source_port(frame);
    const std::uint16_t dst = destination_port(frame);
    if (servers.contains(src) != servers.contains(dst)) return servers.contains(dst);
    if (src != dst) return src > dst;
    const std::size_t ip = frame.layout.ip;
    const auto src_address = std::span(frame.bytes).subspan(ip + 12, 4);
    const auto dst_address = std::span(frame.bytes).subspan(ip + 16, 4);
    return std::lexicographical_compare(dst_address.begin(), dst_address.end(),
                                        src_address.begin(), src_address.end());
}

using EndpointBytes = std::array<std::uint8_t, 6>;  // IPv4 address, then port

EndpointBytes client_endpoint(const SeedFrame& frame) {
    const std::size_t address = frame.layout.ip + (frame.client_is_source ? 12 : 16);
    const std::size_t port = frame.layout.tcp + (frame.client_is_source ? 0 : 2);
    EndpointBytes endpoint{};
    std::copy_n(frame.bytes.begin() + static_cast<std::ptrdiff_t>(address), 4, endpoint.begin());
    std::copy_n(frame.bytes.begin() + static_cast<std::ptrdiff_t>(port), 2, endpoint.begin() + 4);
    return endpoint;
}

// Finds each TCP frame's client side and numbers the seed's client endpoints
// in order of appearance.
void mark_clients(Seed& seed) {
    const std::set<std::uint16_t> servers = server_ports(seed.frames);
    std::map<EndpointBytes, std::size_t> clients;
    for (SeedFrame& frame : seed.frames) {
        frame.client_is_source = client_is_source(frame, servers);
        frame.client = clients.try_emplace(client_endpoint(frame), clients.size()).first->second;
    }
    seed.client_count = clients.size();
}

std::int64_t time_span(const std::vector<SeedFrame>& frames) {
    const auto [earliest, latest] = std::minmax_element(
        frames.begin(), frames.end(),
        [](const SeedFrame& a, const SeedFrame& b) { return a.time_ns < b.time_ns; });
    return latest->time_ns - earliest->time_ns;
}

mqscan::Result<Seed, std::string> load_seed(const std::string& path) {
    auto opened = mqscan::open_capture_file(path);
    if (!opened) return mqscan::fail(opened.error());
    mqscan::PacketSource& source = **opened;
    if (!is_supported_link(source.info().link_type))
        return mqscan::fail(
            fmt::format("'{}': the seed must be an Ethernet or raw IP capture", path));

    Seed seed;
    seed.link_type = source.info().link_type;
    seed.snaplen = source.info().snaplen;
    seed.precision = source.info().precision;
    mqscan::RawFrame frame;
    mqscan::ReadStatus status;
    while ((status = source.next(frame)) == mqscan::ReadStatus::Frame) {
        const std::optional<Ipv4Tcp> layout = locate_ipv4_tcp(frame.data, seed.link_type);
        if (!layout) {
            ++seed.frames_left_out;
            continue;
        }
        seed.frames.push_back(SeedFrame{frame.time.ns, frame.original_length,
                                        {frame.data.begin(), frame.data.end()}, *layout});
    }
    if (status == mqscan::ReadStatus::Error) return mqscan::fail(source.error());
    if (seed.frames.empty())
        return mqscan::fail(fmt::format("'{}' has no IPv4 TCP frames to repeat", path));
    mark_clients(seed);
    seed.span_ns = time_span(seed.frames);
    return seed;
}

struct ChecksumsCovering {
    std::optional<std::size_t> ip;
    std::optional<std::size_t> tcp;
};

// RFC 1624: a checksum that was right stays right; one that was wrong stays as wrong.
std::uint16_t adjusted_checksum(std::uint16_t checksum, std::uint16_t old_word,
                                std::uint16_t new_word) {
    std::uint32_t sum = static_cast<std::uint16_t>(~checksum);
    sum += static_cast<std::uint16_t>(~old_word);
    sum += new_word;
    sum = (sum & 0xffffu) + (sum >> 16);
    sum = (sum & 0xffffu) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

void put_word(MutableBytes frame, std::size_t at, std::uint16_t value) {
    frame[at] = static_cast<std::uint8_t>(value >> 8);
    frame[at + 1] = static_cast<std::uint8_t>(value & 0xffu);
}

void replace_word(MutableBytes frame, std::size_t at, std::uint16_t value,
                  ChecksumsCovering checksums) {
    const std::uint16_t old_word = word_at(frame, at);
    put_word(frame, at, value);
    for (const auto& checksum : {checksums.ip, checksums.tcp})
        if (checksum)
            put_word(frame, *checksum,
                     adjusted_checksum(word_at(frame, *checksum), old_word, value));
}

// Moves the frame's client to the endpoint of output connection `connection`.
void rewrite_client(MutableBytes frame, const Ipv4Tcp& layout, bool client_is_source,
                    std::uint64_t connection) {
    const std::size_t address_low = layout.ip + (client_is_source ? 14 : 18);
    const std::size_t port = layout.tcp + (client_is_source ? 0 : 2);
    const std::size_t ip_checksum = layout.ip + 10;
    const std::size_t tcp_checksum = layout.tcp + 16;
    const std::optional<std::size_t> captured_tcp_checksum =
        frame.size() >= tcp_checksum + 2 ? std::optional(tcp_checksum) : std::nullopt;

    const auto new_port =
        static_cast<std::uint16_t>(kFirstClientPort + connection % kClientPortCount);
    const auto new_address_low = static_cast<std::uint16_t>(1 + connection / kClientPortCount);
    // The TCP checksum covers the addresses through its pseudo-header.
    replace_word(frame, address_low, new_address_low, {ip_checksum, captured_tcp_checksum});
    replace_word(frame, port, new_port, {std::nullopt, captured_tcp_checksum});
}

// The next frame of one copy, in the order frames are written.
struct Cursor {
    std::int64_t time_ns;
    std::uint64_t copy;
    std::size_t frame;
    auto operator<=>(const Cursor&) const = default;
};

struct Totals {
    std::uint64_t copies = 0;
    std::uint64_t frames = 0;
    std::uint64_t bytes = kPcapFileHeader;
};

// Copy n starts n strides after copy 0; a stride of a copy's length divided by
// `concurrent` keeps about that many copies running at once.
std::int64_t copy_stride_ns(const Seed& seed, unsigned concurrent) {
    const std::int64_t tick = seed.precision == mqscan::TimePrecision::Nano ? 1 : 1000;
    const std::int64_t stride = (seed.span_ns + kPauseBetweenCopiesNs) / concurrent;
    return std::max(tick, stride / tick * tick);
}

class CopyWriter {
public:
    CopyWriter(const Seed& seed, mqscan::PcapWriter& writer, std::int64_t stride_ns)
        : seed_(seed), writer_(writer), stride_ns_(stride_ns) {}

    // Starts copies until `target_bytes` are written, then completes the ones started.
    Totals write_until(std::uint64_t target_bytes) {
        start_copy();
        while (!pending_.empty()) {
            const Cursor next = pending_.top();
            pending_.pop();
            write(next);
            if (next.frame + 1 < seed_.frames.size()) pending_.push(cursor(next.copy, next.frame + 1));
            if (next.frame == 0 && totals_.bytes < target_bytes) start_copy();
        }
        return totals_;
    }

private:
    Cursor cursor(std::uint64_t copy, std::size_t frame) const {
        const auto shift = static_cast<std::int64_t>(copy) * stride_ns_;
        return Cursor{seed_.frames[frame].time_ns + shift, copy, frame};
    }

    void start_copy() { pending_.push(cursor(totals_.copies++, 0)); }

    void write(const Cursor& at) {
        const SeedFrame& original = seed_.frames[at.frame];
        scratch_.assign(original.bytes.begin(), original.bytes.end());
        rewrite_client(scratch_, original.layout, original.client_is_source,
                       at.copy * seed_.client_count + original.client);
        mqscan::RawFrame frame;
        frame.time.ns = at.time_ns;
        frame.data = scratch_;
        frame.original_length = original.original_length;
        writer_.write(frame);
        ++totals_.frames;
        totals_.bytes += kPcapRecordHeader + scratch_.size();
    }

    const Seed& seed_;
    mqscan::PcapWriter& writer_;
    std::int64_t stride_ns_;
    std::priority_queue<Cursor, std::vector<Cursor>, std::greater<>> pending_;
    std::vector<std::uint8_t> scratch_;
    Totals totals_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Writes a large pcap by repeating a seed capture's TCP sessions as distinct "
                 "connections, a few at once",
                 "mqscan_make_large_capture"};
    std::string output;
    std::string seed_path = MQSCAN_DEFAULT_SEED;
    std::uint64_t size_mb = 600;
    unsigned concurrent = 4;
    app.add_option("output", output, "pcap file to write")->required();
    app.add_option("--seed", seed_path, "Ethernet or raw IP capture of IPv4 TCP sessions to repeat")
        ->capture_default_str();
    app.add_option("--size-mb", size_mb, "size to reach, in MB of 10^6 bytes")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--concurrent", concurrent, "copies of the seed running at once")
        ->check(CLI::Range(1u, 100'000u))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    auto seed = load_seed(seed_path);
    if (!seed) {
        fmt::print(stderr, "mqscan_make_large_capture: {}\n", seed.error());
        return 2;
    }
    auto writer = mqscan::PcapWriter::open(output, seed->link_type, seed->snaplen, seed->precision);
    if (!writer) {
        fmt::print(stderr, "mqscan_make_large_capture: {}\n", writer.error());
        return 2;
    }
    CopyWriter copies(*seed, **writer, copy_stride_ns(*seed, concurrent));
    const Totals totals = copies.write_until(size_mb * kBytesPerMb);
    if (!(*writer)->close()) {
        fmt::print(stderr, "mqscan_make_large_capture: writing '{}' failed\n", output);
        return 1;
    }
    fmt::print("{}: {} bytes, {} frames, {} copies of {} (left out: {} frames not IPv4 TCP)\n",
               output, totals.bytes, totals.frames, totals.copies, seed_path,
               seed->frames_left_out);
    return 0;
}
