// decode_packet() over hand-built frames: each link type, IPv4, IPv6 and TCP.
// Fixtures are written one header field per line; tests vary one field at a time.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "decode/packet_decoder.hpp"

namespace Catch {
template <>
struct StringMaker<mqscan::PacketClass> {
    static std::string convert(mqscan::PacketClass value) {
        return std::string(mqscan::to_string(value));
    }
};
}  // namespace Catch

namespace {

using namespace mqscan;
using Frame = std::vector<std::uint8_t>;

// ---- bytes -------------------------------------------------------------------

constexpr std::uint8_t high_byte(std::uint16_t value) {
    return static_cast<std::uint8_t>(value >> 8);
}
constexpr std::uint8_t low_byte(std::uint16_t value) { return static_cast<std::uint8_t>(value); }

template <typename... Parts>
Frame join(const Frame& first, const Parts&... rest) {
    Frame out = first;
    (out.insert(out.end(), rest.begin(), rest.end()), ...);
    return out;
}

Frame first_bytes(const Frame& frame, std::size_t count) {
    return Frame(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(count));
}

Frame text(const std::string& s) { return Frame(s.begin(), s.end()); }

void put_u16(Frame& frame, std::size_t offset, std::uint16_t value) {
    frame[offset] = high_byte(value);
    frame[offset + 1] = low_byte(value);
}

// ---- TCP -------------------------------------------------------------------------

constexpr std::uint16_t kClientPort = 51000;
constexpr std::uint16_t kServerPort = 1883;
constexpr std::uint32_t kSeq = 0x01020304;
constexpr std::uint32_t kAck = 0xa0b0c0d0;
constexpr std::uint16_t kWindow = 0xfff0;
const Frame kPayload = text("MQTT");

struct TcpFields {
    std::uint8_t flags = tcp_flags::Psh | tcp_flags::Ack;
    Frame options{};
    Frame payload = kPayload;
    std::optional<std::uint8_t> data_offset{};  // in 32-bit words; by default header + options
};

Frame tcp(const TcpFields& fields = {}) {
    const auto words = fields.data_offset.value_or(
        static_cast<std::uint8_t>((20 + fields.options.size()) / 4));
    const Frame header = {
        high_byte(kClientPort), low_byte(kClientPort),  // source port
        high_byte(kServerPort), low_byte(kServerPort),  // destination port
        0x01, 0x02, 0x03, 0x04,                         // sequence number
        0xa0, 0xb0, 0xc0, 0xd0,                         // acknowledgment number
        static_cast<std::uint8_t>(words << 4),          // data offset, reserved bits
        fields.flags,                                   // flags
        high_byte(kWindow), low_byte(kWindow),          // window
        0x00, 0x00,                                     // checksum (not checked)
        0x00, 0x00,                                     // urgent pointer
    };
    return join(header, fields.options, fields.payload);
}

// The options of a typical SYN: 20 bytes, so the data offset is 10 words.
const Frame kSynOptions = {
    0x02, 0x04, 0x05, 0xb4,                          // MSS 1460
    0x04, 0x02,                                      // SACK permitted
    0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 0,              // timestamps
    0x01,                                            // NOP
    0x03, 0x03, 0x07,                                // window scale 7
};

// ---- IPv4 --------------------------------------------------------------------------

constexpr std::uint8_t kProtocolTcp = 6;
constexpr std::uint8_t kProtocolUdp = 17;
constexpr std::uint16_t kDontFragment = 0x4000;
constexpr std::uint16_t kMoreFragments = 0x2000;
constexpr std::size_t kIpv4ChecksumOffset = 10;

struct Ipv4Fields {
    Frame options{};
    std::uint16_t flags_fragment = kDontFragment;  // flags, offset in 8-byte units
    std::uint8_t protocol = kProtocolTcp;
    std::optional<std::uint16_t> total_length{};  // by default header + payload
    std::optional<std::uint8_t> header_words{};   // by default 5 + options
    bool good_checksum = true;
};

std::uint16_t ipv4_checksum(const Frame& header) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < header.size(); i += 2)
        sum += static_cast<std::uint32_t>(header[i] << 8 | header[i + 1]);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

