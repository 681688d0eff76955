#!/usr/bin/env python3
"""Writes the hand-made TCP edge-case captures of this directory (see README.md).

Every capture is one TCP connection (or several on the same ports) between the client
10.0.0.1:40000 and the server 10.0.0.2:1883, Ethernet link type, valid checksums.
Run `python3 gen.py` here; the output is deterministic (CI uses the committed files).
"""
import os
import struct

CLIENT = ('10.0.0.1', 40000)
SERVER = ('10.0.0.2', 1883)
FLAG_BITS = {'F': 1, 'S': 2, 'R': 4, 'P': 8, 'A': 16}
OUT_DIR = os.path.dirname(os.path.abspath(__file__))


def ip_bytes(address):
    return bytes(int(part) for part in address.split('.'))


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xffff)
    total += total >> 16
    return ~total & 0xffff


def packet(src, dst, seq, ack, flags, payload=b'', window=65535):
    """An Ethernet/IPv4/TCP frame; `flags` is a string of F, S, R, P, A."""
    flag_byte = sum(FLAG_BITS[flag] for flag in flags)
    tcp = struct.pack('!HHIIBBHHH', src[1], dst[1], seq & 0xffffffff, ack & 0xffffffff,
                      5 << 4, flag_byte, window, 0, 0) + payload
    pseudo_header = ip_bytes(src[0]) + ip_bytes(dst[0]) + struct.pack('!BBH', 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', checksum(pseudo_header + tcp)) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0,
                     ip_bytes(src[0]), ip_bytes(dst[0]))
    ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
    ethernet = b'\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x01\x08\x00'
    return ethernet + ip + tcp


def c2s(*args, **kwargs):
    return packet(CLIENT, SERVER, *args, **kwargs)


def s2c(*args, **kwargs):
    return packet(SERVER, CLIENT, *args, **kwargs)


def handshake(client_isn, server_isn):
    return [c2s(client_isn, 0, 'S'), s2c(server_isn, client_isn + 1, 'SA'),
            c2s(client_isn + 1, server_isn + 1, 'A')]


def close(client_seq, server_seq):
    """FIN from the client, FIN from the server, last ACK."""
    return [c2s(client_seq, server_seq, 'FA'), s2c(server_seq, client_seq + 1, 'FA'),
            c2s(client_seq + 1, server_seq + 1, 'A')]


def one_second_apart(frames, start=1000):
    """(seconds, frame) pairs: frame i at start + i seconds."""
    return [(start + i, frame) for i, frame in enumerate(frames)]


def write_pcap(name, timed_frames):
    with open(os.path.join(OUT_DIR, name + '.pcap'), 'wb') as out:
        out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for seconds, frame in timed_frames:
            out.write(struct.pack('<IIII', seconds, 0, len(frame), len(frame)) + frame)


WRAP_ISN = 0xfffffff0
WRAP_END = (WRAP_ISN + 1 + 20) & 0xffffffff

