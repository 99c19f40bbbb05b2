#!/usr/bin/env python3
"""sipgen.py - SIP traffic between two network namespaces, for test captures.

A test tool of tests/tools/mkcaptures.sh, not part of xwtrace. One process
drives both ends: it opens each socket inside its namespace (setns), so it
decides exactly which bytes each write carries and waits until the other end
has read them before the next write; that makes the segments of a capture
the same on every run.

  sipgen.py call --transport udp|tcp --mode plain|coalesce|split|reorder
                 --uac NS,ADDR,PORT --uas NS,ADDR,PORT --tag TAG
                 [--mac SRC,DST --ifname IF]     (reorder only)
  sipgen.py tlsmsg DIR                            (the OPTIONS/200 sent over TLS)

A call is OPTIONS/200, then INVITE (SDP) / 100 / 180 / 200 (SDP) / ACK / BYE /
200, UAC to UAS, with Call-IDs derived from TAG. TCP modes:
  plain     one message per write, so one message per segment
  coalesce  100+180+200 in one write, ACK+BYE in one write (Content-Length
            framing needed to cut them)
  split     the UAS advertises MSS 536 and the INVITE is written in four
            pieces (inside the request line, inside a header name, at the
            blank line, the body); the 180 and the head of the 200 share a write
  reorder   the UAC is not a kernel socket but segments built here and sent on
            a raw socket (the kernel of the UAC namespace must drop what comes
            back, mkcaptures.sh attaches xwbpf.o "drop" on its ingress): the
            INVITE goes as 3 segments in the order 1,3,2 followed by 3 again,
            and the BYE segment is sent twice
Exit status 0 when the far end read every message whole, 1 otherwise.
"""

import argparse
import ctypes
import hashlib
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
LIBC = ctypes.CDLL(None, use_errno=True)


def enter_ns(name):
    """Moves this thread into network namespace NAME (sockets opened after
    this belong to it, and keep belonging to it after the next move)."""
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if LIBC.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + name)
    finally:
        os.close(fd)


def hexid(tag, what, n=32):
    """Returns n hex digits that depend only on tag and what."""
    return hashlib.sha256((tag + "/" + what).encode()).hexdigest()[:n]


class End:
    """One SIP endpoint: namespace, address, port and the role it plays."""

    def __init__(self, spec):
        self.ns, self.addr, port = spec.split(",")
        self.port = int(port)
        self.v6 = ":" in self.addr
        self.host = "[%s]" % self.addr if self.v6 else self.addr
        self.cucm = self.addr.endswith(("21", "::21"))
        self.agent = "Cisco-CUCM11.5" if self.cucm else "TANDBERG/4352 (X8.10.2)"
        self.user = "pstojano-test" if self.cucm else "jorobb"
        self.domain = "rtp.ciscotac.net" if self.cucm else "dmzlab.call.ciscospark.com"
        self.name = "Pavel Stojanovic" if self.cucm else "Jonathan Robb"


def sdp(end, tag, version):
    """Returns an audio SDP body of end (G.722, PCMU, PCMA, DTMF)."""
    ip = "IP6" if end.v6 else "IP4"
    media = end.addr if end.v6 else ("192.168.1.30" if end.cucm else end.addr)
    rtp = 24580 if end.cucm else 2326
    origin = "CiscoSystemsCCM-SIP" if end.cucm else "tandberg"
    lines = ["v=0", "o=%s %d %d IN %s %s" % (origin, int(hexid(tag, "o", 4), 16), version, ip, end.addr),
             "s=SIP Call", "c=IN %s %s" % (ip, media), "b=TIAS:64000", "b=AS:64", "t=0 0",
             "m=audio %d RTP/AVP 9 0 8 101" % rtp, "a=rtpmap:9 G722/8000", "a=rtpmap:0 PCMU/8000",
             "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15",
             "a=ptime:20", "a=sendrecv"]
    return "\r\n".join(lines) + "\r\n"


def render(first, headers, body=""):
    """Returns the wire bytes of one SIP message with its Content-Length."""
    text = first + "\r\n" + "".join(h + "\r\n" for h in headers)
    text += "Content-Length: %d\r\n\r\n" % len(body.encode())
    return (text + body).encode()