Frame ipv4(const Frame& payload, const Ipv4Fields& fields = {}) {
    const std::size_t header_size = 20 + fields.options.size();
    const auto words = fields.header_words.value_or(static_cast<std::uint8_t>(header_size / 4));
    const auto total = fields.total_length.value_or(
        static_cast<std::uint16_t>(header_size + payload.size()));
    Frame header = {
        static_cast<std::uint8_t>(0x40 | words),                  // version 4, header length
        0x00,                                                     // DSCP, ECN
        high_byte(total), low_byte(total),                        // total length
        0x12, 0x34,                                               // identification
        high_byte(fields.flags_fragment), low_byte(fields.flags_fragment),  // flags, offset
        64,                                                       // time to live
        fields.protocol,                                          // protocol
        0x00, 0x00,                                               // header checksum (below)
        192, 0, 2, 10,                                            // source address
        198, 51, 100, 20,                                         // destination address
    };
    header = join(header, fields.options);
    put_u16(header, kIpv4ChecksumOffset, fields.good_checksum ? ipv4_checksum(header) : 0xdead);
    return join(header, payload);
}

// ---- IPv6 --------------------------------------------------------------------------

constexpr std::uint8_t kHopByHop = 0;
constexpr std::uint8_t kRouting = 43;
constexpr std::uint8_t kFragment = 44;
constexpr std::uint8_t kEsp = 50;
constexpr std::uint8_t kAuthentication = 51;
constexpr std::uint8_t kDestinationOptions = 60;

Frame ipv6(std::uint8_t next_header, const Frame& payload,
           std::optional<std::uint16_t> payload_length = std::nullopt) {
    const auto length = payload_length.value_or(static_cast<std::uint16_t>(payload.size()));
    const Frame header = {
        0x60, 0x00, 0x00, 0x00,                           // version 6, traffic class, flow label
        high_byte(length), low_byte(length),              // payload length
        next_header,                                      // next header
        64,                                               // hop limit
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,  // source address
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20,  // destination address
    };
    return join(header, payload);
}

// Hop-by-hop, routing or destination options: 8 bytes, or 8 + 8 * `extra_units`.
Frame extension(std::uint8_t next_header, std::uint8_t extra_units = 0) {
    Frame header = {
        next_header,  // next header
        extra_units,  // length in 8-byte units, not counting the first 8
    };
    header.resize(8 + 8 * std::size_t{extra_units}, 0x00);  // options: Pad1/PadN, zeros
    return header;
}

Frame fragment_header(std::uint8_t next_header, std::uint16_t offset_bytes, bool more) {
    const auto offset_flags = static_cast<std::uint16_t>(offset_bytes | (more ? 1 : 0));
    return {
        next_header,                                    // next header
        0x00,                                           // reserved
        high_byte(offset_flags), low_byte(offset_flags),  // offset in bytes (8-byte aligned), M
        0x00, 0x00, 0x00, 0x2a,                         // identification
    };
}

// ---- link layers ---------------------------------------------------------------------

constexpr std::uint16_t kEthertypeIpv4 = 0x0800;
constexpr std::uint16_t kEthertypeIpv6 = 0x86dd;
constexpr std::uint16_t kEthertypeArp = 0x0806;
constexpr std::uint16_t kTpidVlan = 0x8100;
constexpr std::uint16_t kTpidQinq = 0x88a8;

// `words`: the ethertype, or VLAN tags (TPID, TCI) followed by the ethertype.
Frame ethernet(const std::vector<std::uint16_t>& words, const Frame& payload) {
    Frame header = {
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // destination MAC
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // source MAC
    };
    for (std::uint16_t word : words) header = join(header, Frame{high_byte(word), low_byte(word)});
    return join(header, payload);
}

