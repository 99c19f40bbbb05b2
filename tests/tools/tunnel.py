#!/usr/bin/env python3
"""tunnel.py KIND IN.pcap OUT.pcap - writes IN again with each IPv4 or IPv6
packet wrapped the way mirrored traffic reaches a capture point: KIND is
ipip (IP in IP, or IPv6 in IPv4), gre (with key and sequence number),
erspan2, erspan3 (with its platform subheader) or vxlan. Frames that are
not IP (ARP) are copied as they are. IN is a classic pcap of Ethernet
frames (as mkcaptures.sh writes them); the tunnel runs from 10.99.0.1 to
10.99.0.2, so the inner addresses are the ones a reader must give."""
import struct
import sys

ETH = b'\x02\x00\x00\x00\x00\x02' + b'\x02\x00\x00\x00\x00\x01'


def ipv4(proto, payload):
    """An IPv4 header from the tunnel's source to its end, before payload."""
    return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 0, 0, 64, proto, 0,
                       bytes([10, 99, 0, 1]), bytes([10, 99, 0, 2])) + payload


def udp(dport, payload):
    return struct.pack('!HHHH', 49152, dport, 8 + len(payload), 0) + payload


def wrap(kind, ethertype, ip, seq):
    """The outer frame carrying the inner IP packet ip (ethertype its own)."""
    inner_eth = ETH + struct.pack('!H', ethertype) + ip
    if kind == 'ipip':
        return ETH + b'\x08\x00' + ipv4(4 if ethertype == 0x0800 else 41, ip)
    if kind == 'gre':
        gre = struct.pack('!HHII', 0x3000, ethertype, 42, seq)
        return ETH + b'\x08\x00' + ipv4(47, gre + ip)
    if kind == 'erspan2':
        gre = struct.pack('!HHI', 0x1000, 0x88be, seq)
        span = struct.pack('!II', 0x10000000 | 7, 0)
        return ETH + b'\x08\x00' + ipv4(47, gre + span + inner_eth)
    if kind == 'erspan3':
        gre = struct.pack('!HHI', 0x1000, 0x22eb, seq)
        span = struct.pack('!IIHBB', 0x20000000 | 7, seq, 0, 0, 1) + bytes(8)
        return ETH + b'\x08\x00' + ipv4(47, gre + span + inner_eth)
    if kind == 'vxlan':
        return ETH + b'\x08\x00' + ipv4(17, udp(4789, struct.pack('!II', 0x08000000, 0x1234 << 8)
                                              + inner_eth))
    raise SystemExit('unknown kind ' + kind)


def main():
    kind, src, dst = sys.argv[1:4]
    data = open(src, 'rb').read()
    magic, = struct.unpack('<I', data[:4])
    if magic not in (0xa1b2c3d4, 0xa1b23c4d) or struct.unpack('<I', data[20:24])[0] != 1:
        raise SystemExit(src + ': not a little-endian pcap of Ethernet frames')
    out = [data[:24]]
    at, seq = 24, 0
    while at + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack('<IIII', data[at:at + 16])
        frame = data[at + 16:at + 16 + incl]
        at += 16 + incl
        ethertype, = struct.unpack('!H', frame[12:14])
        if ethertype in (0x0800, 0x86dd) and incl == orig:
            seq += 1
            frame = wrap(kind, ethertype, frame[14:], seq)
        out.append(struct.pack('<IIII', sec, frac, len(frame), len(frame)) + frame)
    open(dst, 'wb').write(b''.join(out))


if __name__ == '__main__':
    main()