def call_messages(uac, uas, transport, tag):
    """Returns [(sender, bytes)] for OPTIONS/200 then a whole call, sender
    being 'uac' or 'uas'."""
    tp = transport.upper()
    via = "Via: SIP/2.0/%s %s:%d;branch=z9hG4bK%s" % (tp, uac.host, uac.port, "%s")
    cid_o = "%s-%s@%s" % (hexid(tag, "opt", 8), hexid(tag, "opt2", 8), uac.addr)
    cid = "%s-%s-1b-1501a8c0@%s" % (hexid(tag, "inv", 8), hexid(tag, "inv2", 8), uac.addr)
    ftag, ttag = str(int(hexid(tag, "ft", 7), 16)), hexid(tag, "tt", 16)
    ruri = "sip:%s@%s" % (uas.user, uas.domain)
    frm = 'From: "%s" <sip:%s@%s>;tag=%s' % (uac.name, uac.user, uac.domain, ftag)
    to = "To: <%s>" % ruri
    to_t = to + ";tag=" + ttag
    contact = "Contact: <sip:%s@%s:%d;transport=%s>" % (uac.user, uac.host, uac.port, transport)
    rcontact = "Contact: <sip:%s@%s:%d;transport=%s>" % (uas.user, uas.host, uas.port, transport)
    sid = "Session-ID: %s;remote=00000000000000000000000000000000" % hexid(tag, "sid")
    sid_uas = "Session-ID: %s;remote=%s" % (hexid(tag, "sid2"), hexid(tag, "sid"))
    b = [hexid(tag, "b%d" % i, 24) for i in range(4)]
    common = ["Max-Forwards: 70", "User-Agent: " + uac.agent]
    m = []
    ovia = via % b[0]
    m.append(("uac", render("OPTIONS sip:%s:%d SIP/2.0" % (uas.host, uas.port),
                            [ovia, 'From: <sip:%s>;tag=%s' % (uac.host, ftag + "1"),
                             "To: <sip:%s:%d>" % (uas.host, uas.port), "Call-ID: " + cid_o,
                             "CSeq: 101 OPTIONS", contact] + common)))
    m.append(("uas", render("SIP/2.0 200 OK",
                            [ovia, 'From: <sip:%s>;tag=%s' % (uac.host, ftag + "1"),
                             "To: <sip:%s:%d>;tag=%s" % (uas.host, uas.port, ttag + "0"),
                             "Call-ID: " + cid_o, "CSeq: 101 OPTIONS", "Server: " + uas.agent,
                             "Allow: INVITE,ACK,BYE,CANCEL,INFO,OPTIONS,REFER,SUBSCRIBE,NOTIFY"])))
    ivia = via % b[1]
    m.append(("uac", render("INVITE %s SIP/2.0" % ruri,
                            [ivia, frm, to, "Call-ID: " + cid, "CSeq: 101 INVITE",
                             "Supported: timer,resource-priority,replaces", "Min-SE: 1800",
                             "Allow: INVITE, OPTIONS, INFO, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, SUBSCRIBE, NOTIFY",
                             "Session-Expires: 1800", 'P-Asserted-Identity: "%s" <sip:%s@%s>' % (uac.name, uac.user, uac.domain),
                             sid, contact, "Content-Type: application/sdp"] + common, sdp(uac, tag, 1))))
    rsp = [ivia, frm, None, "Call-ID: " + cid, "CSeq: 101 INVITE", "Server: " + uas.agent]
    m.append(("uas", render("SIP/2.0 100 Trying", [h or to for h in rsp])))
    m.append(("uas", render("SIP/2.0 180 Ringing", [h or to_t for h in rsp] + [rcontact])))
    m.append(("uas", render("SIP/2.0 200 OK", [h or to_t for h in rsp] +
                            [rcontact, sid_uas, "Content-Type: application/sdp"],
                            sdp(uas, tag, 1))))
    m.append(("uac", render("ACK %s SIP/2.0" % ruri,
                            [via % b[2], frm, to_t, "Call-ID: " + cid, "CSeq: 101 ACK"] + common)))
    bvia = via % b[3]
    m.append(("uac", render("BYE %s SIP/2.0" % ruri,
                            [bvia, frm, to_t, "Call-ID: " + cid, "CSeq: 102 BYE",
                             "Reason: Q.850;cause=16"] + common)))
    m.append(("uas", render("SIP/2.0 200 OK",
                            [bvia, frm, to_t, "Call-ID: " + cid, "CSeq: 102 BYE", "Server: " + uas.agent])))
    return m