Frame linux_sll(std::uint16_t protocol, const Frame& payload) {
    const Frame header = {
        0x00, 0x00,                                // packet type: sent to us
        0x00, 0x01,                                // ARPHRD_ETHER
        0x00, 0x06,                                // link-layer address length
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0, 0,  // link-layer address, padded to 8
        high_byte(protocol), low_byte(protocol),   // protocol (ethertype)
    };
    return join(header, payload);
}

Frame linux_sll2(std::uint16_t protocol, const Frame& payload) {
    const Frame header = {
        high_byte(protocol), low_byte(protocol),   // protocol (ethertype)
        0x00, 0x00,                                // reserved
        0x00, 0x00, 0x00, 0x02,                    // interface index
        0x00, 0x01,                                // ARPHRD_ETHER
        0x00,                                      // packet type: sent to us
        0x06,                                      // link-layer address length
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0, 0,  // link-layer address, padded to 8
    };
    return join(header, payload);
}

// The 4-byte address family of BSD loopback (NULL: host order; LOOP: big-endian).
Frame family(std::uint32_t value, bool little_endian, const Frame& payload) {
    Frame header = {
        static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
        static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value),
    };
    if (little_endian) header = Frame(header.rbegin(), header.rend());
    return join(header, payload);
}

// ---- decoding and checks -----------------------------------------------------------------

// `bytes` are the captured bytes; a larger `original_length` means the snaplen cut the frame.
DecodedPacket decode(LinkType link, const Frame& bytes, std::size_t original_length = 0) {
    RawFrame frame;
    frame.number = 1;
    frame.data = Bytes(bytes);
    frame.original_length = static_cast<std::uint32_t>(std::max(original_length, bytes.size()));
    DecodedPacket out;
    decode_packet(link, frame, out);
    return out;
}
// The segment's payload points into the frame: the frame must outlive the result.
DecodedPacket decode(LinkType, const Frame&&, std::size_t = 0) = delete;

std::vector<std::string> anomaly_ids(const DecodedPacket& packet) {
    std::vector<std::string> ids;
    for (const DecodeNote& note : packet.notes) ids.emplace_back(describe(note.id).id);
    return ids;
}

Frame payload_of(const DecodedPacket& packet) {
    return Frame(packet.segment.payload.begin(), packet.segment.payload.end());
}

const Frame kIpv4Tcp = ipv4(tcp());
const Frame kIpv6Tcp = ipv6(kProtocolTcp, tcp());

// The fixture's segment, decoded without a note.
void check_fixture_segment(const DecodedPacket& packet, IpVersion version) {
    REQUIRE(packet.klass == PacketClass::Tcp);
    const bool v4 = version == IpVersion::V4;
    CHECK(packet.segment.src.to_string() == (v4 ? "192.0.2.10:51000" : "[2001:db8::10]:51000"));
    CHECK(packet.segment.dst.to_string() == (v4 ? "198.51.100.20:1883" : "[2001:db8::20]:1883"));
    CHECK(payload_of(packet) == kPayload);
    CHECK(packet.segment.payload_missing == 0);
    CHECK(anomaly_ids(packet).empty());
}

void check_malformed(const DecodedPacket& packet, const std::string& anomaly) {
    CHECK(packet.klass == PacketClass::Malformed);
    CHECK(anomaly_ids(packet) == std::vector<std::string>{anomaly});
}

}  // namespace

// ================================ link layers ================================

