#!/usr/bin/env python3
"""Writes the hand-made seed captures of tests/fuzz/corpus/capture/.

Each seed is small and aims at one area: a file format, a link type, an IP or
TCP feature, or a damaged file. Run: python3 make_seeds.py [OUTPUT_DIR]
"""
import struct
import sys
from pathlib import Path

# libpcap LINKTYPE values as written in files.
ETHERNET, NULL, RAW, LOOP, SLL, IPV4, IPV6, SLL2 = 1, 0, 101, 108, 113, 228, 229, 276
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
TCP, UDP, ESP = 6, 17, 50

CLIENT4, SERVER4 = bytes([192, 0, 2, 10]), bytes([198, 51, 100, 20])
CLIENT6 = bytes.fromhex("20010db8000000000000000000000010")
SERVER6 = bytes.fromhex("20010db8000000000000000000000020")
SECOND = 1_000_000_000  # nanoseconds


# --- TCP and IP ---------------------------------------------------------------

def tcp(sport, dport, seq, ack, flags, payload=b"", options=b"", window=65535):
    offset_words = (20 + len(options)) // 4
    header = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                         offset_words << 4, flags, window, 0, 0)
    return header + options + payload


def ipv4_checksum(header):
    total = sum(struct.unpack(f">{len(header) // 2}H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(payload, src=CLIENT4, dst=SERVER4, proto=TCP, options=b"", flags_fragment=0x4000,
         total_length=None, good_checksum=True):
    ihl = (20 + len(options)) // 4
    length = ihl * 4 + len(payload) if total_length is None else total_length
    header = struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, length, 0x1234, flags_fragment, 64,
                         proto, 0, src, dst) + options
    checksum = ipv4_checksum(header) if good_checksum else 0xBEEF
    return header[:10] + struct.pack(">H", checksum) + header[12:] + payload


def ipv6(payload, next_header=TCP, src=CLIENT6, dst=SERVER6):
    return struct.pack(">IHBB16s16s", 0x60000000, len(payload), next_header, 64, src, dst) + payload