def plan(mode, msgs):
    """Returns the writes of a TCP mode: [(sender, bytes)], in order."""
    if mode == "plain":
        return list(msgs)
    if mode == "coalesce":
        out = msgs[:3]
        out.append(("uas", b"".join(x for _, x in msgs[3:6])))
        out.append(("uac", msgs[6][1] + msgs[7][1]))
        out.append(msgs[8])
        return out
    if mode == "split":
        inv = msgs[2][1]
        cut_hdr = inv.index(b"\r\nContent-Type:") + 10
        body = inv.index(b"\r\n\r\n") + 4
        ok = msgs[5][1]
        out = msgs[:2]
        out += [("uac", inv[:13]), ("uac", inv[13:cut_hdr]), ("uac", inv[cut_hdr:body]),
                ("uac", inv[body:])]
        out += [msgs[3], ("uas", msgs[4][1] + ok[:40]), ("uas", ok[40:])]
        return out + msgs[6:]
    raise ValueError(mode)


def read_exact(sock, n):
    """Returns exactly n bytes read from a stream socket (b'' on EOF)."""
    data = b""
    while len(data) < n:
        r, _, _ = select.select([sock], [], [], 5)
        if not r:
            raise TimeoutError("peer sent %d of %d bytes" % (len(data), n))
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def frame(stream):
    """Returns the SIP messages of a byte stream cut by Content-Length."""
    out = []
    while stream:
        end = stream.index(b"\r\n\r\n") + 4
        cl = 0
        for line in stream[:end].split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                cl = int(line.split(b":", 1)[1])
        out.append(stream[:end + cl])
        stream = stream[end + cl:]
    return out