TEST_CASE("decode: every supported link type hands its IP packet on", "[decode][link]") {
    SECTION("Ethernet, IPv4") {
        const Frame frame = ethernet({kEthertypeIpv4}, kIpv4Tcp);
        check_fixture_segment(decode(LinkType::Ethernet, frame), IpVersion::V4);
    }
    SECTION("Ethernet, IPv6") {
        const Frame frame = ethernet({kEthertypeIpv6}, kIpv6Tcp);
        check_fixture_segment(decode(LinkType::Ethernet, frame), IpVersion::V6);
    }
    SECTION("Ethernet with an 802.1Q VLAN tag") {
        const Frame frame = ethernet({kTpidVlan, 100,  // 802.1Q tag, VLAN 100
                                      kEthertypeIpv4},
                                     kIpv4Tcp);
        check_fixture_segment(decode(LinkType::Ethernet, frame), IpVersion::V4);
    }
    SECTION("Ethernet with QinQ: an 802.1ad service tag, then an 802.1Q tag") {
        const Frame frame = ethernet({kTpidQinq, 10,   // 802.1ad service tag, VLAN 10
                                      kTpidVlan, 20,   // 802.1Q customer tag, VLAN 20
                                      kEthertypeIpv6},
                                     kIpv6Tcp);
        check_fixture_segment(decode(LinkType::Ethernet, frame), IpVersion::V6);
    }
    SECTION("Linux cooked v1 (SLL)") {
        const Frame frame = linux_sll(kEthertypeIpv4, kIpv4Tcp);
        check_fixture_segment(decode(LinkType::LinuxSll, frame), IpVersion::V4);
    }
    SECTION("Linux cooked v2 (SLL2)") {
        const Frame frame = linux_sll2(kEthertypeIpv6, kIpv6Tcp);
        check_fixture_segment(decode(LinkType::LinuxSll2, frame), IpVersion::V6);
    }
    SECTION("OpenBSD loopback (LOOP), family in network byte order") {
        const Frame v4 = family(2, false, kIpv4Tcp);
        const Frame v6 = family(24, false, kIpv6Tcp);
        check_fixture_segment(decode(LinkType::Loop, v4), IpVersion::V4);
        check_fixture_segment(decode(LinkType::Loop, v6), IpVersion::V6);
    }
    SECTION("Raw IP takes the version from the first nibble") {
        check_fixture_segment(decode(LinkType::Raw, kIpv4Tcp), IpVersion::V4);
        check_fixture_segment(decode(LinkType::Raw, kIpv6Tcp), IpVersion::V6);
        check_fixture_segment(decode(LinkType::RawOpenBsd, kIpv6Tcp), IpVersion::V6);
    }
    SECTION("IPV4 and IPV6 link types") {
        check_fixture_segment(decode(LinkType::Ipv4, kIpv4Tcp), IpVersion::V4);
        check_fixture_segment(decode(LinkType::Ipv6, kIpv6Tcp), IpVersion::V6);
    }
}

TEST_CASE("decode: BSD loopback (NULL) reads the family in either byte order", "[decode][link]") {
    struct Family {
        std::uint32_t value;
        IpVersion version;
    };
    // AF_INET6 is 10 on Linux, 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS.
    const Family families[] = {{2, IpVersion::V4},  {10, IpVersion::V6}, {24, IpVersion::V6},
                               {28, IpVersion::V6}, {30, IpVersion::V6}};
    for (const Family& f : families) {
        for (const bool little_endian : {true, false}) {
            DYNAMIC_SECTION("family " << f.value << (little_endian ? ", little" : ", big")
                                      << "-endian") {
                const Frame& packet = f.version == IpVersion::V4 ? kIpv4Tcp : kIpv6Tcp;
                const Frame frame = family(f.value, little_endian, packet);
                check_fixture_segment(decode(LinkType::Null, frame), f.version);
            }
        }
    }
}