def ipv6_extension(next_header, body=b"\x00" * 6):
    """Hop-by-hop, routing or destination options: body is padded to 8-byte units."""
    body += b"\x00" * (-(len(body) + 2) % 8)
    return bytes([next_header, (len(body) + 2) // 8 - 1]) + body


def ipv6_fragment(next_header, offset_bytes, more):
    return struct.pack(">BBHI", next_header, 0, (offset_bytes // 8) << 3 | int(more), 0x42)


# --- link layers ----------------------------------------------------------------

def ethernet(payload, ethertype=0x0800, tags=()):
    header = bytes.fromhex("020000000002" "020000000001")
    for tpid, vlan in tags:
        header += struct.pack(">HH", tpid, vlan)
    return header + struct.pack(">H", ethertype) + payload


def sll(payload, protocol=0x0800):
    address = bytes.fromhex("0200000000010000")
    return struct.pack(">HHH8sH", 0, 1, 6, address, protocol) + payload


def sll2(payload, protocol=0x0800):
    address = bytes.fromhex("0200000000010000")
    return struct.pack(">HHIHBB8s", protocol, 0, 2, 1, 0, 6, address) + payload


def null(payload, family, byte_order="<"):
    return struct.pack(byte_order + "I", family) + payload


def loop(payload, family):
    return struct.pack(">I", family) + payload


# --- TCP conversations -------------------------------------------------------------

class Conversation:
    """Builds the segments of one connection; tracks both sides' sequence numbers."""

    def __init__(self, wrap, client_port=51000, server_port=1883, client_isn=1000,
                 server_isn=5000):
        self.wrap = wrap  # turns a TCP segment into a frame (IP + link layer)
        self.ports = {"c": (client_port, server_port), "s": (server_port, client_port)}
        self.seq = {"c": client_isn, "s": server_isn}

    def segment(self, side, flags, payload=b"", seq_delta=0, advance=True, **tcp_fields):
        peer = "s" if side == "c" else "c"
        sport, dport = self.ports[side]
        ack = self.seq[peer] if flags & ACK else 0
        frame = self.wrap(side, tcp(sport, dport, self.seq[side] + seq_delta, ack, flags, payload,
                                    **tcp_fields))
        if advance:
            self.seq[side] += seq_delta + len(payload) + (1 if flags & (SYN | FIN) else 0)
        return frame

    def handshake(self):
        return [self.segment("c", SYN, options=bytes.fromhex("020405b4")),
                self.segment("s", SYN | ACK, options=bytes.fromhex("020405b4")),
                self.segment("c", ACK)]

    def close(self):
        return [self.segment("c", FIN | ACK), self.segment("s", FIN | ACK),
                self.segment("c", ACK)]


def ipv4_frames(link=lambda ip: ip, **ip_fields):
    def wrap(side, segment):
        src, dst = (CLIENT4, SERVER4) if side == "c" else (SERVER4, CLIENT4)
        return link(ipv4(segment, src=src, dst=dst, **ip_fields))
    return wrap


def ipv6_frames(link=lambda ip: ip):
    def wrap(side, segment):
        src, dst = (CLIENT6, SERVER6) if side == "c" else (SERVER6, CLIENT6)
        return link(ipv6(segment, src=src, dst=dst))
    return wrap


MQTT_CONNECT = bytes.fromhex("101000044d5154540402003c000474657374")
MQTT_CONNACK = bytes.fromhex("20020000")
MQTT_PUBLISH = bytes.fromhex("300c0005612f622f6368656c6c6f")


def mqtt_session(wrap, **ports):
    c = Conversation(wrap, **ports)
    return (c.handshake()
            + [c.segment("c", PSH | ACK, MQTT_CONNECT), c.segment("s", PSH | ACK, MQTT_CONNACK),
               c.segment("c", PSH | ACK, MQTT_PUBLISH)]
            + c.close())


# --- capture files -------------------------------------------------------------------

def timed(frames, start=1_700_000_000 * SECOND, step=1_000_000):
    """(time_ns, bytes, original_length) for frames sent `step` ns apart."""
    return [(start + i * step, f, len(f)) for i, f in enumerate(frames)]


def pcap(records, linktype, nano=False, byte_order="<", snaplen=65535):
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = struct.pack(byte_order + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)
    unit = 1 if nano else 1000
    for time_ns, data, original_length in records:
        data = data[:snaplen]
        out += struct.pack(byte_order + "IIII", time_ns // SECOND, time_ns % SECOND // unit,
                           len(data), original_length)
        out += data
    return out


def pcapng_block(block_type, body, byte_order):
    body += b"\x00" * (-len(body) % 4)
    length = 12 + len(body)
    trailer = struct.pack(byte_order + "I", length)
    return struct.pack(byte_order + "II", block_type, length) + body + trailer


def pcapng(records, linktype, tsresol=6, byte_order="<", snaplen=65535):
    section = pcapng_block(0x0A0D0D0A, struct.pack(byte_order + "IHHq", 0x1A2B3C4D, 1, 0, -1),
                           byte_order)
    options = struct.pack(byte_order + "HHB3xHH", 9, 1, tsresol, 0, 0)  # if_tsresol, end
    interface = pcapng_block(1, struct.pack(byte_order + "HHI", linktype, 0, snaplen) + options,
                             byte_order)
    ticks_per_second = 2 ** (tsresol & 0x7F) if tsresol & 0x80 else 10 ** tsresol
    out = section + interface
    for time_ns, data, original_length in records:
        ticks = time_ns * ticks_per_second // SECOND
        body = struct.pack(byte_order + "IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(data),
                           original_length) + data
        out += pcapng_block(6, body, byte_order)
    return out


# --- the seeds -------------------------------------------------------------------------

def format_seeds():
    v4 = mqtt_session(ipv4_frames(ethernet))
    v6 = mqtt_session(ipv6_frames(lambda ip: ethernet(ip, 0x86DD)))
    return {
        "pcap-micro-ethernet.pcap": pcap(timed(v4), ETHERNET),
        "pcap-nano-swapped-ethernet-ipv6.pcap": pcap(timed(v6, step=1234), ETHERNET, nano=True,
                                                     byte_order=">"),
        "pcapng-tsresol-nano.pcapng": pcapng(timed(v4, step=1001), ETHERNET, tsresol=9),
        "pcapng-swapped-tsresol-pow2.pcapng": pcapng(timed(v6), ETHERNET, tsresol=0x94,
                                                     byte_order=">"),
        "pcapng-micro-sll2.pcapng": pcapng(timed(mqtt_session(ipv4_frames(sll2))), SLL2),
    }


def link_seeds():
    arp = ethernet(bytes(28), ethertype=0x0806)
    vlan = mqtt_session(ipv4_frames(lambda ip: ethernet(ip, tags=[(0x8100, 100)])))
    qinq = mqtt_session(ipv6_frames(
        lambda ip: ethernet(ip, 0x86DD, tags=[(0x88A8, 10), (0x8100, 20)])))
    old_qinq = ethernet(ipv4(tcp(1, 1883, 0, 0, SYN)), tags=[(0x9100, 1), (0x8100, 2)])
    null_frames = []
    for family, byte_order in [(2, "<"), (2, ">"), (24, "<"), (28, ">"), (30, "<"), (10, ">")]:
        wrap = ipv4_frames if family == 2 else ipv6_frames
        null_frames += mqtt_session(wrap(lambda ip, f=family, o=byte_order: null(ip, f, o)))[:4]
    null_frames.append(null(bytes(20), 7))  # an unknown family
    loop_frames = (mqtt_session(ipv4_frames(lambda ip: loop(ip, 2)))[:5]
                   + mqtt_session(ipv6_frames(lambda ip: loop(ip, 24)))[:5])
    return {
        "link-ethernet-vlan-arp.pcap": pcap(timed(vlan[:4] + [arp] + vlan[4:] + [old_qinq]),
                                            ETHERNET),
        "link-ethernet-qinq-ipv6.pcap": pcap(timed(qinq), ETHERNET),
        "link-sll.pcap": pcap(timed(mqtt_session(ipv6_frames(lambda ip: sll(ip, 0x86DD)))), SLL),
        "link-sll2.pcap": pcap(timed(mqtt_session(ipv4_frames(sll2))), SLL2),
        "link-null-families.pcap": pcap(timed(null_frames), NULL),
        "link-loop.pcap": pcap(timed(loop_frames), LOOP),
        "link-raw-v4-v6.pcap": pcap(timed(mqtt_session(ipv4_frames())[:5]
                                          + mqtt_session(ipv6_frames())[:5]), RAW),
        "link-ipv4.pcap": pcap(timed(mqtt_session(ipv4_frames())), IPV4),
        "link-ipv6.pcap": pcap(timed(mqtt_session(ipv6_frames())), IPV6),
    }


def ipv4_seeds():
    c = Conversation(ipv4_frames(ethernet))
    segment = tcp(51000, 1883, 1, 1, ACK, b"fragmented payload")
    frames = c.handshake() + [
        ethernet(ipv4(tcp(51000, 1883, 1001, 5001, PSH | ACK, b"opt"),
                      options=bytes.fromhex("94040000"))),        # router alert option
        ethernet(ipv4(segment[:16], flags_fragment=0x2000)),       # first fragment
        ethernet(ipv4(segment[16:], flags_fragment=0x0002)),       # a later fragment
        ethernet(ipv4(segment, good_checksum=False)),
        ethernet(ipv4(segment, total_length=0)),                    # segmentation offload
        ethernet(ipv4(segment, total_length=200)),                  # longer than the frame
        ethernet(ipv4(segment, total_length=10)),                   # shorter than its header
        ethernet(ipv4(bytes(8), proto=UDP)),
        ethernet(bytes([0x44]) + ipv4(segment)[1:]),                # header length 16
        ethernet(ipv4(segment) + bytes(10)),                        # Ethernet padding
    ] + c.close()
    return {"ipv4-options-fragments.pcap": pcap(timed(frames), ETHERNET)}


def ipv6_seeds():
    segment = tcp(51000, 1883, 1, 1, ACK, b"extension headers")
    # Hop-by-hop -> routing (one address) -> destination options -> TCP.
    chain = ipv6_extension(43) + ipv6_extension(60, bytes(6) + SERVER6) + ipv6_extension(TCP)
    frames = [
        ipv6(chain + segment, next_header=0),          # hop-by-hop, routing, destination
        ipv6(ipv6_fragment(TCP, 0, False) + segment, next_header=44),  # atomic fragment
        ipv6(ipv6_fragment(TCP, 0, True) + segment[:16], next_header=44),
        ipv6(ipv6_fragment(TCP, 16, False) + segment[16:], next_header=44),
        ipv6(bytes([TCP, 2]) + bytes(14) + segment, next_header=51),  # authentication header
        ipv6(bytes(16), next_header=ESP),
        ipv6(bytes(8), next_header=UDP),
        ipv6(bytes([TCP, 9]) + bytes(6), next_header=60),  # extension past the payload
    ]
    return {"ipv6-extensions-fragments.pcap": pcap(timed(frames), IPV6)}


def tcp_seeds():
    wrap = ipv4_frames(ethernet)
    reset = Conversation(wrap)
    rst_frames = reset.handshake() + [reset.segment("c", PSH | ACK, MQTT_CONNECT),
                                      reset.segment("s", RST | ACK, b"reset text")]

    c = Conversation(wrap)
    reordered = c.handshake() + [
        c.segment("c", ACK, b"BBBB", seq_delta=4, advance=False),   # arrives before AAAA
        c.segment("c", ACK, b"AAAA", advance=False),
        c.segment("c", ACK, b"AAXX", advance=False),               # overlap that differs
        c.segment("c", ACK, b"AAAABBBBCCCC"),                        # partial retransmission
        c.segment("c", ACK, b"?", seq_delta=-1, advance=False),    # keep-alive probe
        c.segment("s", ACK, window=0),
        c.segment("c", ACK, b"Z", advance=False),                  # zero-window probe
        c.segment("s", ACK),
    ] + [c.segment("c", ACK, bytes([65 + i]) * 8, seq_delta=16 * (i + 1), advance=False)
         for i in range(6)]                                          # too many waiting segments
    reordered += c.close()

    wrap_around = Conversation(wrap, client_isn=0xFFFFFFF0)
    wrapped = wrap_around.handshake() + [wrap_around.segment("c", PSH | ACK, b"x" * 40)] \
        + wrap_around.close()

    cut = Conversation(wrap)
    cut_frames = cut.handshake() + [cut.segment("c", PSH | ACK, bytes(range(200))),
                                    cut.segment("s", PSH | ACK, bytes(40), options=bytes(12))]
    return {
        "tcp-rst.pcap": pcap(timed(rst_frames), ETHERNET),
        "tcp-out-of-order-overlap.pcap": pcap(timed(reordered), ETHERNET),
        "tcp-sequence-wrap.pcap": pcap(timed(wrapped), ETHERNET),
        "tcp-snaplen-cut.pcap": pcap(timed(cut_frames), ETHERNET, snaplen=60),
    }


def connection_seeds():
    frames = []
    for port in range(50001, 50007):  # more connections than the fuzz limits track
        frames += mqtt_session(ipv4_frames(ethernet), client_port=port)[:5]
    reused = Conversation(ipv4_frames(ethernet), client_port=50001, client_isn=77777)
    frames += reused.handshake()
    late = Conversation(ipv4_frames(ethernet), client_port=40000, server_port=8883)
    frames += [late.segment("s", SYN | ACK), late.segment("c", PSH | ACK, b"mid-stream")]
    records = timed(frames)
    after_idle = records[-1][0] + 7200 * SECOND  # past the idle timeout
    records += timed([late.segment("c", PSH | ACK, b"after a long silence")], start=after_idle)
    return {"connections-limits-reuse-idle.pcap": pcap(records, ETHERNET)}


def damaged_seeds():
    frames = mqtt_session(ipv4_frames(ethernet))
    whole = pcap(timed(frames), ETHERNET)
    second_record_header = 24 + 16 + len(frames[0])
    damaged_record = bytearray(whole)
    struct.pack_into("<I", damaged_record, 24 + 8, 0x00FFFFFF)  # caplen far past the snaplen
    return {
        "truncated-in-record.pcap": whole[:len(whole) - 30],
        "truncated-in-record-header.pcap": whole[:second_record_header + 7],
        "truncated-file-header.pcap": whole[:16],
        "truncated-in-block.pcapng": pcapng(timed(frames), ETHERNET)[:300],
        "damaged-caplen.pcap": bytes(damaged_record),
    }


def mqtt_seeds():
    """Richer MQTT conversations: several packets per segment, a packet split over two."""
    subscribe = bytes.fromhex("8208" "0001" "0003612f23" "01")       # id 1, "a/#", QoS 1
    suback = bytes.fromhex("9003" "0001" "01")
    publish_qos1 = bytes.fromhex("3209" "0003612f62" "0002" "6869")  # "a/b", id 2, "hi"
    puback = bytes.fromhex("4002" "0002")
    ping, pong, disconnect = bytes.fromhex("c000"), bytes.fromhex("d000"), bytes.fromhex("e000")
    v311 = Conversation(ipv4_frames(ethernet))
    v311_frames = v311.handshake() + [
        v311.segment("c", PSH | ACK, MQTT_CONNECT), v311.segment("s", PSH | ACK, MQTT_CONNACK),
        v311.segment("c", PSH | ACK, subscribe + publish_qos1[:5]),
        v311.segment("c", PSH | ACK, publish_qos1[5:] + ping),
        v311.segment("s", PSH | ACK, suback + puback + pong),
        v311.segment("c", PSH | ACK, disconnect)] + v311.close()

    # Session expiry 10 s; then a topic alias set and used.
    connect5 = bytes.fromhex("1016" "00044d515454" "05" "02" "003c"
                             "05" "110000000a" "000474657374")
    connack5 = bytes.fromhex("2003" "00" "00" "00")
    alias_set = bytes.fromhex("300b" "0003612f62" "03" "230001" "7635")
    alias_used = bytes.fromhex("300b" "0000" "03" "230001" "616761696e")
    v5 = Conversation(ipv6_frames(lambda ip: ethernet(ip, 0x86DD)))
    v5_frames = v5.handshake() + [
        v5.segment("c", PSH | ACK, connect5), v5.segment("s", PSH | ACK, connack5),
        v5.segment("c", PSH | ACK, alias_set + alias_used),
        v5.segment("c", PSH | ACK, disconnect)] + v5.close()
    return {
        "mqtt-v311-session.pcap": pcap(timed(v311_frames), ETHERNET),
        "mqtt-v5-topic-alias.pcap": pcap(timed(v5_frames), ETHERNET),
    }


def regression_seeds():
    """Inputs that once broke an invariant or a sanitizer: see README.md."""
    frames = mqtt_session(ipv4_frames(ethernet))[:2]
    # if_tsresol 0 counts whole seconds. libpcap hands the first time over as
    # -9e9 s and the second as +9e9 s: each fits in int64 nanoseconds, their
    # difference does not.
    far_past = (2 ** 64 - 9_000_000_000) * SECOND
    far_future = 9_000_000_000 * SECOND
    records = [(far_past, frames[0], len(frames[0])), (far_future, frames[1], len(frames[1]))]
    return {"crash-time-span-overflow.pcapng": pcapng(records, ETHERNET, tsresol=0)}


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "corpus" / "capture"
    out.mkdir(parents=True, exist_ok=True)
    seeds = {}
    for group in (format_seeds, link_seeds, ipv4_seeds, ipv6_seeds, tcp_seeds, connection_seeds,
                  damaged_seeds, mqtt_seeds, regression_seeds):
        seeds.update(group())
    for name, data in seeds.items():
        (out / name).write_bytes(data)
    print(f"{len(seeds)} seeds written to {out}")


if __name__ == "__main__":
    main()
