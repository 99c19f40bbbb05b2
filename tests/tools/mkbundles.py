#!/usr/bin/env python3
"""mkbundles.py - make the diagnostic bundles of tests/data/bundles/.

Each bundle is what an Expressway's "Download Log" gives plus what the guide
asks for beside it: the host's diagnostic log, its xConfiguration, the
tcpdump of its interface and its certificate files. The captures and
certificates are the real ones of tests/data/captures/ and tests/data/certs/;
the log is written here (with tests/tools/mkexamples.py's rendering) from the
capture's own packets, so that the log and the capture tell of the same
messages and connections:

  c-udp-merge.tar.gz     the Expressway-C's log of sip-udp-call.pcap's call and
                         OPTIONS, its clock 1200 ms ahead of the capture's,
                         without the 200 OK to the OPTIONS (the capture alone
                         holds it); xconfig-c. Tests: one record per message
                         logged and captured, the capture's clock on the log's.
  e-untrusted-ca.tar.gz  the Expressway-E's log of the TLS failure of
                         tls-untrusted-ca.pcap ("self signed certificate in
                         certificate chain"), xconfig-e, the capture, the E's
                         server certificate and its trusted CA list without
                         Webex's CAs. Tests: the log's finding gains the
                         capture's proof, and is not made twice.
  e-cert-unknown.tar.gz  the E's log of tls-chain-incomplete.pcap's failure
                         ("sslv3 alert certificate unknown"), the capture, the
                         server certificate and the trusted CA list without the
                         issuing CA. Tests: tls-cert-unknown says which cause;
                         tls-chain-incomplete cites packet and files.
  e-connect-failed.tar.gz
                         the E's log of an outbound call whose TCP connection to
                         Webex fails (mkexamples' tcp-connect-failed), its first
                         connection being tcp-syn-unanswered-out.pcap's, and
                         that capture. Tests: the call's tcp-connect-failed
                         cites the unanswered SYNs, which are not made a finding
                         of their own, and its ladder draws them.
  e-connect-refused.tar.gz
                         the same, its first connection being
                         tcp-refused-out.pcap's: Webex answers the SYN with a
                         reset. Tests: the call's tcp-connect-failed cites the
                         SYN and the reset and says nothing listens (not a
                         firewall); no tcp-reset-not-listening of its own.
  e-tls-reset.tar.gz     the same with mkexamples' tls-remote-disconnect: the
                         first connection is tls-firewall-reset.pcap's, whose
                         handshake a reset from Webex's address tears down.
                         Tests: the call's tls-remote-disconnect cites the reset
                         and the chains, and its ladder draws the handshake.

Deterministic: members, times and gzip headers are fixed.
Usage: tests/tools/mkbundles.py [--out DIR]
"""

import argparse
import gzip
import io
import os
import struct
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import mkexamples as mx  # noqa: E402

CAPS = os.path.join(TOP, 'tests', 'data', 'captures')
CERTS = os.path.join(TOP, 'tests', 'data', 'certs')