TEST_CASE("decode: a frame that does not carry IP is non_ip, without a note", "[decode][link]") {
    const Frame arp = Frame(28, 0x00);
    SECTION("Ethernet ARP") {
        const Frame frame = ethernet({kEthertypeArp}, arp);
        CHECK(decode(LinkType::Ethernet, frame).klass == PacketClass::NonIp);
    }
    SECTION("ARP inside a VLAN tag") {
        const Frame frame = ethernet({kTpidVlan, 7, kEthertypeArp}, arp);
        CHECK(decode(LinkType::Ethernet, frame).klass == PacketClass::NonIp);
    }
    SECTION("Linux cooked ARP") {
        const Frame frame = linux_sll(kEthertypeArp, arp);
        CHECK(decode(LinkType::LinuxSll, frame).klass == PacketClass::NonIp);
    }
    SECTION("BSD loopback with an unknown family") {
        const Frame frame = family(7, true, kIpv4Tcp);
        const DecodedPacket packet = decode(LinkType::Null, frame);
        CHECK(packet.klass == PacketClass::NonIp);
        CHECK(packet.notes.empty());
    }
}

TEST_CASE("decode: a link header cut short", "[decode][link]") {
    const Frame frame = first_bytes(ethernet({kTpidVlan, 100, kEthertypeIpv4}, kIpv4Tcp), 16);
    SECTION("is malformed when the frame really is that short") {
        check_malformed(decode(LinkType::Ethernet, frame), "link.header.truncated");
        const Frame sll = first_bytes(linux_sll(kEthertypeIpv4, kIpv4Tcp), 10);
        check_malformed(decode(LinkType::LinuxSll, sll), "link.header.truncated");
    }
    SECTION("is truncated, without a note, when the snaplen cut it") {
        const DecodedPacket packet = decode(LinkType::Ethernet, frame, 100);
        CHECK(packet.klass == PacketClass::Truncated);
        CHECK(packet.notes.empty());
    }
}

TEST_CASE("decode: only the link types mqscan decodes are supported", "[decode][link]") {
    CHECK_FALSE(is_supported_link_type(105));  // IEEE 802.11: analyze() refuses the file
    CHECK(is_supported_link_type(276));        // Linux cooked v2
    CHECK(is_supported_link_type(0));          // BSD loopback
}

TEST_CASE("decode: Ethernet padding after the IP packet is not payload", "[decode][link]") {
    Frame frame = ethernet({kEthertypeIpv4}, kIpv4Tcp);
    frame.resize(60, 0x00);  // the Ethernet minimum, without the FCS
    REQUIRE(frame.size() > 14 + kIpv4Tcp.size());
    check_fixture_segment(decode(LinkType::Ethernet, frame), IpVersion::V4);
}

// ================================ IPv4 ================================

TEST_CASE("decode: IPv4 options are skipped", "[decode][ipv4]") {
    const Frame router_alert = {0x94, 0x04, 0x00, 0x00};  // type 148, length 4, value 0
    const Frame packet = ipv4(tcp(), {.options = router_alert});
    check_fixture_segment(decode(LinkType::Ipv4, packet), IpVersion::V4);
}

TEST_CASE("decode: a bad IPv4 checksum is noted and the packet still decoded", "[decode][ipv4]") {
    const Frame packet = ipv4(tcp(), {.good_checksum = false});
    const DecodedPacket decoded = decode(LinkType::Ipv4, packet);
    CHECK(decoded.klass == PacketClass::Tcp);
    CHECK(payload_of(decoded) == kPayload);
    CHECK(anomaly_ids(decoded) == std::vector<std::string>{"ipv4.checksum.bad"});
}

TEST_CASE("decode: an IPv4 total length of 0 (segmentation offload) uses the captured length",
          "[decode][ipv4]") {
    const Frame packet = ipv4(tcp(), {.total_length = 0});
    const DecodedPacket decoded = decode(LinkType::Ipv4, packet);
    CHECK(decoded.klass == PacketClass::Tcp);
    CHECK(payload_of(decoded) == kPayload);
    CHECK(anomaly_ids(decoded) == std::vector<std::string>{"ipv4.total_length.zero"});
}