def tcp_call(uac, uas, msgs, mode):
    """Runs the call over kernel TCP sockets; returns True when both ends
    framed the same messages that were sent."""
    fam = socket.AF_INET6 if uac.v6 else socket.AF_INET
    enter_ns(uas.ns)
    lst = socket.socket(fam, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if mode == "split":
        lst.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
    lst.bind((uas.addr, uas.port))
    lst.listen(1)
    enter_ns(uac.ns)
    cli = socket.socket(fam, socket.SOCK_STREAM)
    cli.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    cli.bind((uac.addr, int(os.environ.get("SIPGEN_SPORT", "51234"))))
    cli.connect((uas.addr, uas.port))
    srv, _ = lst.accept()
    lst.close()
    socks = {"uac": cli, "uas": srv}
    got = {"uac": b"", "uas": b""}
    for s in socks.values():
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for sender, data in plan(mode, msgs):
        peer = "uas" if sender == "uac" else "uac"
        socks[sender].sendall(data)
        got[peer] += read_exact(socks[peer], len(data))
        time.sleep(0.02)
    cli.shutdown(socket.SHUT_WR)
    read_exact(srv, 1)
    srv.close()
    read_exact(cli, 1)
    cli.close()
    return (frame(got["uas"]) == [x for s, x in msgs if s == "uac"] and
            frame(got["uac"]) == [x for s, x in msgs if s == "uas"])


def udp_call(uac, uas, msgs):
    """Runs the call over UDP, one message per datagram; returns True when
    every datagram arrived unchanged."""
    fam = socket.AF_INET6 if uac.v6 else socket.AF_INET
    socks = {}
    for role, end in (("uas", uas), ("uac", uac)):
        enter_ns(end.ns)
        socks[role] = socket.socket(fam, socket.SOCK_DGRAM)
        socks[role].bind((end.addr, end.port))
    ends = {"uac": uac, "uas": uas}
    ok = True
    for sender, data in msgs:
        peer = "uas" if sender == "uac" else "uac"
        socks[sender].sendto(data, (ends[peer].addr, ends[peer].port))
        r, _, _ = select.select([socks[peer]], [], [], 5)
        ok = ok and bool(r) and socks[peer].recv(65535) == data
        time.sleep(0.02)
    return ok


def csum(data):
    """Returns the Internet checksum of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class RawTcp:
    """The UAC side of one IPv4 TCP connection, built by hand on a raw
    socket, so segments can go out of order and twice."""

    def __init__(self, ifname, macs, uac, uas):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        self.sock.bind((ifname, 0))
        src, dst = macs.split(",")
        self.eth = bytes.fromhex(dst.replace(":", "")) + bytes.fromhex(src.replace(":", "")) + b"\x08\x00"
        self.uac, self.uas = uac, uas
        self.iss, self.rcv_nxt, self.ipid = 0x3A5C0000, 0, 0x4d00
        self.fin_seen = False
        self.snd_nxt = self.iss

    def send(self, flags, seq, payload=b"", opts=b"", pause=0.01):
        """Sends one segment (ACK flag implied once the peer's ISN is known),
        then waits pause seconds."""
        if self.rcv_nxt:
            flags |= 0x10
        hl = 20 + len(opts)
        tcp = struct.pack("!HHIIBBHHH", self.uac.port, self.uas.port, seq & 0xFFFFFFFF,
                          self.rcv_nxt, (hl // 4) << 4, flags, 64240, 0, 0) + opts
        s_ip, d_ip = socket.inet_aton(self.uac.addr), socket.inet_aton(self.uas.addr)
        pseudo = s_ip + d_ip + struct.pack("!BBH", 0, 6, hl + len(payload))
        c = csum(pseudo + tcp + payload)
        tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
        self.ipid += 1
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + hl + len(payload), self.ipid, 0x4000,
                         64, 6, 0, s_ip, d_ip)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        self.sock.send(self.eth + ip + tcp + payload)
        time.sleep(pause)

    def data(self, off, payload, psh=True, pause=0.01):
        """Sends stream bytes [off, off+len) as one segment; pure ACKs then
        carry the highest sequence number sent so far."""
        seq = self.iss + 1 + off
        self.send(0x08 if psh else 0, seq, payload, pause=pause)
        self.snd_nxt = max(self.snd_nxt, seq + len(payload))

    def pump(self, until, timeout=5.0):
        """Reads segments from the UAS, ACKing new data and FIN, until
        until() is true; returns False on timeout."""
        end = time.time() + timeout
        while not until():
            r, _, _ = select.select([self.sock], [], [], max(0, end - time.time()))
            if not r:
                return False
            pkt, addr = self.sock.recvfrom(65535)
            if addr[2] == socket.PACKET_OUTGOING or pkt[12:14] != b"\x08\x00" or pkt[23] != 6:
                continue
            ihl = (pkt[14] & 15) * 4
            t = pkt[14 + ihl:]
            sport, dport, seq, _, off, flags = struct.unpack("!HHIIBB", t[:14])
            if sport != self.uas.port or dport != self.uac.port:
                continue
            plen = len(pkt) - 14 - ihl - (off >> 4) * 4
            plen = min(plen, struct.unpack("!H", pkt[16:18])[0] - ihl - (off >> 4) * 4)
            if flags & 0x02:
                self.rcv_nxt = seq + 1
                continue
            if plen > 0 or flags & 0x01:
                if seq == self.rcv_nxt:
                    self.rcv_nxt = (seq + plen + (flags & 0x01)) & 0xFFFFFFFF
                    self.fin_seen = self.fin_seen or bool(flags & 0x01)
                self.send(0, self.snd_nxt)
        return True


def reorder_call(uac, uas, msgs, ifname, macs):
    """Runs the call with a hand-made UAC (see the module doc); returns True
    when the UAS kernel delivered every message whole and in order."""
    enter_ns(uas.ns)
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind((uas.addr, uas.port))
    lst.listen(1)
    enter_ns(uac.ns)
    raw = RawTcp(ifname, macs, uac, uas)
    mss = struct.pack("!BBH", 2, 4, 1460) + b"\x01\x01\x04\x02"
    raw.send(0x02, raw.iss, opts=mss)
    if not raw.pump(lambda: raw.rcv_nxt != 0):
        return False
    raw.snd_nxt = raw.iss + 1
    raw.send(0, raw.snd_nxt)
    srv, _ = lst.accept()
    srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    uac_msgs = [x for s, x in msgs if s == "uac"]
    offs = [sum(len(x) for x in uac_msgs[:i]) for i in range(len(uac_msgs) + 1)]
    got = b""
    sent_back = 0

    def answer(n_uac, n_uas):
        """Lets the UAS read n_uac bytes more and send its next n_uas messages."""
        nonlocal got, sent_back
        got += read_exact(srv, n_uac)
        for x in [x for s, x in msgs if s == "uas"][sent_back:sent_back + n_uas]:
            base = raw.rcv_nxt
            srv.sendall(x)
            raw.pump(lambda: (raw.rcv_nxt - base) & 0xFFFFFFFF >= len(x))
        sent_back += n_uas

    raw.data(offs[0], uac_msgs[0])                       # OPTIONS
    answer(len(uac_msgs[0]), 1)
    inv, o = uac_msgs[1], offs[1]
    c1, c2 = inv.index(b"\r\nCall-ID:") + 2, inv.index(b"\r\n\r\n") + 4
    raw.data(o, inv[:c1], False)                         # part 1
    # part 3 early, part 2 right after it: tshark calls a segment that fills
    # a hole within a few ms "out-of-order", later a "retransmission"
    raw.data(o + c2, inv[c2:], pause=0)                  # part 3, early
    raw.data(o + c1, inv[c1:c2], False)                  # part 2
    raw.data(o + c2, inv[c2:])                           # part 3 again
    answer(len(inv), 3)
    raw.data(offs[2], uac_msgs[2])                       # ACK
    raw.data(offs[3], uac_msgs[3])                       # BYE
    raw.data(offs[3], uac_msgs[3])                       # BYE again
    answer(len(uac_msgs[2]) + len(uac_msgs[3]), 1)
    raw.send(0x01, raw.snd_nxt)                          # FIN
    raw.snd_nxt += 1
    tail = srv.recv(1)
    srv.close()
    raw.pump(lambda: raw.fin_seen)
    lst.close()
    return tail == b"" and frame(got) == uac_msgs


def tls_messages(outdir):
    """Writes the OPTIONS and 200 OK carried inside the TLS captures."""
    wx = "l2sip-cfa-01.wbx2.com"
    pairs = {"w2e": ("172.16.2.2", "146.20.193.73", "192.168.5.164", "Cisco-L2SIP", "TANDBERG/4352 (X8.10.2)"),
             "e2w": ("146.20.193.70", "172.16.2.2", "64.102.241.236", "TANDBERG/4352 (X8.10.2)", "Cisco-L2SIP")}
    for name, (dst, src, via_host, ua, server) in pairs.items():
        tag = "tls-" + name
        via = "Via: SIP/2.0/TLS %s:5062;branch=z9hG4bK%s;rport" % (via_host, hexid(tag, "b"))
        frm = "From: <sip:%s>;tag=%s" % (wx if name == "w2e" else via_host, hexid(tag, "f", 10))
        to = "To: <sip:%s:5062;transport=tls>" % dst
        cid = "Call-ID: %s@%s" % (hexid(tag, "cid"), src)
        with open(os.path.join(outdir, "options-%s.sip" % name), "wb") as f:
            f.write(render("OPTIONS sip:%s:5062;transport=tls SIP/2.0" % dst,
                           [via, frm, to, cid, "CSeq: 1 OPTIONS", "Max-Forwards: 70", "User-Agent: " + ua]))
        with open(os.path.join(outdir, "ok-%s.sip" % name), "wb") as f:
            f.write(render("SIP/2.0 200 OK", [via, frm, to + ";tag=" + hexid(tag, "t", 10), cid,
                                              "CSeq: 1 OPTIONS", "Server: " + server]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("call")
    c.add_argument("--transport", choices=("udp", "tcp"), required=True)
    c.add_argument("--mode", choices=("plain", "coalesce", "split", "reorder"), default="plain")
    c.add_argument("--uac", required=True)
    c.add_argument("--uas", required=True)
    c.add_argument("--tag", required=True)
    c.add_argument("--ifname")
    c.add_argument("--mac")
    t = sub.add_parser("tlsmsg")
    t.add_argument("dir")
    a = ap.parse_args()
    if a.cmd == "tlsmsg":
        tls_messages(a.dir)
        return 0
    uac, uas = End(a.uac), End(a.uas)
    msgs = call_messages(uac, uas, a.transport, a.tag)
    if a.transport == "udp":
        ok = udp_call(uac, uas, msgs)
    elif a.mode == "reorder":
        ok = reorder_call(uac, uas, msgs, a.ifname, a.mac)
    else:
        ok = tcp_call(uac, uas, msgs, a.mode)
    print("sipgen: %s %s %s: %s" % (a.tag, a.transport, a.mode, "ok" if ok else "MISMATCH"),
          file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