def packets(path):
    """Yields (ms, src, sport, dst, dport, proto, flags, payload) of a classic
    little-endian Ethernet pcap holding IPv4 TCP and UDP."""
    with open(path, 'rb') as f:
        d = f.read()
    magic = struct.unpack('<I', d[:4])[0]
    nano = magic == 0xa1b23c4d
    at = 24
    while at + 16 <= len(d):
        sec, frac, cap, _ = struct.unpack('<IIII', d[at:at + 16])
        fr = d[at + 16:at + 16 + cap]
        at += 16 + cap
        ms = sec * 1000 + (frac // 1000000 if nano else frac // 1000)
        if len(fr) < 34 or fr[12:14] != b'\x08\x00':
            continue
        ip = fr[14:]
        hl = (ip[0] & 15) * 4
        total = struct.unpack('>H', ip[2:4])[0]
        proto = ip[9]
        src = '.'.join(str(b) for b in ip[12:16])
        dst = '.'.join(str(b) for b in ip[16:20])
        t = ip[hl:total]
        if proto == 17:
            yield ms, src, struct.unpack('>H', t[0:2])[0], dst, struct.unpack('>H', t[2:4])[0], \
                'udp', 0, t[8:]
        elif proto == 6:
            off = (t[12] >> 4) * 4
            yield ms, src, struct.unpack('>H', t[0:2])[0], dst, struct.unpack('>H', t[2:4])[0], \
                'tcp', t[13], t[off:]


class WireMsg:
    """A captured SIP message as mkexamples' HostLog.sip wants one."""

    def __init__(self, raw):
        self.raw = raw.decode()
        head = self.raw.split('\r\n\r\n', 1)[0].split('\r\n')
        self.start = head[0]
        self.hdrs = [l.split(':', 1) for l in head[1:] if ':' in l]
        self.is_req = not self.start.startswith('SIP/2.0')
        cseq = self.get('CSeq').split()
        self.cseq, self.method = int(cseq[0]), cseq[1]
        self.ruri = self.start.split()[1] if self.is_req else None
        self.code = None if self.is_req else int(self.start.split()[1])
        self.via = [self.get('Via')]

    def get(self, name):
        for n, v in self.hdrs:
            if n.strip().lower() == name.lower():
                return v.strip()
        return None

    def render(self):
        return self.raw


def tar_bytes(members):
    """Returns a .tar.gz of (name, bytes) members with fixed metadata."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as tf:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime, ti.mode, ti.uname, ti.gname = len(data), 1500000000, 0o644, 'root', 'root'
            tf.addfile(ti, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode='wb', mtime=0) as gz:
        gz.write(buf.getvalue())
    return out.getvalue()


def read(*p):
    with open(os.path.join(*p), 'rb') as f:
        return f.read()


def log_text(lg):
    """Returns what HostLog.write would write."""
    ents = sorted(lg.entries, key=lambda e: (e[0], e[1]))
    return ('\n'.join(e[2] for e in ents) + '\n').encode()


def c_udp_merge():
    """The C's log of sip-udp-call.pcap, 1200 ms ahead, one message unlogged."""
    cs = mx.Case('c-udp-merge', 0, 1200, 301)
    c = cs.C
    me = mx.Addr('C', mx.C_IP, 5060)
    dropped = 0
    for ms, src, sp, dst, dp, proto, _, pl in packets(os.path.join(CAPS, 'sip-udp-call.pcap')):
        if proto != 'udp' or not pl.startswith((b'SIP/2.0', b'OPTIONS', b'INVITE', b'ACK', b'BYE')):
            continue
        m = WireMsg(pl)
        if m.method == 'OPTIONS' and not m.is_req and dropped == 0:
            dropped += 1  # the capture alone holds it
            continue
        sent = src == mx.C_IP
        peer = mx.Addr(None, dst if sent else src, dp if sent else sp)
        c.sip(ms, 'Sent' if sent else 'Received', me, peer, m)
    name = 'rtp12-tpdmz-118-VCSC_20261207'
    return [('diagnostic_logging/loggingsnapshot_%s.txt' % name, log_text(c)),
            ('diagnostic_logging/xconfig_%s.txt' % name,
             read(TOP, 'examples', 'healthy-inbound', 'xconfig-c.txt')),
            ('diagnostic_logging/eth0_diagnostic_logging_tcpdump00_%s.pcap' % name,
             read(CAPS, 'sip-udp-call.pcap'))]


def tls_failure(capture, kind):
    """The E's log lines of the failed inbound handshake of capture: TCP
    connecting and established at its SYN, the TLS error at its alert."""
    cs = mx.Case('e-' + kind, 0, 0, 302, e_only=True)
    e_log = cs.E
    syn = alert = None
    w = None
    for ms, src, sp, dst, dp, proto, flags, pl in packets(os.path.join(CAPS, capture)):
        if proto != 'tcp':
            continue
        if flags & 0x12 == 0x02 and syn is None:
            syn, w = ms, mx.Addr(None, src, sp)
        if pl[:1] == b'\x15' and alert is None:
            alert = ms
    e = mx.Addr('E', mx.E_OUT, 5062)
    mx.tcp(e_log, syn, w, e, 'TCP Connecting')
    mx.tcp(e_log, syn, w, e, 'TCP Connection Established')
    mx.ssl(e_log, syn + 8, 'INFO', 1974, '::ttssl_continueHandshake',
           ' Detail="Handshake in progress" Reason="want read/write"')
    ev = [('Service', 'SIP'), ('Src-ip', w.ip), ('Src-port', str(w.port)), ('Dst-ip', mx.E_OUT),
          ('Dst-port', '5062')]
    if kind == 'untrusted':
        d = 'self signed certificate in certificate chain'
        why = 'error:14089086:SSL routines:ssl3_get_client_certificate:certificate verify failed'
        result, closed = '-1', d
    else:
        d = 'sslv3 alert certificate unknown'
        why = 'error:14094416:SSL routines:ssl3_read_bytes:sslv3 alert certificate unknown'
        result, closed = '0', 'Got EOF on socket'
    e_log.ev(alert, 'Inbound TLS Negotiation Error', ev + [('Detail', d), ('Protocol', 'TLS')])
    mx.ssl(e_log, alert, 'ERROR', 68, '::TTSSLErrorOutput',
           "TTSSL_continueHandshake: Failed to establish SSL connection iResult=\"%s\" "
           "error=\"1\" bServer=\"true\" localAddress=\"['IPv4''TCP''%s:5062']\" "
           "remoteAddress=\"['IPv4''TCP''%s:%d']\" ssl_error_reason=\"%s\"" % (
               result, mx.E_OUT, w.ip, w.port, why))
    mx.tcp(e_log, alert, w, e, 'TCP Connection Closed', closed)
    return log_text(e_log)


def e_outbound_failure(capture, fail):
    """The E's log of an outbound call whose connection to Webex fails:
    mkexamples' outbound call failing with fail ('tcp': no answer to the SYNs,
    'tls': the handshake torn down), its first connection being the one of
    capture (its time and its ends), and that capture."""
    syns = [(ms, src, sp, dst, dp) for ms, src, sp, dst, dp, proto, flags, _ in
            packets(os.path.join(CAPS, capture)) if proto == 'tcp' and flags & 0x12 == 0x02]
    t_syn, src, sport, dst, dport = syns[0]

    def render(t0):
        cs = mx.Case('e-outbound-' + fail, t0, 0, 303, e_only=True)
        res = mx.outbound(cs, t0, fail=fail)
        mx.finish(cs, t0, res.get('t_end', t0 + 5000))
        return cs.E

    def first_connecting(lg):
        for t, _, line in sorted(lg.entries, key=lambda e: (e[0], e[1])):
            if 'Detail="TCP Connecting"' in line and 'Dst-port="%d"' % dport in line:
                return t, line
        raise SystemExit('e-outbound-%s: no TCP Connecting' % fail)

    t0 = 1500000000000
    at, _ = first_connecting(render(t0))
    lg = render(t_syn - (at - t0))  # the same log, its first connection at the first SYN
    _, line = first_connecting(lg)
    port = line.split('Src-port="')[1].split('"')[0]
    text = log_text(lg).decode()
    text = text.replace('Src-port="%s" Dst-ip="%s"' % (port, dst),
                        'Src-port="%d" Dst-ip="%s"' % (sport, dst))
    text = text.replace("('Src-port', '%s')" % port, "('Src-port', '%d')" % sport)
    text = text.replace("%s:%s']" % (src, port), "%s:%d']" % (src, sport))
    text = text.replace('Src-ip="%s" Src-port="%s"' % (src, port), 'Src-ip="%s" Src-port="%d"' %
                        (src, sport))
    name = 'amer-expressway01_20261207'
    return [('diagnostic_logging/loggingsnapshot_%s.txt' % name, text.encode()),
            ('diagnostic_logging/eth0_diagnostic_logging_tcpdump00_%s.pcap' % name,
             read(CAPS, capture))]


def e_bundle(capture, kind, trust):
    name = 'amer-expressway01_20261207'
    return [('diagnostic_logging/loggingsnapshot_%s.txt' % name, tls_failure(capture, kind)),
            ('diagnostic_logging/xconfig_%s.txt' % name,
             read(TOP, 'examples', 'tls-untrusted-ca', 'xconfig-e.txt')),
            ('diagnostic_logging/eth0_diagnostic_logging_tcpdump00_%s.pcap' % name,
             read(CAPS, capture)),
            ('certificates/server.pem', read(CERTS, 'e-server.pem')),
            ('certificates/trusted_ca.pem', read(CERTS, trust))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(TOP, 'tests', 'data', 'bundles'))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    bundles = {
        'c-udp-merge.tar.gz': c_udp_merge(),
        'e-untrusted-ca.tar.gz': e_bundle('tls-untrusted-ca.pcap', 'untrusted',
                                          'e-trusted-ca-no-webex.pem'),
        'e-cert-unknown.tar.gz': e_bundle('tls-chain-incomplete.pcap', 'certunknown',
                                          'e-trusted-ca-no-issuing.pem'),
        'e-connect-failed.tar.gz': e_outbound_failure('tcp-syn-unanswered-out.pcap', 'tcp'),
        'e-connect-refused.tar.gz': e_outbound_failure('tcp-refused-out.pcap', 'tcp'),
        'e-tls-reset.tar.gz': e_outbound_failure('tls-firewall-reset.pcap', 'tls'),
    }
    for name, members in bundles.items():
        with open(os.path.join(a.out, name), 'wb') as f:
            f.write(tar_bytes(members))
        print('%-24s %s' % (name, ', '.join(n for n, _ in members)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