TEST_CASE("decode: IPv4 fragments are not reassembled", "[decode][ipv4]") {
    const Frame segment = tcp({.payload = Frame(40, 'x')});
    SECTION("the first fragment: more fragments, offset 0") {
        const Frame first = ipv4(first_bytes(segment, 32), {.flags_fragment = kMoreFragments});
        const DecodedPacket decoded = decode(LinkType::Ipv4, first);
        CHECK(decoded.klass == PacketClass::IpFragment);
        CHECK(anomaly_ids(decoded) == std::vector<std::string>{"ipv4.fragment.not_reassembled"});
        CHECK(decoded.notes[0].detail == "offset 0");
    }
    SECTION("a later fragment: offset 32 bytes, the last one") {
        const Frame rest(segment.begin() + 32, segment.end());
        const Frame later = ipv4(rest, {.flags_fragment = 32 / 8});
        const DecodedPacket decoded = decode(LinkType::Ipv4, later);
        CHECK(decoded.klass == PacketClass::IpFragment);
        CHECK(decoded.notes[0].detail == "offset 32");
    }
}

TEST_CASE("decode: an IPv4 packet that is not TCP is ip_not_tcp", "[decode][ipv4]") {
    const Frame udp = Frame(12, 0x00);
    const Frame packet = ipv4(udp, {.protocol = kProtocolUdp});
    const DecodedPacket decoded = decode(LinkType::Ipv4, packet);
    CHECK(decoded.klass == PacketClass::IpOther);
    CHECK(decoded.notes.empty());
}

TEST_CASE("decode: an IPv4 header that contradicts itself is malformed", "[decode][ipv4]") {
    SECTION("header length 16 bytes, below the minimum of 20") {
        const Frame packet = ipv4(tcp(), {.header_words = 4});
        check_malformed(decode(LinkType::Ipv4, packet), "ipv4.header.invalid");
    }
    SECTION("options claimed past the end of the frame") {
        const Frame packet = first_bytes(ipv4(tcp(), {.header_words = 15}), 30);
        check_malformed(decode(LinkType::Ipv4, packet), "ipv4.header.invalid");
    }
    SECTION("total length shorter than the header") {
        const Frame packet = ipv4(tcp(), {.total_length = 12});
        check_malformed(decode(LinkType::Ipv4, packet), "ipv4.header.invalid");
    }
    SECTION("total length longer than a frame the snaplen did not cut") {
        const Frame packet = ipv4(tcp(), {.total_length = 200});
        check_malformed(decode(LinkType::Ipv4, packet), "ipv4.header.invalid");
    }
    SECTION("version 6 on an IPv4 link") {
        check_malformed(decode(LinkType::Ipv4, kIpv6Tcp), "ipv4.header.invalid");
    }
    SECTION("fewer than 20 bytes") {
        const Frame packet = first_bytes(kIpv4Tcp, 19);
        check_malformed(decode(LinkType::Ipv4, packet), "ipv4.header.invalid");
    }
}

TEST_CASE("decode: an IPv4 packet cut by the snaplen", "[decode][ipv4]") {
    SECTION("inside the header is truncated, without a note") {
        const Frame captured = first_bytes(kIpv4Tcp, 19);
        const DecodedPacket decoded = decode(LinkType::Ipv4, captured, kIpv4Tcp.size());
        CHECK(decoded.klass == PacketClass::Truncated);
        CHECK(decoded.notes.empty());
    }
    SECTION("inside the payload is TCP, the rest of the payload missing") {
        const Frame whole = ipv4(tcp({.payload = Frame(100, 'p')}));
        const Frame captured = first_bytes(whole, 20 + 20 + 30);
        const DecodedPacket decoded = decode(LinkType::Ipv4, captured, whole.size());
        CHECK(decoded.klass == PacketClass::Tcp);
        CHECK(payload_of(decoded) == Frame(30, 'p'));
        CHECK(decoded.segment.payload_missing == 70);
        CHECK(decoded.segment.payload_length() == 100);
        CHECK(decoded.notes.empty());
    }
}

// ================================ IPv6 ================================