# Frames one second apart.
CASES = {
    'reuse_after_fin': handshake(100, 500) + [c2s(101, 501, 'PA', b'first')] + close(106, 501)
        + handshake(9000, 7000)
        + [c2s(9001, 7001, 'PA', b'second'), s2c(7001, 9007, 'PA', b'reply')] + close(9007, 7006),
    'reuse_open': handshake(100, 500) + [c2s(101, 501, 'PA', b'first')]
        + handshake(9000, 7000) + [c2s(9001, 7001, 'PA', b'second')],
    'reuse_after_rst': handshake(100, 500) + [c2s(101, 501, 'PA', b'first'), s2c(501, 106, 'RA')]
        + handshake(9000, 7000) + [c2s(9001, 7001, 'PA', b'second')],
    'rst_payload': handshake(100, 500)
        + [c2s(101, 501, 'PA', b'abc'), s2c(501, 104, 'RA', b'reset reason text')],
    'out_of_order': handshake(100, 500)
        + [c2s(104, 501, 'PA', b'def'), c2s(101, 501, 'PA', b'abc'), s2c(501, 107, 'A')]
        + close(107, 501),
    'overlap_diff': handshake(100, 500)
        + [c2s(101, 501, 'PA', b'abcdef'), c2s(104, 501, 'PA', b'XYZghi'), s2c(501, 110, 'A')]
        + close(110, 501),
    'ooo_overlap_diff': handshake(100, 500)
        + [c2s(104, 501, 'PA', b'defg'), c2s(106, 501, 'PA', b'XYhij'), c2s(101, 501, 'PA', b'abc'),
           s2c(501, 111, 'A')] + close(111, 501),
    'data_after_fin': handshake(100, 500)
        + [c2s(101, 501, 'PA', b'abc'), c2s(104, 501, 'FA'), c2s(105, 501, 'PA', b'late'),
           s2c(501, 105, 'FA'), c2s(105, 502, 'A')],
    'syn_data': [c2s(100, 0, 'S', b'early'), s2c(500, 106, 'SA'), c2s(106, 501, 'A'),
                 c2s(106, 501, 'PA', b'more')] + close(110, 501),
    'keepalive': handshake(100, 500)
        + [c2s(101, 501, 'PA', b'abc'), s2c(501, 104, 'A'), c2s(103, 501, 'A', b'\x00'),
           s2c(501, 104, 'A'), c2s(104, 501, 'PA', b'def')] + close(107, 501),
    'zero_window': handshake(100, 500)
        + [c2s(101, 501, 'PA', b'abc'), s2c(501, 104, 'A', window=0), c2s(104, 501, 'A', b'd'),
           s2c(501, 104, 'A', window=0), s2c(501, 104, 'A', window=1000),
           c2s(104, 501, 'PA', b'def')] + close(107, 501),
    'wrap': handshake(WRAP_ISN, 500)
        + [c2s(WRAP_ISN + 1, 501, 'PA', b'0123456789abcdef0123'), s2c(501, WRAP_END, 'A')]
        + close(WRAP_END, 501),
    'syn_retrans': [c2s(100, 0, 'S'), c2s(100, 0, 'S'), s2c(500, 101, 'SA'), c2s(101, 501, 'A'),
                    c2s(101, 501, 'PA', b'abc')] + close(104, 501),
    'hole_unacked': handshake(100, 500)
        + [c2s(101, 501, 'PA', b'abc'), c2s(110, 501, 'PA', b'after hole')],
    'hole_acked': handshake(100, 500)
        + [c2s(101, 501, 'PA', b'abc'), c2s(110, 501, 'PA', b'after hole'), s2c(501, 120, 'A')],
    'midstream': [s2c(501, 101, 'PA', b'srv'), c2s(101, 504, 'PA', b'cli'),
                  s2c(504, 104, 'PA', b'srv2')],
    'synack_first': [s2c(500, 101, 'SA'), c2s(101, 501, 'A'), c2s(101, 501, 'PA', b'abc'),
                     s2c(501, 104, 'PA', b'xyz')],
    'reuse_reversed': handshake(100, 500) + [c2s(101, 501, 'PA', b'first')] + close(106, 501)
        + [s2c(7000, 0, 'S'), c2s(9000, 7001, 'SA'), s2c(7001, 9001, 'A'),
           s2c(7001, 9001, 'PA', b'reversed')],
    'retrans_extend': handshake(100, 500)
        + [c2s(101, 501, 'PA', b'abc'), c2s(101, 501, 'PA', b'abcdef'), s2c(501, 107, 'A')]
        + close(107, 501),
    'retrans_after_close': handshake(100, 500) + [c2s(101, 501, 'PA', b'abc')] + close(104, 501)
        + [c2s(101, 502, 'PA', b'abc')],
    'syn_after_data': handshake(100, 500)
        + [c2s(101, 501, 'PA', b'abc'), c2s(100, 0, 'S'), c2s(104, 501, 'PA', b'def')]
        + close(107, 501),
    'midstream_then_syn': [c2s(101, 501, 'PA', b'old'), s2c(501, 104, 'A')]
        + handshake(9000, 7000) + [c2s(9001, 7001, 'PA', b'new')],
}

# Frames at explicit times (seconds).
TIMED_CASES = {
    'data_before_syn': [(1, c2s(101, 501, 'PA', b'abc')), (2, c2s(100, 0, 'S')),
                        (3, s2c(500, 101, 'SA')), (4, c2s(104, 501, 'PA', b'def'))],
    'two_syns_new_isn': [(1, c2s(100, 0, 'S')), (2, c2s(5000, 0, 'S')), (3, s2c(500, 5001, 'SA')),
                         (4, c2s(5001, 501, 'A')), (5, c2s(5001, 501, 'PA', b'abc'))],
    # silent for 2 hours, then both sides send
    'idle_2h': one_second_apart(handshake(100, 500) + [c2s(101, 501, 'PA', b'abc')], start=0)
        + [(7300, c2s(104, 501, 'PA', b'def')), (7301, s2c(501, 107, 'PA', b'xyz'))],
    # a retransmission 5 minutes after the close
    'late_retrans_after_close': one_second_apart(
        handshake(100, 500) + [c2s(101, 501, 'PA', b'abc')] + close(104, 501), start=0)
        + [(300, c2s(101, 502, 'PA', b'abc'))],
    'rst_then_data': one_second_apart(handshake(100, 500)
        + [c2s(101, 501, 'PA', b'abc'), s2c(501, 104, 'R'), c2s(104, 501, 'PA', b'def')], start=0),
    # FIN with data, then the same segment again
    'fin_with_data': one_second_apart(handshake(100, 500)
        + [c2s(101, 501, 'FPA', b'abc'), c2s(101, 501, 'FPA', b'abc'), s2c(501, 105, 'FA'),
           c2s(105, 502, 'A')], start=0),
}

for name, frames in CASES.items():
    write_pcap(name, one_second_apart(frames))
for name, timed_frames in TIMED_CASES.items():
    write_pcap(name, timed_frames)
print(len(CASES) + len(TIMED_CASES), 'captures written to', OUT_DIR)