TEST_CASE("decode: IPv6 extension headers are skipped", "[decode][ipv6]") {
    SECTION("hop-by-hop, destination options and routing headers") {
        const Frame chain = join(extension(kDestinationOptions),  // hop-by-hop, 8 bytes
                                 extension(kRouting, 1),          // destination options, 16
                                 extension(kProtocolTcp, 2));     // routing, 24 bytes
        const Frame packet = ipv6(kHopByHop, join(chain, tcp()));
        check_fixture_segment(decode(LinkType::Ipv6, packet), IpVersion::V6);
    }
    SECTION("an authentication header, counted in 4-byte units") {
        Frame ah(16, 0x00);
        ah[0] = kProtocolTcp;  // next header
        ah[1] = 2;             // length: (2 + 2) * 4 = 16 bytes
        const Frame packet = ipv6(kAuthentication, join(ah, tcp()));
        check_fixture_segment(decode(LinkType::Ipv6, packet), IpVersion::V6);
    }
    SECTION("an atomic fragment (offset 0, no more fragments) is a whole packet") {
        const Frame packet = ipv6(kFragment, join(fragment_header(kProtocolTcp, 0, false), tcp()));
        check_fixture_segment(decode(LinkType::Ipv6, packet), IpVersion::V6);
    }
}

TEST_CASE("decode: IPv6 fragments are not reassembled", "[decode][ipv6]") {
    const Frame segment = tcp({.payload = Frame(40, 'x')});
    SECTION("the first fragment") {
        const Frame packet =
            ipv6(kFragment, join(fragment_header(kProtocolTcp, 0, true), first_bytes(segment, 32)));
        const DecodedPacket decoded = decode(LinkType::Ipv6, packet);
        CHECK(decoded.klass == PacketClass::IpFragment);
        CHECK(anomaly_ids(decoded) == std::vector<std::string>{"ipv6.fragment.not_reassembled"});
        CHECK(decoded.notes[0].detail == "offset 0");
    }
    SECTION("the last fragment, at offset 32") {
        const Frame rest(segment.begin() + 32, segment.end());
        const Frame packet = ipv6(kFragment, join(fragment_header(kProtocolTcp, 32, false), rest));
        const DecodedPacket decoded = decode(LinkType::Ipv6, packet);
        CHECK(decoded.klass == PacketClass::IpFragment);
        CHECK(decoded.notes[0].detail == "offset 32");
    }
}

TEST_CASE("decode: an IPv6 packet that is not TCP is ip_not_tcp", "[decode][ipv6]") {
    const Frame opaque(16, 0xee);
    SECTION("ESP") {
        const Frame packet = ipv6(kEsp, opaque);
        CHECK(decode(LinkType::Ipv6, packet).klass == PacketClass::IpOther);
    }
    SECTION("UDP after a hop-by-hop header") {
        const Frame packet = ipv6(kHopByHop, join(extension(kProtocolUdp), opaque));
        CHECK(decode(LinkType::Ipv6, packet).klass == PacketClass::IpOther);
    }
}

TEST_CASE("decode: an IPv6 header that contradicts itself is malformed", "[decode][ipv6]") {
    SECTION("an extension header that runs past the payload") {
        Frame destination = extension(kProtocolTcp);
        destination[1] = 9;  // claims 80 bytes, 8 follow
        const Frame packet = ipv6(kDestinationOptions, destination);
        check_malformed(decode(LinkType::Ipv6, packet), "ipv6.header.invalid");
    }
    SECTION("a payload length longer than a frame the snaplen did not cut") {
        const Frame packet = ipv6(kProtocolTcp, tcp(), 400);
        check_malformed(decode(LinkType::Ipv6, packet), "ipv6.header.invalid");
    }
    SECTION("version 4 on an IPv6 link") {
        check_malformed(decode(LinkType::Ipv6, kIpv4Tcp), "ipv6.header.invalid");
    }
    SECTION("fewer than 40 bytes") {
        const Frame packet = first_bytes(kIpv6Tcp, 39);
        check_malformed(decode(LinkType::Ipv6, packet), "ipv6.header.invalid");
    }
}

TEST_CASE("decode: an IPv6 payload length of 0 uses the captured length", "[decode][ipv6]") {
    const Frame packet = ipv6(kProtocolTcp, tcp(), 0);
    check_fixture_segment(decode(LinkType::Ipv6, packet), IpVersion::V6);
}

// ================================ TCP ================================

TEST_CASE("decode: TCP header fields are decoded", "[decode][tcp]") {
    const Frame syn = tcp({.flags = tcp_flags::Syn, .options = kSynOptions, .payload = {}});
    const Frame packet = ipv4(syn);
    const DecodedPacket decoded = decode(LinkType::Ipv4, packet);
    REQUIRE(decoded.klass == PacketClass::Tcp);
    const TcpSegment& segment = decoded.segment;
    CHECK(segment.src.port == kClientPort);
    CHECK(segment.dst.port == kServerPort);
    CHECK(segment.seq == kSeq);
    CHECK(segment.ack == kAck);
    CHECK(segment.window == kWindow);
    CHECK(segment.flags == tcp_flags::Syn);
    CHECK(segment.payload.empty());
    CHECK(segment.payload_missing == 0);
}

TEST_CASE("decode: TCP options are skipped and the payload follows them", "[decode][tcp]") {
    const Frame packet = ipv6(kProtocolTcp, tcp({.options = kSynOptions}));
    check_fixture_segment(decode(LinkType::Ipv6, packet), IpVersion::V6);
}

TEST_CASE("decode: TCP flags are passed on", "[decode][tcp]") {
    using namespace tcp_flags;
    for (const std::uint8_t flags : {Syn, static_cast<std::uint8_t>(Syn | Ack),
                                     static_cast<std::uint8_t>(Fin | Ack), Rst}) {
        const Frame packet = ipv4(tcp({.flags = flags, .payload = {}}));
        const DecodedPacket decoded = decode(LinkType::Ipv4, packet);
        CHECK(decoded.klass == PacketClass::Tcp);
        CHECK(decoded.segment.flags == flags);
    }
}

TEST_CASE("decode: a TCP data offset that contradicts the segment is malformed", "[decode][tcp]") {
    SECTION("below 5 words") {
        const Frame packet = ipv4(tcp({.data_offset = 4}));
        check_malformed(decode(LinkType::Ipv4, packet), "tcp.header.invalid");
    }
    SECTION("past the end of the segment") {
        const Frame packet = ipv4(tcp({.data_offset = 15}));  // 60 bytes in a 24-byte segment
        check_malformed(decode(LinkType::Ipv4, packet), "tcp.header.invalid");
    }
    SECTION("a segment shorter than the fixed header") {
        const Frame packet = ipv4(first_bytes(tcp(), 12));
        check_malformed(decode(LinkType::Ipv4, packet), "tcp.header.invalid");
    }
}

TEST_CASE("decode: a TCP header cut by the snaplen", "[decode][tcp]") {
    const Frame whole = ipv4(tcp({.options = kSynOptions, .payload = Frame(10, 'p')}));
    SECTION("inside the options: all of the payload is missing") {
        const Frame captured = first_bytes(whole, 20 + 20 + 4);
        const DecodedPacket decoded = decode(LinkType::Ipv4, captured, whole.size());
        CHECK(decoded.klass == PacketClass::Tcp);
        CHECK(decoded.segment.payload.empty());
        CHECK(decoded.segment.payload_missing == 10);
        CHECK(decoded.notes.empty());
    }
    SECTION("inside the fixed header: truncated") {
        const Frame captured = first_bytes(whole, 20 + 12);
        const DecodedPacket decoded = decode(LinkType::Ipv4, captured, whole.size());
        CHECK(decoded.klass == PacketClass::Truncated);
        CHECK(decoded.notes.empty());
    }
}
