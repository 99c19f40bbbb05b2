#!/usr/bin/env python3
"""mkexamples.py - generate every file under examples/.

Each case of the Hybrid Call Service Connect troubleshooting guide becomes a
directory with the Expressway-E and Expressway-C diagnostic logs of one call
(or of one failed TLS handshake), in the exact X8.9+ framing, plus the
xConfiguration dumps where the fault lives in the configuration.

The SIP messages are built as objects and rendered once, so Content-Length,
the INFO summary line, the Msg-Hash pair and the twin copy of every message
that crosses between the two Expressways are right by construction.
Output is deterministic: every random choice comes from a per-case seed.

Usage: tests/tools/mkexamples.py [--out DIR] [--no-check]
Then tests/tools/checkexamples.py validates what was written.
"""

import argparse
import datetime
import hashlib
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

# --- topology ---------------------------------------------------------------

E_NAME = 'amer-expressway01'
C_NAME = 'rtp12-tpdmz-118-VCSC'
E_OUT = '172.16.2.2'        # Expressway-E outside interface
E_NAT = '64.102.241.236'    # its static NAT address
E_IN = '192.168.1.6'        # Expressway-E inside interface
C_IP = '192.168.1.5'        # Expressway-C
CUCM_IP = '192.168.1.21'    # Unified CM, SIP over TCP 5065
WX64, WX70, WX73 = '146.20.193.64', '146.20.193.70', '146.20.193.73'
WEBEX_IPS = (WX64, WX70, WX73)
WX_MEDIA = '146.20.193.109'
PHONE_IP = '192.168.1.40'   # the desk phone's media address

UA_CUCM = 'Cisco-CUCM11.5'
UA_B2BUA = 'TANDBERG/4352 (X8.10.2-b2bua-1.0)'
SERVER_EXP = 'TANDBERG/4135 (X8.10.2)'
UA_L2SIP = 'Cisco-L2SIP'
ZEROS = '0' * 32

Z_WXDNS = 'HybridCallServicesDNS'          # zone names as Via parameters
Z_TRAV = 'HybridCallServiceTraversal'
Z_DEF = 'DefaultZone'
Z_CUCM = 'CUCM11'
N_WXDNS = 'Hybrid Call Services DNS'       # zone names as configured
N_TRAV = 'Hybrid Call Service Traversal'

WX_CONTACT = '"l2sip-UA" <sip:l2sip-UA@l2sip-cfa-01.wbx2.com:5062;transport=tls>'
WX_TARGET = 'sip:l2sip-UA@l2sip-cfa-01.wbx2.com:5062;transport=tls'
WX_RR = '<sip:l2sip-cfa-01.wbx2.com:5062;transport=tls;lr>'
CLUSTER = 'cucm.rtp.ciscotac.net'

E_THREAD = '0x7f576cbee700'
E_THREAD_SSL = '0x7f29ddefa700'
E_THREAD_ZONE = '0x7f577f0a0700'
C_THREAD = '0x7f3a0e5f9700'

TZ = datetime.timedelta(hours=-4)          # EDT, as in the guide
EPOCH = datetime.datetime(1970, 1, 1)


def ms_of(y, mo, d, h, mi, s, ms=0):
    """UTC wall time to milliseconds since the epoch."""
    dt = datetime.datetime(y, mo, d, h, mi, s)
    return int((dt - EPOCH).total_seconds()) * 1000 + ms


def fmt_local(ms):
    dt = EPOCH + datetime.timedelta(milliseconds=ms) + TZ
    return dt.strftime('%Y-%m-%dT%H:%M:%S') + '.%03d-04:00' % (ms % 1000)


def fmt_utc(ms):
    dt = EPOCH + datetime.timedelta(milliseconds=ms)
    return dt.strftime('%Y-%m-%d %H:%M:%S') + ',%03d' % (ms % 1000)


def fmt_http(ms):
    dt = EPOCH + datetime.timedelta(milliseconds=ms)
    return dt.strftime('%a, %d %b %Y %H:%M:%S GMT')


# --- deterministic randomness -------------------------------------------------

class Rnd(random.Random):
    def hexs(self, n):
        return ''.join(self.choice('0123456789abcdef') for _ in range(n))

    def digits(self, n):
        return str(self.randint(1, 9)) + ''.join(self.choice('0123456789') for _ in range(n - 1))

    def uuid(self):
        h = self.hexs(32)
        h = h[:12] + '4' + h[13:16] + self.choice('89ab') + h[17:]
        return '%s-%s-%s-%s-%s' % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

    def ptr(self):
        return '0x5564' + self.hexs(8)

    def pbranch(self):
        """A proxy's branch: hex, a counter, sometimes a dotted suffix."""
        b = 'z9hG4bK' + self.hexs(32) + str(self.randint(100, 999))
        if self.random() < 0.5:
            b += '.' + self.hexs(32)
        return b

    def bbranch(self):
        return 'z9hG4bK' + self.hexs(32) + str(self.randint(10, 999))

    def cbranch(self):
        return 'z9hG4bK' + self.hexs(13)

    def wbranch(self):
        return 'z9hG4bK' + self.hexs(32)

    def lbranch(self):
        return 'z9hG4bK-%d-%s' % (self.randint(3000, 399999), self.hexs(32))

    def cucm_tag(self):
        return '%d~c9cc7ddc-9592-49e8-a13c-79e26f48eebc-%d' % (self.randint(300000, 599999),
                                                              self.randint(30106000, 30107999))

    def cucm_session(self):
        return '75957d4fb66a13e835c10737aa' + '%06d' % self.randint(300000, 599999)

    def cucm_callid(self):
        return '%s-%s-%s-1501a8c0@%s' % (self.hexs(8), self.hexs(8), self.hexs(5), CUCM_IP)

    def cisco_guid(self):
        return '%010d-0000065536-%010d-0352430272' % (self.randint(1000000000, 4000000000),
                                                      self.randint(100, 400))

    def locus(self):
        return '%s-%s-11e7-%s-%s' % (self.hexs(8), self.hexs(4), self.hexs(4), self.hexs(12))


def crypto(n, suite='AES_CM_128_HMAC_SHA1_80'):
    # The Expressway masks SRTP keys with dots in its logs.
    return 'a=crypto:%d %s inline:%s' % (n, suite, '.' * 40)


# --- SIP messages --------------------------------------------------------------

# The Expressway's SIP stack writes headers in this order; the rest follow in
# the order they came, and Content-Type and Content-Length close the header.
EXP_ORDER = ['Via', 'Call-ID', 'CSeq', 'Call-Info', 'Remote-Party-ID', 'Contact', 'From', 'To',
             'Max-Forwards', 'Route', 'Record-Route', 'Allow', 'User-Agent', 'Server', 'Expires',
             'Date', 'Warning', 'Supported', 'Require', 'Session-Expires', 'Min-SE', 'Accept',
             'Allow-Events', 'P-Asserted-Identity', 'X-TAATag', 'Reason', 'Session-ID',
             'Cisco-Guid', 'Locus', 'Locus-Type']
LISTS = ('Via', 'Route', 'Record-Route')


class Msg:
    """A SIP message. Via, Route and Record-Route are kept as lists and sit in
    the header list as placeholders (value None). style is who wrote it:
    'exp' (an Expressway proxy or B2BUA), 'webex' (comma-joined Via and
    Record-Route) or 'cucm' (order as built)."""

    def __init__(self, start, style, headers, body=None):
        self.start = start
        self.style = style
        self.h = [[n, v] for n, v in headers]
        if not any(n == 'Via' for n, _ in self.h):
            self.h.insert(0, ['Via', None])
        self.via, self.route, self.rr = [], [], []
        self.body = list(body) if body else None

    def copy(self):
        m = Msg(self.start, self.style, [])
        m.h = [list(e) for e in self.h]
        m.via, m.route, m.rr = list(self.via), list(self.route), list(self.rr)
        m.body = list(self.body) if self.body else None
        return m

    def get(self, name):
        for n, v in self.h:
            if n.lower() == name.lower() and v is not None:
                return v
        return None

    def set(self, name, value):
        for e in self.h:
            if e[0].lower() == name.lower() and e[1] is not None:
                e[1] = value
                return self
        idx = next((i for i, e in enumerate(self.h) if e[0] == 'Content-Type'), len(self.h))
        self.h.insert(idx, [name, value])
        return self

    def remove(self, name):
        self.h = [e for e in self.h if not (e[0].lower() == name.lower() and e[1] is not None)]
        return self

    @property
    def is_req(self):
        return not self.start.startswith('SIP/2.0 ')

    @property
    def method(self):
        return self.get('CSeq').split()[1]

    @property
    def cseq(self):
        return int(self.get('CSeq').split()[0])

    @property
    def ruri(self):
        return self.start.split()[1]

    @property
    def code(self):
        return int(self.start.split()[1])

    def render(self):
        hs = [list(e) for e in self.h]
        names = [n for n, _ in hs]
        for ln in ('Route', 'Record-Route'):
            lst = self.route if ln == 'Route' else self.rr
            if lst and not any(n == ln and v is None for n, v in hs):
                anchor = 'Max-Forwards' if 'Max-Forwards' in names else 'To'
                i = max(i for i, (n, _) in enumerate(hs) if n in (anchor, 'Route'))
                hs.insert(i + 1, [ln, None])
                names = [n for n, _ in hs]
        if self.style == 'exp':
            def key(ie):
                i, (n, _) = ie
                if n == 'Content-Type':
                    return (2, 0, i)
                if n in EXP_ORDER:
                    return (0, EXP_ORDER.index(n), i)
                return (1, 0, i)
            hs = [e for _, e in sorted(enumerate(hs), key=key)]
        lines = []
        for n, v in hs:
            if v is None:
                lst = {'Via': self.via, 'Route': self.route, 'Record-Route': self.rr}[n]
                if not lst:
                    continue
                if n == 'Route' or self.style == 'webex':
                    lines.append('%s: %s' % (n, ','.join(lst)))
                else:
                    lines.extend('%s: %s' % (n, x) for x in lst)
            else:
                lines.append('%s: %s' % (n, v))
        body = ''.join(l + '\r\n' for l in self.body) if self.body else ''
        lines.append('Content-Length: %d' % len(body.encode()))
        return self.start + '\r\n' + '\r\n'.join(lines) + '\r\n\r\n' + body


def tag_of(v):
    if not v or ';tag=' not in v:
        return ''
    return v.split(';tag=', 1)[1].split(';')[0]


def uri_of(v):
    if '<' in v:
        return v.split('<', 1)[1].split('>', 1)[0]
    return v.split(';')[0].strip()


def session_of(m):
    s = m.get('Session-ID')
    if not s:
        return '', ''
    local = s.split(';')[0].strip()
    remote = s.split(';remote=', 1)[1].split(';')[0] if ';remote=' in s else ''
    return local, remote


def add_recv(via, ip, port=None, zone=None, order='exp', force_rport=False):
    """What a receiver adds to the Via it took the message from."""
    if order == 'ua':
        if via.endswith(';rport'):
            via = via[:-6] + ';rport=%d;received=%s' % (port, ip)
        else:
            via += ';received=%s' % ip
    else:
        if via.endswith(';rport'):
            via = via[:-6] + ';received=%s;rport=%d' % (ip, port)
        elif force_rport:
            via += ';received=%s;rport=%d' % (ip, port)
        else:
            via += ';received=%s' % ip
    if zone:
        via += ';ingress-zone=%s' % zone
    return via


def rr(serial, ip, port, transport='tls'):
    return '<sip:proxy-call-id=%s@%s:%d;transport=%s;lr>' % (serial, ip, port, transport)


def response(v, code, reason, style, hdrs=(), to_tag=None, body=None, copy_rr=False):
    """A response to the request v, as its receiver saw it."""
    to = v.get('To')
    if to_tag and ';tag=' not in to:
        to += ';tag=' + to_tag
    head = [('Via', None), ('Call-ID', v.get('Call-ID')), ('CSeq', v.get('CSeq')),
            ('From', v.get('From')), ('To', to)]
    if style == 'cucm':
        head = [('Via', None), ('From', v.get('From')), ('To', to), ('Call-ID', v.get('Call-ID')),
                ('CSeq', v.get('CSeq'))]
    m = Msg('SIP/2.0 %d %s' % (code, reason), style, head + list(hdrs), body)
    m.via = list(v.via)
    if copy_rr:
        m.rr = list(v.rr)
    return m


def fwd_resp(r):
    m = r.copy()
    m.via = m.via[1:]
    m.style = 'exp'
    return m


# --- SDP ----------------------------------------------------------------------

def sdp_webex_offer(aport, vport, big=False):
    ip = WX_MEDIA
    s = ['v=0', 'o=linus 0 1 IN IP4 %s' % ip, 's=-', 'c=IN IP4 %s' % ip, 'b=TIAS:4000000', 't=0 0',
         'm=audio %d RTP/SAVP 9 0 8 101 102' % aport, 'c=IN IP4 %s' % ip, 'b=TIAS:64000',
         'a=content:main', 'a=sendrecv', 'a=rtpmap:9 G722/8000', 'a=rtpmap:0 PCMU/8000',
         'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 MP4A-LATM/90000',
         'a=fmtp:101 profile-level-id=24;object=23;bitrate=64000',
         'a=rtpmap:102 telephone-event/8000', 'a=fmtp:102 0-15', crypto(1),
         crypto(2, 'AES_CM_128_HMAC_SHA1_32')]
    if big:
        s += [crypto(3, 'AEAD_AES_128_GCM'), crypto(4, 'AEAD_AES_256_GCM') + '.' * 24,
              crypto(5, 'AES_256_CM_HMAC_SHA1_80') + '.' * 24,
              crypto(6, 'AES_256_CM_HMAC_SHA1_32') + '.' * 24,
              'a=extmap:14 http://protocols.cisco.com/timestamp#100us',
              'a=rtcp-fb:* ccm cisco-scr', 'a=rtcp-mux', 'a=rtcp:%d IN IP4 %s' % (aport + 1, ip)]
    pts = '108 109 110 111' if big else '108 109'
    s += ['m=video %d RTP/SAVP %s' % (vport, pts), 'c=IN IP4 %s' % ip, 'b=TIAS:4000000',
          'a=content:main', 'a=sendrecv']
    fm = ('profile-level-id=42001E;packetization-mode=%d;max-mbps=%d;max-fs=%d;max-fps=3000;'
          'max-br=10000;max-dpb=3037;level-asymmetry-allowed=1')
    prof = [(108, 1, 40500, 1620), (109, 0, 40500, 1620), (110, 1, 245760, 8192),
            (111, 0, 245760, 8192)]
    for pt, mode, mbps, fs in prof[:len(pts.split())]:
        s += ['a=rtpmap:%d H264/90000' % pt, 'a=fmtp:%d ' % pt + fm % (mode, mbps, fs)]
    s += ['a=rtcp-fb:* nack pli', 'a=rtcp-fb:* ccm fir', crypto(1)]
    if big:
        s += [crypto(2, 'AES_CM_128_HMAC_SHA1_32'), crypto(3, 'AEAD_AES_128_GCM'),
              crypto(4, 'AEAD_AES_256_GCM') + '.' * 24,
              crypto(5, 'AES_256_CM_HMAC_SHA1_80') + '.' * 24,
              'a=extmap:14 http://protocols.cisco.com/timestamp#100us',
              'a=rtcp-fb:* ccm tmmbr', 'a=rtcp-fb:* ccm pli', 'a=rtcp-mux',
              'a=rtcp:%d IN IP4 %s' % (vport + 1, ip)]
    s += ['a=label:200']
    if big:
        sp = vport + 2
        s += ['m=video %d RTP/SAVP %s' % (sp, pts), 'c=IN IP4 %s' % ip, 'b=TIAS:4000000',
              'a=content:slides', 'a=sendrecv']
        for pt, mode, mbps, fs in prof:
            s += ['a=rtpmap:%d H264/90000' % pt, 'a=fmtp:%d ' % pt + fm % (mode, mbps, fs)]
        s += ['a=rtcp-fb:* nack pli', 'a=rtcp-fb:* ccm fir', 'a=rtcp-fb:* ccm tmmbr',
              crypto(1), crypto(2, 'AES_CM_128_HMAC_SHA1_32'), crypto(3, 'AEAD_AES_128_GCM'),
              crypto(4, 'AEAD_AES_256_GCM') + '.' * 24,
              'a=extmap:14 http://protocols.cisco.com/timestamp#100us', 'a=rtcp-mux',
              'a=rtcp:%d IN IP4 %s' % (sp + 1, ip), 'a=label:201',
              'm=application %d UDP/BFCP *' % (sp + 2), 'c=IN IP4 %s' % ip,
              'a=setup:actpass', 'a=connection:new', 'a=floorctrl:c-s', 'a=confid:1',
              'a=userid:2', 'a=floorid:2 mstrm:201', 'a=bfcpver:2 1',
              'm=application %d RTP/SAVP 125' % (sp + 4), 'c=IN IP4 %s' % ip,
              'a=rtpmap:125 H224/4800', crypto(1), 'a=sendrecv']
    return s


def sdp_cucm_offer(sess, aport, vport, audio='g722'):
    s = ['v=0', 'o=CiscoSystemsCCM-SIP %d 1 IN IP4 %s' % (sess, CUCM_IP), 's=SIP Call',
         'c=IN IP4 %s' % PHONE_IP, 'b=TIAS:1000000', 'b=AS:1000', 't=0 0']
    if audio == 'g729':
        s += ['m=audio %d RTP/SAVP 18 101' % aport, 'b=TIAS:8000', 'a=rtpmap:18 G729/8000',
              'a=fmtp:18 annexb=no']
    else:
        s += ['m=audio %d RTP/SAVP 9 0 101' % aport, 'b=TIAS:64000', 'a=rtpmap:9 G722/8000',
              'a=rtpmap:0 PCMU/8000']
    s += ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', crypto(1),
          crypto(2, 'AES_CM_128_HMAC_SHA1_32'), 'a=sendrecv',
          'm=video %d RTP/SAVP 126 97' % vport, 'b=TIAS:1000000', 'a=rtpmap:126 H264/90000',
          'a=fmtp:126 profile-level-id=42801e;packetization-mode=1;level-asymmetry-allowed=1',
          'a=rtpmap:97 H264/90000',
          'a=fmtp:97 profile-level-id=42801e;packetization-mode=0;level-asymmetry-allowed=1',
          'a=rtcp-fb:* nack pli', crypto(1), 'a=content:main', 'a=label:11', 'a=sendrecv']
    return s


def sdp_cucm_answer(sess, aport, vport):
    return ['v=0', 'o=CiscoSystemsCCM-SIP %d 1 IN IP4 %s' % (sess, CUCM_IP), 's=SIP Call',
            'c=IN IP4 %s' % PHONE_IP, 'b=TIAS:1000000', 'b=AS:1000', 't=0 0',
            'm=audio %d RTP/SAVP 9 102' % aport, 'b=TIAS:64000', 'a=rtpmap:9 G722/8000',
            'a=rtpmap:102 telephone-event/8000', 'a=fmtp:102 0-15', crypto(1), 'a=sendrecv',
            'm=video %d RTP/SAVP 108' % vport, 'b=TIAS:1000000', 'a=rtpmap:108 H264/90000',
            'a=fmtp:108 profile-level-id=42801e;packetization-mode=1;level-asymmetry-allowed=1',
            'a=rtcp-fb:* nack pli', crypto(1), 'a=content:main', 'a=label:200', 'a=sendrecv']


def sdp_webex_answer(aport, vport, audio='g722'):
    ip = WX_MEDIA
    s = ['v=0', 'o=linus 0 1 IN IP4 %s' % ip, 's=-', 'c=IN IP4 %s' % ip, 'b=TIAS:1000000',
         't=0 0']
    if audio == 'g729':
        # Webex cannot do G.729: the audio stream is refused with port 0.
        s += ['m=audio 0 RTP/SAVP 18']
    else:
        s += ['m=audio %d RTP/SAVP 9 101' % aport, 'c=IN IP4 %s' % ip, 'b=TIAS:64000',
              'a=content:main', 'a=sendrecv', 'a=rtpmap:9 G722/8000',
              'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', crypto(1)]
    s += ['m=video %d RTP/SAVP 126' % vport, 'c=IN IP4 %s' % ip, 'b=TIAS:1000000',
          'a=content:main', 'a=sendrecv', 'a=rtpmap:126 H264/90000',
          'a=fmtp:126 profile-level-id=42801e;packetization-mode=1;max-mbps=40500;max-fs=1620;'
          'max-fps=3000;max-br=1000;level-asymmetry-allowed=1',
          'a=rtcp-fb:* nack pli', crypto(1), 'a=label:200']
    return s


def sdp_anchor(body, ip, base, origin=None):
    """Media anchoring: new connection address and ports; the B2BUA also
    writes its own origin line."""
    out, k = [], 0
    for l in body:
        if l.startswith('c=IN IP4 '):
            l = 'c=IN IP4 ' + ip
        elif l.startswith('o=') and origin is not None:
            l = 'o=tandberg %d 1 IN IP4 %s' % (origin, ip)
        elif l.startswith('m='):
            p = l.split()
            if p[1] != '0':
                p[1] = str(base + 2 * k)
            k += 1
            l = ' '.join(p)
        elif l.startswith('a=rtcp:'):
            l = 'a=rtcp:%d IN IP4 %s' % (base + 2 * (k - 1) + 1, ip)
        out.append(l)
    return out


# --- logs ---------------------------------------------------------------------

def msg_hash(host, action, text):
    return int.from_bytes(hashlib.sha256(('%s|%s|%s' % (host, action, text)).encode())
                          .digest()[:8], 'big')


class Addr:
    __slots__ = ('host', 'ip', 'port')

    def __init__(self, host, ip, port):
        self.host, self.ip, self.port = host, ip, port


class NullLog:
    """The log of a host we have no log from."""
    def __getattr__(self, name):
        return lambda *a, **k: None


class HostLog:
    def __init__(self, case, name, skew, thread):
        self.case, self.name, self.skew, self.thread = case, name, skew, thread
        self.entries = []
        self.seq = 0
        self.nsip = 0

    def add(self, t, text):
        """t is true time (ms); this host's clock runs skew ms ahead."""
        self.seq += 1
        self.entries.append((t + self.skew, self.seq, text))

    def pre(self, t):
        return '%s %s tvcs: ' % (fmt_local(t + self.skew), self.name)

    def utc(self, t):
        return fmt_utc(t + self.skew)

    def mod(self, t, module, level, body):
        self.add(t, '%sUTCTime="%s" Module="%s" Level="%s":  %s' % (
            self.pre(t), self.utc(t), module, level, body))

    def dev(self, t, module, level, code, method, body, thread=None):
        self.add(t, '%sUTCTime="%s" Module="%s" Level="%s" CodeLocation="%s" Method="%s" '
                 'Thread="%s": %s' % (self.pre(t), self.utc(t), module, level, code, method,
                                      thread or self.thread, body))

    def ev(self, t, event, fields, jitter=0):
        """An event line; the UTCTime at its end may trail the prefix."""
        f = ' '.join('%s="%s"' % kv for kv in fields)
        self.add(t + jitter, '%sEvent="%s" %s Level="1" UTCTime="%s"' % (
            self.pre(t + jitter), event, f, self.utc(t)))

    # SIP messages: INFO summary, then the DEBUG entry with the framed text.
    def sip(self, t, action, local, remote, m):
        text = m.render().replace('\r', '')
        h = msg_hash(self.name, action, text)
        recv = action == 'Received'
        ls, rs = session_of(m)
        common = ('Call-ID=%s, From-Tag=%s, To-Tag=%s, Msg-Hash=%d, Local-SessionID=%s, '
                  'Remote-SessionID=%s' % (m.get('Call-ID'), tag_of(m.get('From')),
                                           tag_of(m.get('To')), h, ls, rs))
        if m.is_req:
            detail = '%s Request Method=%s, CSeq=%d, Request-URI=%s, %s' % (
                'Receive' if recv else 'Sending', m.method, m.cseq, m.ruri, common)
        else:
            detail = '%s Response Code=%d, Method=%s, CSeq=%d, To=%s, %s' % (
                'Receive' if recv else 'Sending', m.code, m.method, m.cseq,
                uri_of(m.get('To')), common)
        peer = 'Src' if recv else 'Dst'
        addrs = 'Action="%s" Local-ip="%s" Local-port="%d" %s-ip="%s" %s-port="%d"' % (
            action, local.ip, local.port, peer, remote.ip, peer, remote.port)
        if not recv:
            self.noise_send(t, m, remote)
        self.mod(t, 'network.sip', 'INFO', '%s Detail="%s"' % (addrs, detail))
        self.mod(t, 'network.sip', 'DEBUG', '%s Msg-Hash="%d"\n SIPMSG:\n |%s|\n' % (
            addrs, h, text.replace('\n', '\n ')))
        self.nsip += 1
        if recv:
            self.noise_recv(t, m, remote)

    # developer.* lines a real log carries around every message
    def leg(self, t, code, method, body, level='DEBUG'):
        self.dev(t, 'developer.sip.leg', level, 'ppcmains/sip/sipproxy/' + code, method, body)

    def fsm(self, t, module, level, line, body):
        self.dev(t, module, level, 'allshare/fsm/fsmfsm.cpp(%d)' % line, '::sys_testAndExecTask',
                 body)

    def legptr(self, m):
        return '0x5564' + hashlib.md5((self.name + m.get('Call-ID')).encode()).hexdigest()[:8]

    def noise_recv(self, t, m, src):
        r = self.case.rnd
        txn = r.randint(10000, 99999)
        self.fsm(t, 'developer.fsm.sipproxymsgdspfsm', 'DEBUG', 881,
                 ' Detail="Received fsm message" Msg-name="SIPTrans_%s" Self="SipProxyMsgDspFsm:0" '
                 'Sender="SipTrans:%d" Msg="SIPTrans_%s" Task="T_READY_SIPTRANS_%s" State="" '
                 'NxtState="" NxtStateId="4" Save-msg="0" Rec-type="I"' % (
                     'Ind' if m.is_req else 'Rsp', txn, 'Ind' if m.is_req else 'Rsp',
                     'IND' if m.is_req else 'RSP'))
        if m.is_req:
            self.leg(t, 'SipProxyMisc.cpp(168)',
                     '::extractLastHopReportedOrApparentIfNattedFromRequest',
                     "Reported address=['IPv4''TCP''%s:%d']" % (src.ip, src.port))
            self.leg(t, 'SipProxyLeg.cpp(882)', 'SipProxyLeg::processRequest',
                     ' this="%s" Type="Inbound" transactionId=%d' % (self.legptr(m), txn))
            if m.get('Max-Forwards'):
                self.leg(t, 'SipProxyLeg.cpp(1224)', 'SipProxyLeg::performMaxForwardsValidation',
                         ' this="%s" Type="Inbound" Max-Forwards=%s' % (self.legptr(m),
                                                                       m.get('Max-Forwards')))
        else:
            kind = 'Provisional' if m.code < 200 else 'Final'
            self.leg(t, 'SipProxyLeg.cpp(9177)', 'SipProxyLeg::displayResponseInfo',
                     ' this="%s" Type="Outbound" %s response received: %d %s' % (
                         self.legptr(m), kind, m.code, m.start.split(' ', 2)[2]))
        self.fsm(t, 'developer.fsm.sipproxymsgdspfsm', 'TRACE', 909,
                 ' Detail="Completed message execution on task" Self="SipProxyMsgDspFsm:0" '
                 'Sender="SipTrans:%d" Started-task-name="T_READY_SIPTRANS_%s"' % (
                     txn, 'IND' if m.is_req else 'RSP'))

    def noise_send(self, t, m, dst):
        r = self.case.rnd
        if m.is_req:
            self.leg(t, 'SipProxyLeg.cpp(3515)', 'SipProxyLeg::reallySendSipRequest',
                     ' this="%s" Type="Outbound" rRequestPackage=(mRequest.methodName=%s, '
                     'mTransactionId=%d, &mrLeg=%s)' % (self.legptr(m), m.method,
                                                         r.randint(10000, 99999), r.ptr()))
            if m.method == 'INVITE':
                self.leg(t, 'SipProxyLeg.cpp(4881)', 'SipProxyLeg::calculateThisHopUsingNextHop',
                         ' this="%s" Type="Outbound" This hop URI=%s using nextHop=[\'IPv4\'\'TCP\''
                         '\'%s:%d\'], nextHopTransport=%s' % (
                             self.legptr(m), m.via[0].split()[1].split(';')[0] + ';lr', dst.ip,
                             dst.port, m.via[0].split()[0].split('/')[-1]))
        else:
            what = 'non-final' if m.code < 200 else 'final'
            self.leg(t, 'SipProxyLeg.cpp(3054)', 'SipProxyLeg::sendStatefulResponseDirectly',
                     ' this="%s" Type="Inbound" Sending %s response=%d  for transactionId=%d' % (
                         self.legptr(m), what, m.code, r.randint(10000, 99999)))

    def decoy(self, t, m, ptr):
        """The SDP manipulator prints the message it hands on, unframed."""
        text = m.render().replace('\r', '').split('\n')
        self.add(t, '%sUTCTime="%s" Module="developer.sip.leg" Level="DEBUG" '
                 'CodeLocation="ppcmains/sip/sipproxy/SipSdpManipulator.cpp(694)" '
                 'Method="SipSdpManipulator::manipulateSipSdpOfferFromOtherLegPart2" Thread="%s":  '
                 'this="%s" Calling manipulationComplete() with %s\n%s\n' % (
                     self.pre(t), self.utc(t), self.thread, ptr, text[0],
                     '\n'.join(' ' + l for l in text[1:-1])))

    def write(self, path):
        ents = sorted(self.entries, key=lambda e: (e[0], e[1]))
        with open(path, 'w', newline='\n') as f:
            f.write('\n'.join(e[2] for e in ents) + '\n')


# --- a case: two logs and a clock ------------------------------------------------

class Case:
    def __init__(self, name, start, c_skew, seed, e_only=False, note=''):
        self.name, self.start, self.note = name, start, note
        self.rnd = Rnd(seed)
        self.E = HostLog(self, E_NAME, 0, E_THREAD)
        self.C = NullLog() if e_only else HostLog(self, C_NAME, c_skew, C_THREAD)
        self.e_only = e_only
        self.trav_port = self.rnd.randint(25600, 26899)   # C's end of the traversal link
        self.xconf_e = None
        self.xconf_c = None

    def log(self, host):
        return self.E if host == 'E' else self.C if host == 'C' else None

    def latency(self, a, b):
        ips = {a.ip, b.ip}
        if ips & set(WEBEX_IPS):
            return 36 + self.rnd.randint(0, 9)
        if a.host == b.host and a.host:
            return 0
        if a.host is None and b.host == 'E' or b.host is None and a.host == 'E':
            return self.rnd.randint(0, 1)       # the B2BUA on the same box
        return 1

    def send(self, t, m, src, dst, lat=None):
        """src sends m to dst at t; returns the arrival time."""
        if lat is None:
            lat = self.latency(src, dst)
        if src.host:
            self.log(src.host).sip(t, 'Sent', src, dst, m)
        ta = t + lat
        if dst.host:
            self.log(dst.host).sip(ta, 'Received', dst, src, m)
        return ta

    def mgmt(self, t):
        """Unrelated background lines from the management process."""
        for lg in (self.E, self.C):
            if not isinstance(lg, HostLog):
                continue
            tt = t + self.rnd.randint(0, 40)
            lg.add(tt, '%s %s management: UTCTime="%s" Module="developer.management.databasemanager" '
                   'Level="INFO" CodeLocation="databasemanager(63)" Detail="Path change detected", '
                   'Path="/status/call/call" Type="record change" '
                   'Name="CallUsageNotifier.on_cdr_record_change"' % (
                       fmt_local(tt + lg.skew), lg.name, lg.utc(tt)))

    def write(self, outdir):
        d = os.path.join(outdir, self.name)
        os.makedirs(d, exist_ok=True)
        self.E.write(os.path.join(d, 'expressway-e.log'))
        if not self.e_only:
            self.C.write(os.path.join(d, 'expressway-c.log'))
        if self.xconf_e is not None:
            with open(os.path.join(d, 'xconfig-e.txt'), 'w', newline='\n') as f:
                f.write(self.xconf_e)
        if self.xconf_c is not None:
            with open(os.path.join(d, 'xconfig-c.txt'), 'w', newline='\n') as f:
                f.write(self.xconf_c)


def ev_fields(src=None, src_alias=None, dst_alias=None, serial=None, tag=None, sa_plain=False):
    f = [('Service', 'SIP')]
    if src:
        f += [('Src-ip', src.ip), ('Src-port', str(src.port))]
    sa = src_alias[4:] if sa_plain and src_alias.startswith('sip:') else src_alias
    f += [('Src-alias-type', 'SIP'), ('Src-alias', sa), ('Dst-alias-type', 'SIP'),
          ('Dst-alias', dst_alias), ('Call-serial-number', serial), ('Tag', tag)]
    return f


class Leg:
    """What one Expressway proxy leg knows for its event lines."""
    def __init__(self, lg, serial, tag, src, src_alias, dst_alias, proto='TLS'):
        self.lg, self.serial, self.tag, self.src = lg, serial, tag, src
        self.sa, self.da, self.proto = src_alias, dst_alias, proto
        self.t0 = None

    def attempted(self, t):
        self.t0 = t
        self.lg.ev(t, 'Call Attempted', ev_fields(self.src, self.sa, self.da, self.serial, self.tag)
                   + [('Protocol', self.proto), ('Auth', 'NO')])

    def search(self, t):
        self.lg.ev(t, 'Search Attempted', ev_fields(None, self.sa, self.da, self.serial, self.tag,
                                                    sa_plain=True)
                   + [('Detail', 'searchtype:INVITE')])

    def found(self, t):
        self.lg.ev(t, 'Search Completed', ev_fields(None, self.sa, self.da, self.serial, self.tag,
                                                    sa_plain=True)
                   + [('Detail', 'found:true, searchtype:INVITE')])

    def not_found(self, t, reason, info=None):
        d = 'found:false, searchtype:INVITE' + (', Info:%s' % info if info else '')
        self.lg.add(t, self.lg.pre(t) + 'Event="Search Completed" Reason="%s" ' % reason +
                    ' '.join('%s="%s"' % kv for kv in ev_fields(None, self.sa, self.da, self.serial,
                                                                self.tag, sa_plain=True)) +
                    ' Detail="%s" Level="1" UTCTime="%s"' % (d, self.lg.utc(t)))

    def rejected(self, t, code, reason):
        self.lg.ev(t, 'Call Rejected', ev_fields(self.src, self.sa, self.da, self.serial, self.tag)
                   + [('Detail', reason), ('Protocol', self.proto), ('Response-code', str(code))])

    def connected(self, t):
        self.lg.ev(t, 'Call Connected', ev_fields(self.src, self.sa, self.da, self.serial, self.tag)
                   + [('Protocol', self.proto), ('Call-routed', 'YES')])

    def disconnected(self, t):
        dur = max(0, (t - self.t0) // 1000) if self.t0 else 0
        self.lg.ev(t, 'Call Disconnected', ev_fields(self.src, self.sa, self.da, self.serial,
                                                     self.tag)
                   + [('Protocol', self.proto), ('Call-routed', 'YES'), ('Duration', str(dur))])


def search_lines(lg, t, rules, alias):
    """rules: (name, verdict) with verdict 'nomatch', 'source' or (target, priority)."""
    for name, verdict in rules:
        if verdict == 'nomatch':
            d = "Search rule '%s' did not match destination alias '%s'" % (name, alias)
        elif verdict == 'source':
            d = "Search rule '%s' ignored due to source filtering" % name
        else:
            d = ("Considering search rule '%s' towards target '%s' at priority '%s' with alias "
                 "'%s'" % (name, verdict[0], verdict[1], alias))
        lg.mod(t, 'network.search', 'DEBUG', 'Detail="%s"' % d)


def cpl(lg, t, remote, text):
    lg.mod(t, 'network.cpl', 'DEBUG', 'Remote-ip="%s" Remote-port="%d" Detail="CPL: %s "' % (
        remote.ip, remote.port, text))


def tcp(lg, t, src, dst, what, reason=None, level='DEBUG'):
    lg.mod(t, 'network.tcp', level, 'Src-ip="%s" Src-port="%d" Dst-ip="%s" Dst-port="%d" '
           'Detail="%s"%s' % (src.ip, src.port, dst.ip, dst.port, what,
                              ' Reason="%s"' % reason if reason else ''))


def dns(lg, t, detail, extra=''):
    lg.mod(t, 'network.dns', 'DEBUG', 'Detail="%s"%s' % (detail, extra))


def ssl(lg, t, level, line, method, body):
    lg.dev(t, 'developer.ssl', level, 'ppcmains/ssl/ttssl/ttssl_openssl.cpp(%d)' % line, method,
           body, thread=E_THREAD_SSL)


def zonemgr(lg, t, line, method, body):
    lg.dev(t, 'developer.zone.zonemgr', 'DEBUG', 'ppcmains/oak/zones/ZoneManager.cpp(%d)' % line,
           'ZoneManager::' + method, ' this="0x56408ff81220" ' + body, thread=E_THREAD_ZONE)


WX_ALT = ['l2sip-cfa-01.ciscospark.com', 'l2sip-cfa-01.wbx2.com', 'l2sip-cfa-01-web.wbx2.com',
          'l2sip-cfa-web.wbx2.com', 'callservice.ciscospark.com', 'callservice.call.ciscospark.com',
          'l2sip-cfa-02.wbx2.com', 'l2sip-wpa-01.wbx2.com']


def webex_cert_lines(lg, t):
    ssl(lg, t, 'DEBUG', 1629, '::TTSSL_retrieveCommonName',
        ' Detail="Found common name in peer certificate" CommonName="l2sip-cfa-01.ciscospark.com"')
    for a in WX_ALT:
        ssl(lg, t, 'DEBUG', 1654, '::TTSSL_retrieveAltNames',
            ' Detail="Found DNS alt-name in peer certificate" AltName="%s"' % a)


def webex_classify(lg, t, ok=True):
    cand = ''.join(['l2sip-cfa-01.ciscospark.com'] + WX_ALT)
    ids = '{CN: l2sip-cfa-01.ciscospark.com, ' + ', '.join('Alt-DNS: ' + a for a in WX_ALT) + '}'
    if ok:
        zonemgr(lg, t, 1226, 'getDNSZoneByTLSVerifySubjectName',
                'getDNSZoneByTLSVerifySubjectName classified subject name '
                'callservice.ciscospark.com into DNS zone %s' % N_WXDNS)
        zonemgr(lg, t, 1183, 'getDNSZoneByTLSVerifySubjectNameList',
                ' Detail="Searched for DNS Zones by Subject Name" Found="True" Candidates="%s" '
                'MatchedZone="%s" MatchedIdentity="callservice.ciscospark.com"' % (cand, N_WXDNS))
        zonemgr(lg, t, 1054, 'getZoneByIdentities',
                ' Detail="getZoneByIdentities, match complete" Identitites="%s" '
                'MatchMechanism="DNSZoneMatch" MatchedZone="%s"' % (ids, N_WXDNS))
    else:
        zonemgr(lg, t, 1183, 'getDNSZoneByTLSVerifySubjectNameList',
                ' Detail="Searched for DNS Zones by Subject Name" Found="False" Candidates="%s" '
                'MatchedZone="" MatchedIdentity=""' % cand)
        zonemgr(lg, t, 1054, 'getZoneByIdentities',
                ' Detail="getZoneByIdentities, match complete" Identitites="%s" '
                'MatchMechanism="None" MatchedZone="%s"' % (ids, Z_DEF))


def tls_accept_ok(cs, t, w):
    """Webex opens the mutual-TLS connection to 5062 and is classified."""
    E = cs.E
    e = Addr('E', E_OUT, 5062)
    tcp(E, t, w, e, 'TCP Connecting')
    tcp(E, t, w, e, 'TCP Connection Established')
    ssl(E, t + 1, 'INFO', 1974, '::ttssl_continueHandshake',
        ' Detail="Handshake in progress" Reason="want read/write"')
    ssl(E, t + 79, 'DEBUG', 1960, '::ttssl_continueHandshake', ' Detail="Handshake succeeded"')
    webex_cert_lines(E, t + 79)
    webex_classify(E, t + 79)
    return t + 80


def tls_connect_ok(cs, t, src, dst):
    E = cs.E
    tcp(E, t, src, dst, 'TCP Connecting')
    tcp(E, t + 41, src, dst, 'TCP Connection Established')
    ssl(E, t + 42, 'INFO', 1974, '::ttssl_continueHandshake',
        ' Detail="Handshake in progress" Reason="want read/write"')
    ssl(E, t + 168, 'DEBUG', 1960, '::ttssl_continueHandshake', ' Detail="Handshake succeeded"')
    webex_cert_lines(E, t + 168)
    return t + 170


def dns_callservice(cs, t):
    E = cs.E
    dns(E, t, 'Sending DNS query', ' Name="_sips._tcp.callservice.ciscospark.com" '
        'Type="SRV (IPv4 and IPv6)"')
    dns(E, t + 78, "Resolved hostname to: ['IPv4''TCP''%s:5062'] (A/AAAA)  ['IPv4''TCP''%s:5062'] "
        "(A/AAAA)  Hostname:'l2sip-cfa-02.wbx2.com' Port:'5062' Priority:'5' TTL:'300' "
        "Weight:'10' (SRV)  Hostname:'l2sip-cfa-01.wbx2.com' Port:'5062' Priority:'5' TTL:'300' "
        "Weight:'10' (SRV) Number of relevant records retrieved: 4" % (WX70, WX64))
    return t + 80


def keepalives(cs, times):
    """The traversal client's OPTIONS to port 7003 and the server's 200 OK."""
    r = cs.rnd
    ct = Addr('C', C_IP, cs.trav_port)
    e = Addr('E', E_IN, 7003)
    cseq = r.randint(20000, 60000)
    for t in times:
        cseq += 1
        o = Msg('OPTIONS sip:%s:7003;transport=tls SIP/2.0' % E_IN, 'exp', [
            ('Via', None), ('Call-ID', r.hexs(16) + '@' + C_IP), ('CSeq', '%d OPTIONS' % cseq),
            ('Contact', '<sip:%s:5061;transport=tls>' % C_IP),
            ('From', '<sip:%s.rtp.ciscotac.net>;tag=%s' % (C_NAME, r.hexs(16))),
            ('To', '<sip:%s:7003;transport=tls>' % E_IN), ('Max-Forwards', '0'),
            ('User-Agent', SERVER_EXP), ('Supported', 'path,gruu')])
        o.via = ['SIP/2.0/TLS %s:5061;branch=%s;rport' % (C_IP, r.pbranch())]
        ta = cs.send(t, o, ct, e)
        v = o.copy()
        v.via[0] = add_recv(v.via[0], C_IP, cs.trav_port, Z_TRAV)
        ok = response(v, 200, 'OK', 'exp', to_tag=r.hexs(16), hdrs=[
            ('Allow', 'INVITE,ACK,CANCEL,OPTIONS,INFO,BYE,REFER,SUBSCRIBE,NOTIFY,MESSAGE,UPDATE'),
            ('Accept', 'application/sdp,application/pidf+xml,application/xml'),
            ('Server', SERVER_EXP), ('Supported', 'path,gruu,replaces,timer')])
        cs.send(ta + 1, ok, e, ct)


# --- call paths -------------------------------------------------------------------
#
# A path is the chain of SIP elements an INVITE crosses. Proxies keep the
# dialog on the two sides identical but add Via and Record-Route; the E's B2BUA
# splits the call in two dialog segments: it keeps Call-ID, From, Vias and
# Session-ID, but answers with its own To-tag, Contact and SDP.

class Node:
    def __init__(self, kind, log=None, serial=None, via_down=None, via_up=None, zone_up=None,
                 zone_down=None, selfroutes=(), media=None, ip_up=None, ip_down=None,
                 media_up=None, media_down=None, mbase=0):
        self.kind = kind              # 'webex', 'cucm', 'b2bua', 'proxy'
        self.log = log                # 'E', 'C' or None
        self.serial = serial          # proxy-call-id of a proxy leg
        self.via_down, self.via_up = via_down, via_up   # sent-by;egress-zone per direction
        self.zone_up, self.zone_down = zone_up, zone_down  # ingress zone per side
        self.selfroutes = tuple(selfroutes) + ((('proxy-call-id=%s@' % serial),) if serial else ())
        self.media = media            # (ip, port base) when it anchors media
        self.ip_up, self.ip_down = ip_up, ip_down   # B2BUA: its SIP address on each side
        self.media_up, self.media_down = media_up, media_down   # B2BUA: media address per side
        self.mbase = mbase


class Hop:
    def __init__(self, up, down, rev_up=None, rev_down=None):
        self.up, self.down = up, down                    # INVITE direction
        self.rev_up = rev_up or up                       # connection for requests going up
        self.rev_down = rev_down or down


class Path:
    def __init__(self, cs, nodes, hops, tag):
        self.cs, self.nodes, self.hops, self.tag = cs, nodes, hops, tag
        self.b = next(i for i, n in enumerate(nodes) if n.kind == 'b2bua')
        self.invs = [None] * len(hops)    # INVITE as sent on each hop
        self.views = [None] * len(hops)   # INVITE as its receiver saw it
        self.btag = cs.rnd.hexs(16)       # the B2BUA's To-tag on the first segment
        self.uas_tag = {}                 # To-tags the proxies used for their own responses

    # --- receiving
    def view(self, i, m, src, direction):
        """How node i saw m that came from src."""
        n = self.nodes[i]
        v = m.copy()
        if n.kind == 'proxy':
            zone = n.zone_up if direction == 'down' else n.zone_down
            v.via[0] = add_recv(v.via[0], src.ip, src.port, zone,
                                force_rport=src.ip in WEBEX_IPS)
        elif n.kind == 'b2bua':
            v.via[0] = add_recv(v.via[0], src.ip, src.port)
        else:
            ip = E_NAT if src.ip == E_OUT else src.ip
            v.via[0] = add_recv(v.via[0], ip, src.port, order='ua')
        return v

    def hop_addrs(self, k, direction):
        h = self.hops[k]
        return (h.up, h.down) if direction == 'down' else (h.rev_down, h.rev_up)

    def proxy_fwd(self, i, v, direction, mf=None, extra_pop=0):
        """Proxy node i forwards request v (its view) on toward direction."""
        n = self.nodes[i]
        sentby = n.via_down if direction == 'down' else n.via_up
        m = v.copy()
        m.style = 'exp'
        m.via = ['%s;branch=%s;proxy-call-id=%s;rport' % (sentby, self.cs.rnd.pbranch(),
                                                          n.serial)] + m.via
        while m.route and any(s in m.route[0] for s in n.selfroutes):
            m.route = m.route[1:]
        if mf is None and m.get('Max-Forwards'):
            mf = int(m.get('Max-Forwards')) - 1
        if mf is not None:
            m.set('Max-Forwards', str(mf))
        if m.method in ('INVITE', 'BYE') and not m.get('X-TAATag'):
            m.set('X-TAATag', self.tag)
        if n.media and m.body:
            m.body = sdp_anchor(m.body, n.media[0], n.media[1])
        return m

    def resp_fwd(self, i, r):
        m = fwd_resp(r)
        n = self.nodes[i]
        if n.media and m.body:
            m.body = sdp_anchor(m.body, n.media[0], n.media[1] + 40)
        return m

    # --- in-dialog requests: from node i toward direction until a UA or the B2BUA
    def request(self, t, i, direction, m, proc=3):
        step = 1 if direction == 'down' else -1
        sent = []
        node = i
        while True:
            k = node if step == 1 else node - 1
            src, dst = self.hop_addrs(k, direction)
            ta = self.cs.send(t, m, src, dst)
            sent.append((k, src, dst, m, ta))
            node += step
            v = self.view(node, m, src, direction)
            if self.nodes[node].kind != 'proxy':
                return ta, node, v, sent
            t = ta + proc
            m = self.proxy_fwd(node, v, direction)

    def respond(self, t, sent, r, proc=2):
        """Sends response r back along the hops request() used."""
        for idx in range(len(sent) - 1, -1, -1):
            k, src, dst, _, _ = sent[idx]
            t = self.cs.send(t, r, dst, src) + proc
            if idx:
                r = fwd_resp(r)
        return t

    # --- responses to the INVITE
    def b2b_resp(self, r):
        """The B2BUA turns a response of its second segment into one of its first."""
        b = self.b
        v = self.views[b - 1]
        hdrs = [('Contact', '<sip:%s:5073;transport=tls>' % self.nodes[b].ip_up)] \
            if 100 < r.code < 300 else []
        hdrs += [('Allow', 'INVITE,ACK,BYE,CANCEL,INFO,OPTIONS,REFER,SUBSCRIBE,NOTIFY'),
                 ('Server', UA_B2BUA)]
        if r.code < 300 and r.code > 100:
            hdrs += [('Supported', 'replaces,timer')]
        if r.get('Warning'):
            hdrs += [('Warning', r.get('Warning'))]
        if r.get('Reason'):
            hdrs += [('Reason', r.get('Reason'))]
        if r.get('Session-ID'):
            hdrs += [('Session-ID', r.get('Session-ID'))]
        body = None
        if r.body:
            hdrs += [('Content-Type', 'application/sdp')]
            body = sdp_anchor(r.body, self.nodes[b].media_up, self.nodes[b].mbase + 100, origin=0)
        return response(v, r.code, r.start.split(' ', 2)[2], 'exp',
                        to_tag=self.btag if r.code > 100 else None, hdrs=hdrs, body=body,
                        copy_rr=100 < r.code < 300)

    def resp_up(self, t, k, r, proc=3, on_node=None):
        """Response r is sent up hop k by its receiver, and on to the top.
        Non-2xx final responses are acknowledged hop by hop. on_node(i, t, r)
        runs when node i got r. Returns (time, responses sent per hop)."""
        out = {}
        while True:
            h = self.hops[k]
            out[k] = r
            ta = self.cs.send(t, r, h.down, h.up)
            if r.code >= 300:
                ack = ack_for(self.invs[k], r, self.nodes[k].kind)
                self.cs.send(ta + 1, ack, h.up, h.down)
            if on_node:
                on_node(k, ta, r)
            if k == 0:
                return ta, out
            n = self.nodes[k]
            t = ta + proc
            if n.kind == 'proxy':
                r = self.resp_fwd(k, r)
            elif n.kind == 'b2bua':
                r = self.b2b_resp(r)
                t += 6
            k -= 1


def ack_for(inv, resp, kind):
    """The hop-by-hop ACK of a non-2xx final response."""
    style = {'webex': 'webex', 'cucm': 'cucm'}.get(kind, 'exp')
    if style == 'cucm':
        hd = [('Via', None), ('From', inv.get('From')), ('To', resp.get('To')),
              ('Date', inv.get('Date') or ''), ('Call-ID', inv.get('Call-ID')),
              ('Max-Forwards', '70'), ('Route', None), ('CSeq', '%d ACK' % inv.cseq)]
    else:
        hd = [('Via', None), ('Call-ID', inv.get('Call-ID')), ('CSeq', '%d ACK' % inv.cseq),
              ('From', inv.get('From')), ('To', resp.get('To')), ('Max-Forwards', '70'),
              ('Route', None)]
    m = Msg('ACK %s SIP/2.0' % inv.ruri, style, [x for x in hd if x[1] != ''])
    m.via = [inv.via[0]]
    m.route = list(inv.route)
    return m


def cancel_for(inv, kind, reason=None):
    style = {'webex': 'webex', 'cucm': 'cucm'}.get(kind, 'exp')
    hd = [('Via', None), ('Call-ID', inv.get('Call-ID')), ('CSeq', '%d CANCEL' % inv.cseq),
          ('From', inv.get('From')), ('To', inv.get('To')), ('Max-Forwards', '70'),
          ('Route', None)]
    if style == 'cucm':
        hd = [('Via', None), ('From', inv.get('From')), ('To', inv.get('To')),
              ('Date', inv.get('Date')), ('Call-ID', inv.get('Call-ID')), ('CSeq',
              '%d CANCEL' % inv.cseq), ('Max-Forwards', '70'), ('Route', None)]
    if reason:
        hd.append(('Reason', reason))
    if kind != 'cucm' and kind != 'webex':
        hd.append(('User-Agent', UA_B2BUA if kind == 'b2bua' else SERVER_EXP))
    m = Msg('CANCEL %s SIP/2.0' % inv.ruri, style, hd)
    m.via = [inv.via[0]]
    m.route = list(inv.route)
    return m


# --- search rules and xConfiguration -----------------------------------------------

LOCALDOMAINS = r'rtp\.ciscotac\.net'


def rule(idx, name, prio, target, mode='AliasPatternMatch', ptype='Regex', pstring='',
         behavior='Leave', progress='Stop', protocol='SIP', source=None, state='Enabled',
         desc='', ttype='Zone'):
    return dict(idx=idx, name=name, prio=prio, target=target, mode=mode, ptype=ptype,
                pstring=pstring, behavior=behavior, progress=progress, protocol=protocol,
                source=source, state=state, desc=desc, ttype=ttype)


def rules_e(shadowed=False):
    return [
        rule(1, 'to DNS', 100, 'DNS', pstring='(?!.*@%localdomains%.*$).*', protocol='Any'),
        rule(2, 'B2B calls to VCS-C', 10, 'B2B Traversal', pstring=r'.*@rtp\.ciscotac\.net.*',
             desc='Inbound B2B calls'),
        rule(3, 'Webex Hybrid', 15, N_TRAV, mode='AnyAlias', ptype='Prefix', behavior='Strip',
             source=N_WXDNS, desc='Calls to VCS-C'),
        rule(4, 'Calls to Webex', 50, 'DNS', pstring=r'.*@.*\.webex\.com.*',
             desc='B2B calls to Webex meetings'),
        rule(5, 'Spark outbound (old)', 95, 'DNS', pstring=r'.*@.*\.ciscospark\.com',
             source=N_TRAV, state='Disabled', desc='Replaced by rule 6'),
        rule(6, 'Webex Hybrid - to Webex Cloud', 101 if shadowed else 90, N_WXDNS,
             pstring=r'.*@.*\.ciscospark\.com', source=N_TRAV, desc='Outbound calls to Webex'),
    ]


def rules_c():
    return [
        rule(1, 'as is local', 1, 'LocalZone', pstring='.*', progress='Continue', protocol='Any',
             ttype='Zone'),
        rule(2, 'Hybrid Call Service Inbound Routing', 2, Z_CUCM, ptype='Prefix',
             pstring=CLUSTER, source=N_TRAV, desc='Route header to the CUCM cluster'),
        rule(3, 'Calls to Cisco Webex', 3, N_TRAV, pstring=r'.*@.*\.ciscospark\.com',
             source=Z_CUCM, desc='Webex RD forks'),
        rule(4, 'Inbound B2B Calling', 40, Z_CUCM, pstring=r'.*@rtp\.ciscotac\.net.*',
             source='B2B Traversal'),
        rule(5, 'Conference Factory', 20, Z_CUCM, pstring=r'meet\..*@rtp\.ciscotac\.net',
             desc='Ad hoc conferences'),
    ]


def run_search(lg, t, rules, source_zone, alias):
    """Logs what the search rule engine does with alias; returns the target."""
    import re
    considered = []
    for ru in sorted(rules, key=lambda x: x['idx']):
        if ru['state'] != 'Enabled':
            continue
        if ru['source'] and ru['source'] != source_zone:
            search_lines(lg, t, [(ru['name'], 'source')], alias)
            continue
        if ru['mode'] == 'AnyAlias':
            ok = True
        elif ru['ptype'] == 'Prefix':
            ok = alias.startswith(ru['pstring'])
        else:
            ok = re.fullmatch(ru['pstring'].replace('%localdomains%', LOCALDOMAINS), alias)
        if not ok:
            search_lines(lg, t, [(ru['name'], 'nomatch')], alias)
        else:
            considered.append(ru)
    for ru in sorted(considered, key=lambda x: x['prio']):
        search_lines(lg, t, [(ru['name'], (ru['target'], ru['prio']))], alias)
        if ru['progress'] == 'Stop':
            return ru['target']
    return None


def zone_dns(n, name, hybrid, fault=None):
    z = {'Name': name, 'Type': 'DNS', 'HopCount': '15',
         'DNS H323 Mode': 'Off', 'DNS SIP Mode': 'On', 'DNS IncludeAddressRecord': 'Off',
         'DNS ZoneProfile': 'Default', 'DNS SIP Authentication Trust Mode': 'Off',
         'DNS SIP Default Transport': 'TLS',
         'DNS SIP DnsOverride Name': 'callservice.ciscospark.com' if hybrid else '',
         'DNS SIP DnsOverride Override': 'On' if hybrid else 'Off',
         'DNS SIP Media AesGcm Support': 'Off',
         'DNS SIP Media Encryption Mode': 'On' if hybrid else 'Auto',
         'DNS SIP Media ICE Support': 'Off',
         'DNS SIP ParameterPreservation Mode': 'On' if hybrid else 'Off',
         'DNS SIP Poison Mode': 'Off',
         'DNS SIP PreloadedSipRoutes Accept': 'On' if hybrid else 'Off',
         'DNS SIP Record Route Address Type': 'IP', 'DNS SIP SearchAutoResponse': 'Off',
         'DNS SIP TLS Verify InboundClassification': 'On' if hybrid else 'Off',
         'DNS SIP TLS Verify Mode': 'On' if hybrid else 'Off',
         'DNS SIP TLS Verify Subject Name': 'callservice.ciscospark.com' if hybrid else '',
         'DNS SIP UDP BFCP Filter Mode': 'Off', 'DNS SIP UDP IX Filter Mode': 'Off'}
    if hybrid and fault == 'subject':
        z['DNS SIP TLS Verify Subject Name'] = 'calllservice.ciscospark.com'
    if hybrid and fault == 'inbound':
        z['DNS SIP TLS Verify InboundClassification'] = 'Off'
    if hybrid and fault == 'override':
        z['DNS SIP DnsOverride Override'] = 'Off'
    return {'Zones Zone %d %s' % (n, k): v for k, v in z.items()}


def zone_trav_server(n, name, port, hybrid, peer, fault=None):
    p = 'TraversalServer '
    z = {'Name': name, 'Type': 'TraversalServer', 'HopCount': '15',
         p + 'Authentication Mode': 'DoNotCheckCredentials',
         p + 'Authentication UserName': 'hybridauth' if hybrid else 'b2bauth',
         p + 'Collaboration Edge': 'Off', p + 'H323 H46019 Demultiplexing Mode': 'Off',
         p + 'H323 Port': str(port - 1000 + 4), p + 'H323 Protocol': 'Assent',
         p + 'Registrations': 'Allow', p + 'SIP Media AesGcm Support': 'Off',
         p + 'SIP Media Encryption Mode': 'Auto', p + 'SIP Media ICE Support': 'Off',
         p + 'SIP Multistream Mode': 'On',
         p + 'SIP ParameterPreservation Mode': 'On' if hybrid else 'Off',
         p + 'SIP Poison Mode': 'Off', p + 'SIP Port': str(port),
         p + 'SIP PreloadedSipRoutes Accept': 'On' if hybrid else 'Off',
         p + 'SIP Protocol': 'Assent', p + 'SIP TLS Verify Mode': 'On',
         p + 'SIP TLS Verify Subject Name': peer, p + 'SIP Transport': 'TLS',
         p + 'TCPProbe KeepAliveInterval': '20', p + 'TCPProbe RetryCount': '5',
         p + 'TCPProbe RetryInterval': '2', p + 'UDPProbe KeepAliveInterval': '20',
         p + 'UDPProbe RetryCount': '5', p + 'UDPProbe RetryInterval': '2'}
    if fault == 'preservation':
        z[p + 'SIP ParameterPreservation Mode'] = 'Off'
    return {'Zones Zone %d %s' % (n, k): v for k, v in z.items()}


def zone_trav_client(n, name, port, hybrid, fault=None):
    p = 'TraversalClient '
    z = {'Name': name, 'Type': 'TraversalClient', 'HopCount': '15',
         p + 'Accept Delegated Credential Checks': 'Off',
         p + 'Authentication Mode': 'DoNotCheckCredentials',
         p + 'Authentication Password': '{cipher}qeh8eq+fuVY1GHGgRLder/1lYDd76O/6KrHGA7g8bJs=',
         p + 'Authentication UserName': 'hybridauth' if hybrid else 'b2bauth',
         p + 'Collaboration Edge': 'Off', p + 'H323 Port': '1719', p + 'H323 Protocol': 'Assent',
         p + 'Peer 1 Address': 'amer-expressway01.ciscotac.net', p + 'Registrations': 'Allow',
         p + 'RetryInterval': '120', p + 'SIP Media AesGcm Support': 'Off',
         p + 'SIP Media Encryption Mode': 'Auto', p + 'SIP Media ICE Support': 'Off',
         p + 'SIP Multistream Mode': 'On',
         p + 'SIP ParameterPreservation Mode': 'On' if hybrid else 'Off',
         p + 'SIP Poison Mode': 'Off', p + 'SIP Port': str(port),
         p + 'SIP PreloadedSipRoutes Accept': 'On' if hybrid else 'Off',
         p + 'SIP Protocol': 'Assent', p + 'SIP TLS Verify Mode': 'On',
         p + 'SIP TURN Server Address': '', p + 'SIP TURN Server Port': '',
         p + 'SIP Transport': 'TLS'}
    for i in range(2, 7):
        z[p + 'Peer %d Address' % i] = ''
    if fault == 'preloaded':
        z[p + 'SIP PreloadedSipRoutes Accept'] = 'Off'
    return {'Zones Zone %d %s' % (n, k): v for k, v in z.items()}


def zone_neighbor(n, name, peer, port, transport):
    p = 'Neighbor '
    z = {'Name': name, 'Type': 'Neighbor', 'HopCount': '15',
         p + 'Authentication Mode': 'DoNotCheckCredentials', p + 'H323 Mode': 'Off',
         p + 'Peer 1 Address': peer, p + 'SIP Media AesGcm Support': 'Off',
         p + 'SIP Media Encryption Mode': 'Auto', p + 'SIP Media ICE Support': 'Off',
         p + 'SIP Mode': 'On', p + 'SIP Multistream Mode': 'On',
         p + 'SIP ParameterPreservation Mode': 'On', p + 'SIP Poison Mode': 'Off',
         p + 'SIP Port': str(port), p + 'SIP PreloadedSipRoutes Accept': 'On',
         p + 'SIP SearchAutoResponse': 'Off', p + 'SIP TLS Verify Mode': 'Off',
         p + 'SIP Transport': transport, p + 'ZoneProfile': 'CiscoUnifiedCommunicationsManager'}
    for i in range(2, 7):
        z[p + 'Peer %d Address' % i] = ''
    return {'Zones Zone %d %s' % (n, k): v for k, v in z.items()}


def rules_conf(rules):
    s = {}
    for ru in rules:
        p = 'Zones Policy SearchRules Rule %d ' % ru['idx']
        s.update({p + 'Authentication': 'No', p + 'Description': ru['desc'],
                  p + 'Mode': ru['mode'], p + 'Name': ru['name'],
                  p + 'Pattern Behavior': ru['behavior'], p + 'Pattern Replace': '',
                  p + 'Pattern String': ru['pstring'], p + 'Pattern Type': ru['ptype'],
                  p + 'Priority': str(ru['prio']), p + 'Progress': ru['progress'],
                  p + 'Protocol': ru['protocol'], p + 'SIPTrafficType': 'Any',
                  p + 'Source Mode': 'Named' if ru['source'] else 'Any',
                  p + 'Source Name': ru['source'] or 'Please Select',
                  p + 'State': ru['state'], p + 'SystemGenerated': 'No',
                  p + 'Target Name': ru['target'], p + 'Target SIPVariant': 'Any',
                  p + 'Target Type': ru['ttype']})
    return s


def natural(k):
    import re
    return [int(x) if x.isdigit() else x for x in re.split(r'(\d+)', k)]


def render_xconfig(s):
    out = []
    for k in sorted(s, key=natural):
        v = s[k]
        out.append('*c xConfiguration %s:%s' % (k, ' "%s"' % v if v != '' else ''))
    return '\n'.join(out) + '\nOK\n'


def xconfig_e(fault=None):
    s = {'Alternates Cluster Name': '', 'DNS Domain Name': 'ciscotac.net',
         'DNS Hostname': 'amer-expressway01', 'DNS Server 1 Address': '208.67.222.222',
         'DNS Server 2 Address': '208.67.220.220',
         'Ethernet 1 IP V4 Address': E_IN, 'Ethernet 1 IP V4 SubnetMask': '255.255.255.0',
         'Ethernet 1 IP V4 StaticNAT Mode': 'Off',
         'Ethernet 2 IP V4 Address': E_OUT, 'Ethernet 2 IP V4 SubnetMask': '255.255.255.0',
         'Ethernet 2 IP V4 StaticNAT Address': E_NAT, 'Ethernet 2 IP V4 StaticNAT Mode': 'On',
         'IPProtocol': 'IPv4', 'Policy AdministratorPolicy Mode':
             'LocalCPL' if fault == 'cpl' else 'Off',
         'Policy AdministratorPolicy Service DefaultCPL': 'reject',
         'SIP Domains Domain 1 Name': 'rtp.ciscotac.net',
         'SIP MTLS Mode': 'Off' if fault == 'mtls' else 'On', 'SIP MTLS Port': '5062',
         'SIP Mode': 'On',
         'SIP TCP Mode': 'Off', 'SIP TCP Port': '5060', 'SIP TLS Mode': 'On',
         'SIP TLS Port': '5061', 'SIP UDP Mode': 'Off', 'SIP UDP Port': '5060',
         'SystemUnit Name': E_NAME,
         'Zones DefaultZone Authentication Mode': 'DoNotCheckCredentials',
         'Zones DefaultZone SIP Media AesGcm Support': 'Off',
         'Zones DefaultZone SIP Media Encryption Mode': 'Auto',
         'Zones DefaultZone SIP Media ICE Support': 'Off',
         'Zones DefaultZone SIP Multistream Mode': 'On',
         'Zones DefaultZone SIP Record Route Address Type': 'IP',
         'Zones DefaultZone SIP TLS Verify Mode': 'Off'}
    s.update(zone_dns(1, 'DNS', False))
    s.update(zone_trav_server(2, 'B2B Traversal', 7001, False,
                              'rtp12-tpdmz-118-VCSC.rtp.ciscotac.net'))
    s.update(zone_dns(6, N_WXDNS, True, fault))
    s.update(zone_trav_server(7, N_TRAV, 7003, True, 'rtp12-tpdmz-118-VCSC.rtp.ciscotac.net',
                              fault))
    s.update(rules_conf(rules_e(shadowed=fault == 'shadow')))
    return render_xconfig(s)


def xconfig_c(fault=None):
    s = {'Alternates Cluster Name': '', 'DNS Domain Name': 'rtp.ciscotac.net',
         'DNS Hostname': C_NAME, 'DNS Server 1 Address': '192.168.1.10',
         'Ethernet 1 IP V4 Address': C_IP, 'Ethernet 1 IP V4 SubnetMask': '255.255.255.0',
         'Ethernet 1 IP V4 StaticNAT Mode': 'Off', 'IPProtocol': 'IPv4',
         'Policy AdministratorPolicy Mode': 'Off',
         'SIP Domains Domain 1 Name': 'rtp.ciscotac.net', 'SIP Mode': 'On',
         'SIP TCP Mode': 'On', 'SIP TCP Port': '5060', 'SIP TLS Mode': 'On',
         'SIP TLS Port': '5061', 'SIP UDP Mode': 'Off', 'SIP UDP Port': '5060',
         'SystemUnit Name': C_NAME,
         'Zones DefaultZone Authentication Mode': 'DoNotCheckCredentials',
         'Zones DefaultZone SIP Media Encryption Mode': 'Auto',
         'Zones DefaultZone SIP TLS Verify Mode': 'Off'}
    s.update(zone_neighbor(2, Z_CUCM, CUCM_IP, 5065, 'TCP'))
    s.update(zone_trav_client(3, 'B2B Traversal', 7001, False))
    s.update(zone_trav_client(6, N_TRAV, 7003, True, fault))
    s.update(rules_conf(rules_c()))
    return render_xconfig(s)


# --- the far ends' messages ----------------------------------------------------------

def webex_resp(v, code, reason, tag=None, rrs=None, sess=None, body=None, locus=None):
    to = v.get('To') + (';tag=' + tag if tag and ';tag=' not in v.get('To') else '')
    h = [('Via', None), ('Call-ID', v.get('Call-ID')), ('CSeq', v.get('CSeq'))]
    if code > 100 and code < 300 and v.method == 'INVITE':
        h.append(('Contact', WX_CONTACT))
    h += [('From', v.get('From')), ('To', to)]
    if rrs is not None:
        h.append(('Record-Route', None))
    if code > 100:
        h += [('Allow', 'INVITE,ACK,CANCEL,BYE,REFER,INFO,OPTIONS,NOTIFY,SUBSCRIBE'),
              ('User-Agent', UA_L2SIP), ('Supported', 'replaces')]
        if body:
            h += [('Accept', 'application/sdp'), ('Allow-Events', 'kpml')]
    if sess:
        h.append(('Session-ID', sess))
    if locus:
        h += [('Locus', locus), ('Locus-Type', 'CALL')]
    if body:
        h.append(('Content-Type', 'application/sdp'))
    m = Msg('SIP/2.0 %d %s' % (code, reason), 'webex', h, body)
    m.via = list(v.via)
    if rrs is not None:
        m.rr = list(rrs)
    return m


def cucm_resp(v, code, reason, ms, tag=None, sess=None, body=None, contact=None, rpid=None):
    to = v.get('To') + (';tag=' + tag if tag and ';tag=' not in v.get('To') else '')
    h = [('Via', None), ('From', v.get('From')), ('To', to), ('Date', fmt_http(ms)),
         ('Call-ID', v.get('Call-ID')), ('CSeq', v.get('CSeq'))]
    if code > 100:
        h += [('Allow', 'INVITE, OPTIONS, INFO, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, '
                        'SUBSCRIBE, NOTIFY')]
    h += [('Allow-Events', 'presence')]
    if code > 100:
        h += [('Supported', 'replaces'), ('Server', UA_CUCM),
              ('Call-Info', '<urn:x-cisco-remotecc:callinfo>;x-cisco-video-traffic-class=DESKTOP')]
        if rpid:
            h.append(('Remote-Party-ID', rpid))
    if sess:
        h.append(('Session-ID', sess))
    if code > 100 and v.method == 'INVITE':
        h += [('Record-Route', None), ('Contact', contact)]
    if body:
        h.append(('Content-Type', 'application/sdp'))
    m = Msg('SIP/2.0 %d %s' % (code, reason), 'cucm', h, body)
    m.via = list(v.via)
    if code > 100 and v.method == 'INVITE':
        m.rr = list(v.rr)
    return m


def exp_resp(v, code, reason, sess_remote, tag=None, warning=None, server=SERVER_EXP):
    h = [('Server', server)]
    if warning:
        h.append(('Warning', warning))
    h.append(('Session-ID', '%s;remote=%s' % (ZEROS, sess_remote)))
    return response(v, code, reason, 'exp', hdrs=h, to_tag=tag)


def contact_uri(m):
    return uri_of(m.get('Contact'))


# --- inbound: Webex -> E -> B2BUA -> E -> C -> CUCM ------------------------------------

CALLER_W = ('Jonathan Robb', 'jorobb@dmzlab.call.ciscospark.com')
CALLEE_ONPREM = ('Paul Stojanovski', 'pstojano-test@rtp.ciscotac.net', '5012')


def inbound(cs, t, strip=False, c_reject=False, big=False, hangup='cucm',
            reason='Q.850;cause=16', ring=2400, talk=9000, decoy=False, on_ringing=None):
    r = cs.rnd
    E, C = cs.E, cs.C
    cname, caller = CALLER_W
    pname, callee, dn = CALLEE_ONPREM
    callid = r.hexs(32) + '@127.0.0.1'
    wtag = r.digits(9)
    sess_w, sess_u = r.hexs(32), r.cucm_session()
    P1, P2, P3, TAG = r.uuid(), r.uuid(), r.uuid(), r.uuid()
    W = Addr(None, WX73, r.randint(33000, 60999))
    E5062 = Addr('E', E_OUT, 5062)
    EPB = Addr('E', E_OUT, r.randint(25000, 25499))
    BOUT = Addr(None, E_OUT, 5073)
    BIN = Addr(None, E_IN, r.randint(40000, 45999))
    EP5061 = Addr('E', E_IN, 5061)
    E7003 = Addr('E', E_IN, 7003)
    CT = Addr('C', C_IP, cs.trav_port)
    CU = Addr('C', C_IP, r.randint(25500, 25999))
    UCM = Addr(None, CUCM_IP, 5065)
    UCLI = Addr(None, CUCM_IP, r.randint(40000, 55999))
    C5060 = Addr('C', C_IP, 5060)
    nodes = [
        Node('webex'),
        Node('proxy', 'E', P1, via_down='SIP/2.0/TLS %s:5061;egress-zone=%s' % (E_NAT, Z_DEF),
             via_up='SIP/2.0/TLS %s:5062;egress-zone=%s' % (E_NAT, Z_WXDNS), zone_up=Z_WXDNS,
             zone_down=Z_DEF, selfroutes=('@%s:5062' % E_NAT,)),
        Node('b2bua', ip_up=E_OUT, ip_down=E_IN, media_up=E_NAT, media_down=E_IN,
             mbase=r.randint(18000, 18400) * 2),
        Node('proxy', 'E', P2, via_down='SIP/2.0/TLS %s:7003;egress-zone=%s' % (E_IN, Z_TRAV),
             via_up='SIP/2.0/TLS %s:5061;egress-zone=%s' % (E_IN, Z_DEF), zone_up=Z_DEF,
             zone_down=Z_TRAV),
        Node('proxy', 'C', P3, via_down='SIP/2.0/TCP %s:5060;egress-zone=%s' % (C_IP, Z_CUCM),
             via_up='SIP/2.0/TLS %s:5061;egress-zone=%s' % (C_IP, Z_TRAV), zone_up=Z_TRAV,
             zone_down=Z_CUCM, media=(C_IP, r.randint(24000, 24900) * 2)),
        Node('cucm')]
    hops = [Hop(W, E5062), Hop(EPB, BOUT), Hop(BIN, EP5061), Hop(E7003, CT),
            Hop(CU, UCM, rev_up=C5060, rev_down=UCLI)]
    p = Path(cs, nodes, hops, TAG)
    res = {'callid': callid, 'sess_w': sess_w, 'sess_u': sess_u}

    # Webex connects, proves who it is, and sends the INVITE.
    t = tls_accept_ok(cs, t, W) + 4
    inv = Msg('INVITE sip:%s SIP/2.0' % callee, 'webex', [
        ('Via', None), ('Call-ID', callid), ('CSeq', '1 INVITE'),
        ('Contact', WX_CONTACT + ';call-type=squared'),
        ('From', '"%s" <sip:%s>;tag=%s' % (cname, caller, wtag)), ('To', '<sip:%s>' % callee),
        ('Max-Forwards', '70'), ('Route', None),
        ('Allow', 'INVITE,ACK,CANCEL,BYE,REFER,INFO,OPTIONS,NOTIFY,SUBSCRIBE'),
        ('User-Agent', UA_L2SIP), ('Supported', 'replaces,timer'),
        ('Session-Expires', '1800;refresher=uac'), ('Min-SE', '90'),
        ('Accept', 'application/sdp'), ('Allow-Events', 'kpml'),
        ('Session-ID', '%s;remote=%s' % (sess_w, ZEROS)), ('Locus', r.locus()),
        ('Locus-Type', 'CALL'), ('Content-Type', 'application/sdp')],
        sdp_webex_offer(r.randint(16000, 16999) * 2, r.randint(17000, 17999) * 2, big=big))
    inv.via = ['SIP/2.0/TLS 192.168.5.%d:5062;branch=%s' % (r.randint(20, 250), r.wbranch()),
               'SIP/2.0/TLS 127.0.0.1:5070;branch=%s;rport=%d' % (r.lbranch(),
                                                                 r.randint(30000, 60999))]
    inv.route = ['<sip:l2sip@%s:5062;transport=tls;lr>' % E_NAT, '<sip:%s;lr>' % CLUSTER]
    p.invs[0] = inv
    t = cs.send(t, inv, W, E5062)
    res['t_invite'] = t
    v = p.view(1, inv, W, 'down')
    p.views[0] = v

    # E, first proxy leg: from the Webex DNS zone to its own B2BUA.
    leg1 = Leg(E, P1, TAG, W, 'sip:' + caller, 'sip:' + callee)
    leg1.attempted(t + 1)
    cs.send(t + 1, exp_resp(v, 100, 'Trying', sess_w), E5062, W)
    leg1.search(t + 2)
    run_search(E, t + 2, rules_e(), N_WXDNS, CLUSTER + ';lr')
    leg1.found(t + 3)
    m = p.proxy_fwd(1, v, 'down', mf=16)
    m.rr = [rr(P1, E_OUT, 5061), rr(P1, E_NAT, 5062)] + m.rr
    p.invs[1] = m
    t = cs.send(t + 4, m, EPB, BOUT)
    vb = p.view(2, m, EPB, 'down')
    p.views[1] = vb
    cs.send(t + 1, exp_resp(vb, 100, 'Trying', sess_w, server=UA_B2BUA), BOUT, EPB)

    # The B2BUA starts the second segment towards the traversal zone.
    t += r.randint(250, 330)
    m = vb.copy()
    m.style = 'exp'
    m.via = ['SIP/2.0/TLS %s:5073;branch=%s;x-cisco-local-service=nettle;rport' % (
        E_IN, r.bbranch())] + vb.via
    m.rr = []
    m.set('Contact', '<sip:%s:5073;transport=tls>%s' % (
        E_IN, '' if strip else ';call-type=squared'))
    m.set('Allow', 'INVITE,ACK,BYE,CANCEL,INFO,OPTIONS,REFER,SUBSCRIBE,NOTIFY')
    m.set('User-Agent', UA_B2BUA)
    m.set('Min-SE', '500')
    m.remove('Accept').remove('Allow-Events')
    m.body = sdp_anchor(vb.body, E_IN, nodes[2].mbase, origin=0)
    p.invs[2] = m
    t = cs.send(t, m, BIN, EP5061)
    v = p.view(3, m, BIN, 'down')
    p.views[2] = v

    # E, second proxy leg: to the traversal zone.
    leg2 = Leg(E, P2, TAG, BIN, 'sip:' + caller, 'sip:' + callee)
    leg2.attempted(t + 1)
    cs.send(t + 1, exp_resp(v, 100, 'Trying', sess_w), EP5061, BIN)
    leg2.search(t + 2)
    leg2.found(t + 2)
    if decoy:
        E.decoy(t + 3, v, E.legptr(v))
    m = p.proxy_fwd(3, v, 'down', mf=15)
    m.rr = [rr(P2, E_IN, 7003), rr(P2, E_IN, 5061)] + m.rr
    p.invs[3] = m
    t = cs.send(t + 4, m, E7003, CT)
    v = p.view(4, m, E7003, 'down')
    p.views[3] = v

    # Expressway-C
    leg3 = Leg(C, P3, TAG, E7003, 'sip:' + caller, 'sip:' + callee)
    leg3.attempted(t + 1)
    legs = {1: leg1, 3: leg2, 4: leg3}

    def rejected_up(k, ta, x):
        if k in (1, 3):
            legs[k].rejected(ta + 1, x.code, x.start.split(' ', 2)[2])

    if c_reject:
        # Preloaded SIP routes support is Off on the traversal client zone:
        # the INVITE with its Route header is refused before any search.
        leg3.search(t + 1)
        leg3.not_found(t + 2, 'Not Found', 'Policy Response')
        leg3.rejected(t + 2, 404, 'Not Found')
        rej = exp_resp(v, 404, 'Not Found', sess_w, tag=r.hexs(16),
                       warning='399 %s:5061 "Policy Response"' % C_IP)
        t, _ = p.resp_up(t + 3, 3, rej, on_node=rejected_up)
        res['t_end'] = t
        return res
    cs.send(t + 1, exp_resp(v, 100, 'Trying', sess_w), CT, E7003)
    leg3.search(t + 2)
    cpl(C, t + 3, E7003, '<routed>')
    cpl(C, t + 3, E7003, '<location clear="yes" url="sip:%s;lr" diversion="" '
        'dest-url-for-message="sip:%s" sip-route-set="" dest-service=""> added sip:%s;lr to '
        'location set' % (CLUSTER, callee, CLUSTER))
    cpl(C, t + 3, E7003, '<proxy stop-on-busy="no" timeout="0"/>')
    run_search(C, t + 3, rules_c(), N_TRAV, CLUSTER + ';lr')
    leg3.found(t + 4)
    tcp(C, t + 5, CU, UCM, 'TCP Connecting')
    tcp(C, t + 6, CU, UCM, 'TCP Connection Established')
    m = p.proxy_fwd(4, v, 'down', mf=14)
    m.rr = [rr(P3, C_IP, 5060, 'tcp'), rr(P3, C_IP, 5061)] + m.rr
    p.invs[4] = m
    if decoy:
        C.decoy(t + 7, m, C.legptr(m))
    t = cs.send(t + 8, m, CU, UCM)

    if big:
        # Unified CM drops anything over its SIP Max Incoming Message Size
        # (5000 bytes) and resets the connection; nothing ever answers.
        assert len(m.render().encode()) > 5000, len(m.render().encode())
        tcp(C, t + 2, CU, UCM, 'TCP Connection Closed', 'Got EOF on socket')
        t2 = t + 4000 + r.randint(0, 400)
        cu2 = Addr('C', C_IP, CU.port + r.randint(3, 40))
        tcp(C, t2, cu2, UCM, 'TCP Connecting')
        tcp(C, t2 + 1, cu2, UCM, 'TCP Connection Established')
        ta = cs.send(t2 + 2, m, cu2, UCM)
        tcp(C, ta + 2, cu2, UCM, 'TCP Connection Closed', 'Got EOF on socket')
        t3 = t + 32000 + r.randint(0, 30)
        leg3.not_found(t3, 'Request Timeout')
        leg3.rejected(t3, 408, 'Request Timeout')
        rej = exp_resp(p.views[3], 408, 'Request Timeout', sess_w, tag=r.hexs(16))
        t, _ = p.resp_up(t3 + 1, 3, rej, on_node=rejected_up)
        res['t_end'] = t
        return res

    vu = p.view(5, m, CU, 'down')
    p.views[4] = vu
    ctag = r.cucm_tag()
    contact = '<sip:%s@%s:5065;transport=tcp>;video;audio' % (dn, CUCM_IP)
    rpid = '"%s" <sip:%s@rtp.ciscotac.net>;party=called;screen=no;privacy=off' % (pname, dn)
    cs.send(t + 3, cucm_resp(vu, 100, 'Trying', t, sess='%s;remote=%s' % (ZEROS, sess_w)),
            UCM, CU)
    t += 45
    r180 = cucm_resp(vu, 180, 'Ringing', t, tag=ctag, sess='%s;remote=%s' % (sess_u, sess_w),
                     contact=contact, rpid=rpid)
    res['t_cucm180'] = t
    if on_ringing:
        on_ringing(t, t + ring)
    tr, _ = p.resp_up(t, 4, r180)
    t += ring
    body = sdp_cucm_answer(r.randint(300000, 599999), r.randint(12000, 12499) * 2,
                           r.randint(12500, 12999) * 2)
    r200 = cucm_resp(vu, 200, 'OK', t, tag=ctag, sess='%s;remote=%s' % (sess_u, sess_w),
                     contact=contact, rpid=rpid, body=body)
    res['t_answer'] = t
    t, out = p.resp_up(t, 4, r200, on_node=lambda k, ta, rr_: legs[k].connected(ta + 1)
                       if k in legs else None)

    # Webex acknowledges on the first segment, the B2BUA on the second.
    ok0 = out[0]
    ack = Msg('ACK %s SIP/2.0' % contact_uri(ok0), 'webex', [
        ('Via', None), ('Call-ID', callid), ('CSeq', '1 ACK'), ('From', ok0.get('From')),
        ('To', ok0.get('To')), ('Max-Forwards', '70'), ('Route', None),
        ('User-Agent', UA_L2SIP)])
    ack.via = ['SIP/2.0/TLS %s;branch=%s' % (inv.via[0].split()[1].split(';')[0], r.wbranch()),
               'SIP/2.0/TLS 127.0.0.1:5070;branch=%s;rport=%d' % (r.lbranch(),
                                                                 r.randint(30000, 60999))]
    ack.route = list(reversed(ok0.rr))
    ta, _, _, _ = p.request(t + 41, 0, 'down', ack)
    ok2 = out[2]
    ack2 = Msg('ACK %s SIP/2.0' % contact_uri(ok2), 'exp', [
        ('Via', None), ('Call-ID', callid), ('CSeq', '1 ACK'), ('From', ok2.get('From')),
        ('To', ok2.get('To')), ('Max-Forwards', '70'), ('Route', None),
        ('User-Agent', UA_B2BUA), ('Session-ID', '%s;remote=%s' % (sess_w, sess_u))])
    ack2.via = ['SIP/2.0/TLS %s:5073;branch=%s;x-cisco-local-service=nettle;rport' % (
        E_IN, r.bbranch())]
    ack2.route = list(reversed(ok2.rr))
    ta, _, _, _ = p.request(ta + 3, 2, 'down', ack2)

    # Hang up.
    t = ta + talk
    if hangup == 'cucm':
        bye = Msg('BYE %s SIP/2.0' % contact_uri(p.views[3]), 'cucm', [
            ('Via', None), ('From', vu.get('To') + ';tag=' + ctag),
            ('To', vu.get('From')), ('Date', fmt_http(t)), ('Call-ID', callid),
            ('User-Agent', UA_CUCM), ('Max-Forwards', '70'), ('Route', None),
            ('P-Asserted-Identity', '"%s" <sip:%s@rtp.ciscotac.net>' % (pname, dn)),
            ('CSeq', '101 BYE'), ('Reason', reason),
            ('Session-ID', '%s;remote=%s' % (sess_u, sess_w))])
        bye.via = ['SIP/2.0/TCP %s:5065;branch=%s' % (CUCM_IP, r.cbranch())]
        bye.route = list(vu.rr)
        ta, _, vb2, sent = p.request(t, 5, 'up', bye)
        for k, _, _, _, tt in sent:
            if k in legs:
                legs[k].disconnected(tt + 1)
        ok = response(vb2, 200, 'OK', 'exp', hdrs=[
            ('Server', UA_B2BUA), ('Session-ID', '%s;remote=%s' % (sess_w, sess_u))])
        p.respond(ta + 2, sent, ok)
        bye2 = Msg('BYE %s SIP/2.0' % WX_TARGET, 'exp', [
            ('Via', None), ('Call-ID', callid), ('CSeq', '101 BYE'),
            ('From', p.views[1].get('To') + ';tag=' + p.btag), ('To', p.views[1].get('From')),
            ('Max-Forwards', '70'), ('Route', None), ('User-Agent', UA_B2BUA),
            ('Reason', reason), ('Session-ID', '%s;remote=%s' % (sess_u, sess_w))])
        bye2.via = ['SIP/2.0/TLS %s:5073;branch=%s;x-cisco-local-service=nettle;rport' % (
            E_OUT, r.bbranch())]
        bye2.route = list(p.views[1].rr)
        ta, _, vw, sent = p.request(ta + 5, 2, 'up', bye2)
        for k, _, _, _, tt in sent:
            if k in legs:
                legs[k].disconnected(tt + 1)
        ok = webex_resp(vw, 200, 'OK', sess='%s;remote=%s' % (sess_w, sess_u))
        t = p.respond(ta + 3, sent, ok)
    else:
        # Webex hangs up on the first segment; the B2BUA carries it on.
        bye = Msg('BYE %s SIP/2.0' % contact_uri(ok0), 'webex', [
            ('Via', None), ('Call-ID', callid), ('CSeq', '2 BYE'), ('From', ok0.get('From')),
            ('To', ok0.get('To')), ('Max-Forwards', '70'), ('Route', None),
            ('User-Agent', UA_L2SIP), ('Reason', reason),
            ('Session-ID', '%s;remote=%s' % (sess_w, sess_u))])
        bye.via = ['SIP/2.0/TLS %s;branch=%s' % (inv.via[0].split()[1].split(';')[0],
                                                 r.wbranch()),
                   'SIP/2.0/TLS 127.0.0.1:5070;branch=%s;rport=%d' % (r.lbranch(),
                                                                     r.randint(30000, 60999))]
        bye.route = list(reversed(ok0.rr))
        ta, _, vb2, sent = p.request(t, 0, 'down', bye)
        for k, _, _, _, tt in sent:
            if k + 1 in legs:
                legs[k + 1].disconnected(tt + 1)
        ok = response(vb2, 200, 'OK', 'exp', hdrs=[
            ('Server', UA_B2BUA), ('Session-ID', '%s;remote=%s' % (sess_u, sess_w))])
        p.respond(ta + 2, sent, ok)
        bye2 = Msg('BYE %s SIP/2.0' % contact_uri(ok2), 'exp', [
            ('Via', None), ('Call-ID', callid), ('CSeq', '2 BYE'), ('From', ok2.get('From')),
            ('To', ok2.get('To')), ('Max-Forwards', '70'), ('Route', None),
            ('User-Agent', UA_B2BUA), ('Reason', reason),
            ('Session-ID', '%s;remote=%s' % (sess_w, sess_u))])
        bye2.via = ['SIP/2.0/TLS %s:5073;branch=%s;x-cisco-local-service=nettle;rport' % (
            E_IN, r.bbranch())]
        bye2.route = list(reversed(ok2.rr))
        ta, _, vu2, sent = p.request(ta + 5, 2, 'down', bye2)
        for k, _, _, _, tt in sent:
            if k + 1 in legs:
                legs[k + 1].disconnected(tt + 1)
        ok = cucm_resp(vu2, 200, 'OK', ta, sess='%s;remote=%s' % (sess_u, sess_w))
        t = p.respond(ta + 2, sent, ok)
    res['t_end'] = t
    return res


# --- outbound: CUCM -> C -> E -> B2BUA -> E -> Webex -----------------------------------

CALLER_U = ('Jonathan Robb', '5010@rtp.ciscotac.net')
CALLEE_W = 'pstojano-test@dmzlab.call.ciscospark.com'


def outbound(cs, t, audio='g722', fail=None, reason='Q.850;cause=16', talk=8000, decoy=False,
             caller=CALLER_U, callee=CALLEE_W, sess_u=None, cancel_at=None, ucli=None,
             ring=1800):
    r = cs.rnd
    E, C = cs.E, cs.C
    cname, caller_uri = caller
    dn = caller_uri.split('@')[0]
    callid = r.cucm_callid()
    ctag = r.cucm_tag()
    sess_u = sess_u or r.cucm_session()
    sess_w = r.hexs(32)
    P3, P1, P2, TAG = r.uuid(), r.uuid(), r.uuid(), r.uuid()
    UCLI = ucli or Addr(None, CUCM_IP, r.randint(40000, 55999))
    C5060 = Addr('C', C_IP, 5060)
    CT = Addr('C', C_IP, cs.trav_port)
    E7003 = Addr('E', E_IN, 7003)
    EPB = Addr('E', E_IN, r.randint(25000, 25499))
    BIN = Addr(None, E_IN, 5073)
    BOUT = Addr(None, E_OUT, r.randint(40000, 45999))
    EP5061 = Addr('E', E_OUT, 5061)
    EWX = Addr('E', E_OUT, r.randint(25500, 25999))
    nodes = [
        Node('cucm'),
        Node('proxy', 'C', P3, via_down='SIP/2.0/TLS %s:5061;egress-zone=%s' % (C_IP, Z_TRAV),
             via_up='SIP/2.0/TCP %s:5060;egress-zone=%s' % (C_IP, Z_CUCM), zone_up=Z_CUCM,
             zone_down=Z_TRAV, media=(C_IP, r.randint(24000, 24900) * 2)),
        Node('proxy', 'E', P1, via_down='SIP/2.0/TLS %s:5061;egress-zone=%s' % (E_IN, Z_DEF),
             via_up='SIP/2.0/TLS %s:7003;egress-zone=%s' % (E_IN, Z_TRAV), zone_up=Z_TRAV,
             zone_down=Z_DEF),
        Node('b2bua', ip_up=E_IN, ip_down=E_OUT, media_up=E_IN, media_down=E_NAT,
             mbase=r.randint(18000, 18400) * 2),
        Node('proxy', 'E', P2, via_down='SIP/2.0/TLS %s:5062;egress-zone=%s' % (E_NAT, Z_WXDNS),
             via_up='SIP/2.0/TLS %s:5061;egress-zone=%s' % (E_OUT, Z_DEF), zone_up=Z_DEF,
             zone_down=Z_WXDNS),
        Node('webex')]
    hops = [Hop(UCLI, C5060), Hop(CT, E7003), Hop(EPB, BIN), Hop(BOUT, EP5061), None]
    p = Path(cs, nodes, hops, TAG)
    res = {'callid': callid, 'sess_u': sess_u, 'sess_w': sess_w}

    inv = Msg('INVITE sip:%s SIP/2.0' % callee, 'cucm', [
        ('Via', None), ('From', '"%s" <sip:%s>;tag=%s' % (cname, caller_uri, ctag)),
        ('To', '<sip:%s>' % callee), ('Date', fmt_http(t)), ('Call-ID', callid),
        ('Supported', 'timer,resource-priority,replaces,X-cisco-srtp-fallback,'
                      'X-cisco-original-called'),
        ('Min-SE', '1800'), ('User-Agent', UA_CUCM),
        ('Allow', 'INVITE,OPTIONS,INFO,BYE,CANCEL,ACK,PRACK,UPDATE,REFER,SUBSCRIBE,NOTIFY'),
        ('CSeq', '101 INVITE'), ('Expires', '180'), ('Allow-Events', 'presence'),
        ('Call-Info', '<urn:x-cisco-remotecc:callinfo>;x-cisco-video-traffic-class=DESKTOP'),
        ('Session-ID', '%s;remote=%s' % (sess_u, ZEROS)), ('Cisco-Guid', r.cisco_guid()),
        ('Session-Expires', '1800'),
        ('Remote-Party-ID', '"%s" <sip:%s>;party=calling;screen=yes;privacy=off' % (
            cname, caller_uri)),
        ('Contact', '<sip:%s@%s:5065;transport=tcp>;video;audio' % (dn, CUCM_IP)),
        ('Max-Forwards', '70'), ('Content-Type', 'application/sdp')],
        sdp_cucm_offer(r.randint(300000, 599999), r.randint(12000, 12499) * 2,
                       r.randint(12500, 12999) * 2, audio))
    inv.via = ['SIP/2.0/TCP %s:5065;branch=%s' % (CUCM_IP, r.cbranch())]
    p.invs[0] = inv
    t = cs.send(t, inv, UCLI, C5060)
    res['t_invite'] = t
    v = p.view(1, inv, UCLI, 'down')
    p.views[0] = v

    # Expressway-C
    legc = Leg(C, P3, TAG, UCLI, 'sip:' + caller_uri, 'sip:' + callee, proto='TCP')
    legc.attempted(t + 1)
    cs.send(t + 1, exp_resp(v, 100, 'Trying', sess_u), C5060, UCLI)
    legc.search(t + 2)
    run_search(C, t + 2, rules_c(), Z_CUCM, callee)
    legc.found(t + 3)
    m = p.proxy_fwd(1, v, 'down', mf=15)
    m.rr = [rr(P3, C_IP, 5061), rr(P3, C_IP, 5060, 'tcp')] + m.rr
    p.invs[1] = m
    if decoy:
        C.decoy(t + 4, m, C.legptr(m))
    t = cs.send(t + 5, m, CT, E7003)
    v = p.view(2, m, CT, 'down')
    p.views[1] = v

    # Expressway-E, first proxy leg
    lege = Leg(E, P1, TAG, CT, 'sip:' + caller_uri, 'sip:' + callee)
    lege.attempted(t + 1)
    cs.send(t + 1, exp_resp(v, 100, 'Trying', sess_u), E7003, CT)
    legs = {1: legc, 2: lege}

    def c_fail(k, ta, resp):
        if k in legs and resp.code >= 300:
            legs[k].rejected(ta + 1, resp.code, resp.start.split(' ', 2)[2])

    if fail == 'cpl':
        # Call Policy runs before the search rules: no search lines at all.
        for line in ('<routed>', '<rule-switch> ',
                     '<rule unauthenticated-origin=".*" destination=".*@dmzlab\\.call\\.ciscospark'
                     '\\.com.*" message-regex=""> matched', '<reject/>'):
            cpl(E, t + 3, CT, line)
        lege.not_found(t + 4, 'Forbidden', 'Policy Response')
        lege.rejected(t + 4, 403, 'Forbidden')
        rej = exp_resp(v, 403, 'Forbidden', sess_u, tag=r.hexs(16),
                       warning='399 %s:7003 "Policy Response"' % E_IN)
        t, _ = p.resp_up(t + 5, 1, rej, on_node=lambda k, ta, x: legc.rejected(ta + 1, 403,
                                                                                'Forbidden')
                         if k == 1 else None)
        res['t_end'] = t
        return res

    lege.search(t + 2)
    target = run_search(E, t + 2, rules_e(shadowed=fail == 'shadow'), N_TRAV, callee)
    t += 3
    dom = callee.split('@')[1]
    if target == 'DNS':
        # The generic DNS zone looks up the callee's own domain: nothing.
        for name, typ, dt in ((dom, 'NAPTR', 14), ('_sips._tcp.' + dom, 'SRV', 2400),
                              ('_sip._tcp.' + dom, 'SRV', 2400), ('_sip._udp.' + dom, 'SRV', 2400),
                              (dom, 'A', 2400)):
            dns(E, t, 'Sending DNS query', ' Name="%s" Type="%s (IPv4 and IPv6)"' % (name, typ))
            t += dt
            dns(E, t, 'Could not resolve hostname')
        t += 310
        lege.not_found(t, 'Not Found', 'Policy Response')
        lege.rejected(t, 404, 'Not Found')
        rej = exp_resp(v, 404, 'Not Found', sess_u, tag=r.hexs(16),
                       warning='399 %s:7003 "Policy Response"' % E_IN)
        t, _ = p.resp_up(t + 1, 1, rej, on_node=lambda k, ta, x: legc.rejected(ta + 1, 404,
                                                                                'Not Found')
                         if k == 1 else None)
        res['t_end'] = t
        return res

    if fail == 'srv':
        # No "Modify DNS request": the SRV of the callee's domain points to 5061.
        dns(E, t, 'Sending DNS query', ' Name="%s" Type="NAPTR (IPv4 and IPv6)"' % dom)
        t += 153
        dns(E, t, 'Sending DNS query', ' Name="_sips._tcp.%s" Type="SRV (IPv4 and IPv6)"' % dom)
        t += 77
        dns(E, t, "Resolved hostname to: ['IPv4''TCP''%s:5061'] (A/AAAA)  "
            "Hostname:'l2sip-cfa-01.wbx2.com' Port:'5061' Priority:'5' TTL:'300' Weight:'10' "
            "(SRV) Number of relevant records retrieved: 2" % WX64)
        targets = [(WX64, 5061)]
    else:
        t = dns_callservice(cs, t)
        targets = [(WX70, 5062), (WX64, 5062)]
    lege.found(t + 1)

    # to the B2BUA and back
    m = p.proxy_fwd(2, v, 'down', mf=14)
    m.rr = [rr(P1, E_IN, 5061), rr(P1, E_IN, 7003)] + m.rr
    p.invs[2] = m
    t = cs.send(t + 2, m, EPB, BIN)
    vb = p.view(3, m, EPB, 'down')
    p.views[2] = vb
    cs.send(t + 1, exp_resp(vb, 100, 'Trying', sess_u, server=UA_B2BUA), BIN, EPB)
    t += r.randint(260, 340)
    m = vb.copy()
    m.style = 'exp'
    m.via = ['SIP/2.0/TLS %s:5073;branch=%s;x-cisco-local-service=nettle;rport' % (
        E_OUT, r.bbranch())] + vb.via
    m.rr = []
    for h in ('Call-Info', 'Cisco-Guid', 'Expires', 'Date', 'Allow-Events'):
        m.remove(h)
    m.set('Remote-Party-ID', '"%s" <sip:%s>;privacy=off;screen=no;party=calling' % (
        cname, caller_uri))
    m.set('Contact', '<sip:%s:5073;transport=tls>;video;audio' % E_OUT)
    m.set('Max-Forwards', '15')
    m.set('Allow', 'INVITE,ACK,BYE,CANCEL,INFO,OPTIONS,REFER,SUBSCRIBE,NOTIFY')
    m.set('User-Agent', UA_B2BUA)
    m.set('Supported', 'X-cisco-srtp-fallback,replaces,timer')
    m.set('Session-Expires', '1800;refresher=uac')
    m.set('Min-SE', '500')
    m.body = sdp_anchor(vb.body, E_NAT, nodes[3].mbase, origin=0)
    p.invs[3] = m
    t = cs.send(t, m, BOUT, EP5061)
    v = p.view(4, m, BOUT, 'down')
    p.views[3] = v
    lege2 = Leg(E, P2, TAG, BOUT, 'sip:' + caller_uri, 'sip:' + callee)
    lege2.attempted(t + 1)
    legs[4] = lege2
    cs.send(t + 1, exp_resp(v, 100, 'Trying', sess_u), EP5061, BOUT)
    t += 3
    if decoy:
        E.decoy(t, v, E.legptr(v))

    # Reach Webex.
    if fail in ('srv', 'tcp', 'tls', 'hang'):
        port = EWX.port
        for ip, dport in targets:
            src = Addr('E', E_OUT, port)
            dst = Addr(None, ip, dport)
            tcp(E, t, src, dst, 'TCP Connecting')
            if fail == 'hang':
                res['t_end'] = t + 8000     # the logs were stopped before any outcome
                return res
            if fail == 'tls':
                tcp(E, t + 40, src, dst, 'TCP Connection Established')
                ssl(E, t + 41, 'INFO', 1974, '::ttssl_continueHandshake',
                    ' Detail="Handshake in progress" Reason="want read/write"')
                t += 41 + r.randint(150, 260)
                ssl(E, t, 'ERROR', 68, '::TTSSLErrorOutput',
                    "TTSSL_continueHandshake: Failed to establish SSL connection iResult=\"-1\" "
                    "error=\"5\" bServer=\"false\" localAddress=\"['IPv4''TCP''%s:%d']\" "
                    "remoteAddress=\"['IPv4''TCP''%s:%d']\"" % (E_OUT, port, ip, dport))
                E.ev(t, 'Outbound TLS Negotiation Error', [
                    ('Service', 'SIP'), ('Src-ip', E_OUT), ('Src-port', str(port)), ('Dst-ip', ip),
                    ('Dst-port', str(dport)),
                    ('Detail', 'No SSL error available, probably remote disconnect'),
                    ('Protocol', 'TLS'), ('Common-name', 'callservice.ciscospark.com')])
                tcp(E, t, src, dst, 'TCP Connection Closed', 'Got EOF on socket')
                t += 3
            else:
                t += 10000 + r.randint(100, 200)
                tcp(E, t, src, dst, 'TCP Connection Failed', level='ERROR')
                t += 2
            port += r.randint(1, 6)
        code, why = {'srv': (504, 'Server Time-out'), 'tcp': (408, 'Request Timeout'),
                     'tls': (503, 'Service Unavailable')}[fail]
        lege2.rejected(t, code, why)
        rej = exp_resp(p.views[3], code, why, sess_u, tag=r.hexs(16))
        t, _ = p.resp_up(t + 1, 3, rej, on_node=lambda k, ta, x: legs[k].rejected(ta + 1, code, why)
                         if k in (1, 2) else None)
        res['t_end'] = t
        return res

    wx_ip = targets[0][0]
    WXA = Addr(None, wx_ip, 5062)
    p.hops[4] = Hop(EWX, WXA)
    t = tls_connect_ok(cs, t, EWX, WXA)
    m = p.proxy_fwd(4, v, 'down', mf=14)
    m.rr = [rr(P2, E_NAT, 5062), rr(P2, E_OUT, 5061)] + m.rr
    p.invs[4] = m
    t = cs.send(t + 1, m, EWX, WXA)
    vw = p.view(5, m, EWX, 'down')
    p.views[4] = vw
    wtag = r.digits(10)
    locus = r.locus()
    cs.send(t + 4, webex_resp(vw, 100, 'Trying', sess='%s;remote=%s' % (ZEROS, sess_u)), WXA,
            EWX)
    t += 180
    ws = '%s;remote=%s' % (sess_w, sess_u)
    r180 = webex_resp(vw, 180, 'Ringing', tag=wtag, rrs=[WX_RR] + vw.rr, sess=ws, locus=locus)
    t, _ = p.resp_up(t, 4, r180)

    if cancel_at:
        # The call was answered elsewhere: CUCM cancels this fork hop by hop.
        t = max(t + 5, cancel_at)
        why = 'SIP;cause=200;text="Call completed elsewhere"'
        for k in range(5):
            h = p.hops[k]
            c = cancel_for(p.invs[k], nodes[k].kind, why)
            ta = cs.send(t, c, h.up, h.down)
            vc = p.view(k + 1, c, h.up, 'down')
            if nodes[k + 1].kind == 'webex':
                ok = webex_resp(vc, 200, 'OK', tag=wtag)
            elif nodes[k + 1].kind == 'b2bua':
                ok = response(vc, 200, 'OK', 'exp', hdrs=[('Server', UA_B2BUA)],
                              to_tag=p.btag)
            else:
                ok = response(vc, 200, 'OK', 'exp', hdrs=[('Server', SERVER_EXP)],
                              to_tag=r.hexs(16))
            cs.send(ta + 1, ok, h.down, h.up)
            t = ta + 2
        t += 38
        r487 = webex_resp(vw, 487, 'Request Terminated', tag=wtag, sess=ws)
        t, _ = p.resp_up(t, 4, r487)
        res['t_end'] = t
        return res

    t += ring
    body = sdp_webex_answer(r.randint(16000, 16999) * 2, r.randint(17000, 17999) * 2, audio)
    r200 = webex_resp(vw, 200, 'OK', tag=wtag, rrs=[WX_RR] + vw.rr, sess=ws, body=body,
                      locus=locus)
    t, out = p.resp_up(t, 4, r200, on_node=lambda k, ta, x: legs[k].connected(ta + 1)
                       if k in legs else None)

    ok0 = out[0]
    ack = Msg('ACK %s SIP/2.0' % contact_uri(ok0), 'cucm', [
        ('Via', None), ('From', ok0.get('From')), ('To', ok0.get('To')), ('Date', fmt_http(t)),
        ('Call-ID', callid), ('User-Agent', UA_CUCM), ('Max-Forwards', '70'), ('Route', None),
        ('CSeq', '101 ACK'), ('Allow-Events', 'presence'), ('Session-ID', '%s;remote=%s' % (
            sess_u, sess_w))])
    ack.via = ['SIP/2.0/TCP %s:5065;branch=%s' % (CUCM_IP, r.cbranch())]
    ack.route = list(reversed(ok0.rr))
    ta, _, _, _ = p.request(t + 3, 0, 'down', ack)
    ok3 = out[3]
    ack2 = Msg('ACK %s SIP/2.0' % contact_uri(ok3), 'exp', [
        ('Via', None), ('Call-ID', callid), ('CSeq', '101 ACK'), ('From', ok3.get('From')),
        ('To', ok3.get('To')), ('Max-Forwards', '70'), ('Route', None),
        ('User-Agent', UA_B2BUA), ('Session-ID', '%s;remote=%s' % (sess_u, sess_w))])
    ack2.via = ['SIP/2.0/TLS %s:5073;branch=%s;x-cisco-local-service=nettle;rport' % (
        E_OUT, r.bbranch())]
    ack2.route = list(reversed(ok3.rr))
    ta, _, _, _ = p.request(ta + 2, 3, 'down', ack2)

    # CUCM hangs up (cause 47 when it found no common audio codec).
    t = ta + talk
    bye = Msg('BYE %s SIP/2.0' % contact_uri(ok0), 'cucm', [
        ('Via', None), ('From', ok0.get('From')), ('To', ok0.get('To')), ('Date', fmt_http(t)),
        ('Call-ID', callid), ('User-Agent', UA_CUCM), ('Max-Forwards', '70'), ('Route', None),
        ('CSeq', '102 BYE'), ('Reason', reason),
        ('Session-ID', '%s;remote=%s' % (sess_u, sess_w))])
    bye.via = ['SIP/2.0/TCP %s:5065;branch=%s' % (CUCM_IP, r.cbranch())]
    bye.route = list(reversed(ok0.rr))
    ta, _, vb2, sent = p.request(t, 0, 'down', bye)
    for k, _, _, _, tt in sent:
        if k + 1 in legs:
            legs[k + 1].disconnected(tt + 1)
    ok = response(vb2, 200, 'OK', 'exp', hdrs=[('Server', UA_B2BUA),
                                                ('Session-ID', '%s;remote=%s' % (sess_w, sess_u))])
    p.respond(ta + 2, sent, ok)
    bye2 = Msg('BYE %s SIP/2.0' % contact_uri(ok3), 'exp', [
        ('Via', None), ('Call-ID', callid), ('CSeq', '102 BYE'), ('From', ok3.get('From')),
        ('To', ok3.get('To')), ('Max-Forwards', '70'), ('Route', None), ('User-Agent', UA_B2BUA),
        ('Reason', reason), ('Session-ID', '%s;remote=%s' % (sess_u, sess_w))])
    bye2.via = ['SIP/2.0/TLS %s:5073;branch=%s;x-cisco-local-service=nettle;rport' % (
        E_OUT, r.bbranch())]
    bye2.route = list(reversed(ok3.rr))
    ta, _, vw2, sent = p.request(ta + 4, 3, 'down', bye2)
    for k, _, _, _, tt in sent:
        if k + 1 in legs:
            legs[k + 1].disconnected(tt + 1)
    ok = webex_resp(vw2, 200, 'OK', sess=ws)
    res['t_end'] = p.respond(ta + 30, sent, ok)
    return res


# --- mutual TLS failures seen on the Expressway-E alone ----------------------------------

def tls_inbound_fail(cs, t, kind, src_ip):
    E = cs.E
    r = cs.rnd
    w = Addr(None, src_ip, r.randint(33000, 60999))
    e = Addr('E', E_OUT, 5062)
    tcp(E, t, w, e, 'TCP Connecting')
    tcp(E, t, w, e, 'TCP Connection Established')
    t += r.randint(60, 580)
    ssl(E, t, 'INFO', 1974, '::ttssl_continueHandshake',
        ' Detail="Handshake in progress" Reason="want read/write"')
    t += r.randint(14, 300)
    ev = [('Service', 'SIP'), ('Src-ip', w.ip), ('Src-port', str(w.port)), ('Dst-ip', E_OUT),
          ('Dst-port', '5062')]
    if kind == 'untrusted':
        d = 'self signed certificate in certificate chain'
        E.ev(t, 'Inbound TLS Negotiation Error', ev + [('Detail', d), ('Protocol', 'TLS')])
        ssl(E, t, 'ERROR', 68, '::TTSSLErrorOutput',
            "TTSSL_continueHandshake: Failed to establish SSL connection iResult=\"-1\" error=\"1\" "
            "bServer=\"true\" localAddress=\"['IPv4''TCP''%s:5062']\" "
            "remoteAddress=\"['IPv4''TCP''%s:%d']\" ssl_error_reason=\"error:14089086:SSL "
            "routines:ssl3_get_client_certificate:certificate verify failed\"" % (
                E_OUT, w.ip, w.port))
        tcp(E, t, w, e, 'TCP Connection Closed', d)
    elif kind == 'identity':
        ssl(E, t - 1, 'DEBUG', 1960, '::ttssl_continueHandshake', ' Detail="Handshake succeeded"')
        webex_cert_lines(E, t - 1)
        webex_classify(E, t, ok=False)
        d = "Peer's TLS certificate identity was unacceptable"
        E.ev(t, 'Inbound TLS Negotiation Error', ev + [('Detail', d), ('Protocol', 'TLS')])
        tcp(E, t, w, e, 'TCP Connection Closed', d)
    elif kind == 'certunknown':
        d = 'sslv3 alert certificate unknown'
        E.ev(t, 'Inbound TLS Negotiation Error', ev + [('Detail', d), ('Protocol', 'TLS')])
        ssl(E, t, 'DEBUG', 1997, '::ttssl_continueHandshake',
            ' Detail="Handshake Failed" Reason="want error ssl"')
        ssl(E, t, 'ERROR', 68, '::TTSSLErrorOutput',
            "TTSSL_continueHandshake: Failed to establish SSL connection iResult=\"0\" error=\"1\" "
            "bServer=\"true\" localAddress=\"['IPv4''TCP''%s:5062']\" "
            "remoteAddress=\"['IPv4''TCP''%s:%d']\" ssl_error_reason=\"error:14094416:SSL "
            "routines:ssl3_read_bytes:sslv3 alert certificate unknown\"" % (E_OUT, w.ip, w.port))
        tcp(E, t, w, e, 'TCP Connection Closed', 'Got EOF on socket')
    return t


# --- the cases ----------------------------------------------------------------------------

def finish(cs, t0, t1, n=None):
    """Keepalives every 5 s around the call, and some background noise."""
    span = t1 - t0 + 2300
    n = n or max(2, min(4, span // 5000 + 1))
    step = max(5000, span // n // 5000 * 5000)
    keepalives(cs, [t0 - 2300 + step * k for k in range(n)])
    for k in range(2):
        cs.mgmt(t0 - 1500 + k * (span // 2))


CASES = []


def case(name, when, skew, seed, e_only=False, note=''):
    def deco(fn):
        CASES.append((name, when, skew, seed, e_only, note, fn))
        return fn
    return deco


@case('healthy-inbound', (2017, 9, 19, 18, 1, 46, 61), 350, 101,
      note='Webex -> E -> C -> CUCM call with SDP, ringing, answer, ACK, BYE from CUCM '
           '(cause 16); C clock 350 ms ahead of E.')
def c_healthy_in(cs, t):
    res = inbound(cs, t, decoy=True)
    cs.xconf_e, cs.xconf_c = xconfig_e(), xconfig_c()
    return res


@case('healthy-outbound', (2017, 9, 19, 14, 18, 34, 912), -12, 102,
      note='CUCM -> C -> E -> Webex call: SRV _sips._tcp.callservice.ciscospark.com, TLS to '
           '146.20.193.70:5062, G.722 offer, 200 OK, ACK, BYE from CUCM (cause 16).')
def c_healthy_out(cs, t):
    res = outbound(cs, t, decoy=True)
    cs.xconf_e, cs.xconf_c = xconfig_e(), xconfig_c()
    return res


@case('contact-param-stripped', (2017, 9, 19, 18, 1, 44, 480), 23, 103,
      note='Inbound call completes, but the INVITE the E sends to the C lacks ;call-type=squared '
           '(traversal server zone ParameterPreservation Off): the double-toast symptom.')
def c_strip(cs, t):
    res = inbound(cs, t, strip=True, decoy=True)
    cs.xconf_e, cs.xconf_c = xconfig_e('preservation'), xconfig_c()
    return res


@case('preloaded-route-rejected', (2017, 9, 19, 18, 16, 13, 204), 6, 104,
      note='Inbound INVITE with Route: <sip:cucm.rtp.ciscotac.net;lr> refused by the C at once '
           'with 404 "Policy Response", no search (traversal client zone PreloadedSipRoutes '
           'Accept Off).')
def c_preloaded(cs, t):
    res = inbound(cs, t, c_reject=True)
    cs.xconf_e, cs.xconf_c = xconfig_e(), xconfig_c('preloaded')
    return res


@case('cpl-reject', (2017, 9, 25, 20, 54, 43, 690), -31, 105,
      note='Outbound call refused by the E with 403 Forbidden: a local CPL rule with source and '
           'destination swapped matches and rejects; no search rule runs.')
def c_cpl(cs, t):
    res = outbound(cs, t, fail='cpl')
    cs.xconf_e, cs.xconf_c = xconfig_e('cpl'), xconfig_c()
    return res


@case('webex-srv-wrong-domain', (2017, 9, 19, 17, 18, 50, 540), 17, 106,
      note='Outbound: the Webex DNS zone looks up _sips._tcp.dmzlab.call.ciscospark.com (DNS '
           'override Off), gets port 5061, TCP to 146.20.193.64:5061 fails; 504 back to CUCM.')
def c_srv(cs, t):
    res = outbound(cs, t, fail='srv')
    cs.xconf_e, cs.xconf_c = xconfig_e('override'), xconfig_c()
    return res


@case('tcp-connect-failed', (2017, 9, 21, 13, 40, 12, 118), 44, 107,
      note='Outbound: correct SRV lookup (port 5062) but TCP to 146.20.193.70:5062 and then '
           '146.20.193.64:5062 fails (firewall); 408 back to CUCM.')
def c_tcp(cs, t):
    res = outbound(cs, t, fail='tcp')
    cs.xconf_e = xconfig_e()
    return res


@case('tls-untrusted-ca', (2017, 9, 20, 14, 49, 18, 120), 0, 108, e_only=True,
      note='E only: Webex connects to 5062 twice; the E rejects the Webex certificate chain '
           '("self signed certificate in certificate chain"). No SIP from Webex.')
def c_untrusted(cs, t):
    t1 = tls_inbound_fail(cs, t, 'untrusted', WX73)
    t1 = tls_inbound_fail(cs, t1 + 5400, 'untrusted', WX70)
    cs.xconf_e = xconfig_e()
    return {'t_end': t1}


@case('tls-identity-unacceptable', (2017, 9, 20, 15, 17, 42, 312), 0, 109, e_only=True,
      note='E only: "Peer\'s TLS certificate identity was unacceptable"; the Webex DNS zone TLS '
           'verify subject name is misspelt calllservice.ciscospark.com.')
def c_identity(cs, t):
    t1 = tls_inbound_fail(cs, t, 'identity', WX73)
    t1 = tls_inbound_fail(cs, t1 + 6100, 'identity', WX64)
    cs.xconf_e = xconfig_e('subject')
    return {'t_end': t1}


@case('tls-inbound-classification-off', (2017, 9, 22, 14, 9, 56, 471), 0, 110, e_only=True,
      note='E only: same log signature as tls-identity-unacceptable, but the subject name is '
           'right and TLS verify inbound mapping (InboundClassification) is Off.')
def c_inbound_off(cs, t):
    t1 = tls_inbound_fail(cs, t, 'identity', WX70)
    t1 = tls_inbound_fail(cs, t1 + 4800, 'identity', WX73)
    cs.xconf_e = xconfig_e('inbound')
    return {'t_end': t1}


@case('tls-cert-unknown', (2017, 9, 26, 12, 18, 8, 426), 0, 111, e_only=True,
      note='E only: Webex rejects the E\'s certificate ("sslv3 alert certificate unknown"), '
           'the connection ends with "Got EOF on socket".')
def c_certunknown(cs, t):
    t1 = tls_inbound_fail(cs, t, 'certunknown', WX73)
    t1 = tls_inbound_fail(cs, t1 + 5200, 'certunknown', WX64)
    cs.xconf_e = xconfig_e()
    return {'t_end': t1}


@case('tls-remote-disconnect', (2017, 9, 27, 18, 31, 37, 905), 0, 112, e_only=True,
      note='E only: outbound call; TCP to Webex 5062 is established but the TLS handshake is '
           'cut ("No SSL error available, probably remote disconnect") on both targets; 503.')
def c_remote_disc(cs, t):
    res = outbound(cs, t, fail='tls')
    cs.xconf_e = xconfig_e()
    return res


@case('sdp-codec-mismatch', (2017, 9, 19, 14, 46, 10, 431), -8, 113,
      note='Outbound early offer with G.729 only; Webex answers m=audio 0 (audio refused); CUCM '
           'ACKs and hangs up at once with Reason: Q.850 ;cause=47.')
def c_codec(cs, t):
    return outbound(cs, t, audio='g729', reason='Q.850 ;cause=47', talk=95)


@case('cucm-message-too-large', (2017, 9, 28, 13, 5, 19, 650), 28, 114,
      note='Inbound INVITE of more than 5000 bytes; CUCM resets the TCP connection twice and '
           'never answers; the C times out and sends 408 back toward Webex.')
def c_big(cs, t):
    return inbound(cs, t, big=True)


@case('no-final-response', (2017, 9, 29, 16, 2, 7, 333), -19, 115,
      note='Outbound INVITE: the E answers 100 Trying and is still connecting to Webex when the '
           'logs end; no final response anywhere.')
def c_nofinal(cs, t):
    return outbound(cs, t, fail='hang')


@case('search-rule-shadowed', (2017, 9, 25, 15, 26, 2, 959), 12, 116,
      note='Outbound: the catch-all rule "to DNS" (priority 100, Stop) is considered before '
           '"Webex Hybrid - to Webex Cloud" (101); dmzlab.call.ciscospark.com does not resolve; '
           'the E sends 404.')
def c_shadow(cs, t):
    res = outbound(cs, t, fail='shadow')
    cs.xconf_e, cs.xconf_c = xconfig_e('shadow'), xconfig_c()
    return res


@case('q850-cause', (2017, 9, 30, 19, 12, 40, 77), 3, 117,
      note='Inbound call that connects normally; Webex hangs up with Reason: Q.850;cause=31.')
def c_q850(cs, t):
    return inbound(cs, t, hangup='webex', reason='Q.850;cause=31', talk=6400)


@case('session-id-legs', (2017, 10, 2, 13, 44, 21, 508), -27, 118,
      note='Inbound call (Call-ID A) while CUCM forks the Webex RD leg back out (Call-ID B, '
           'new tag and serials) with the caller\'s Session-ID; the desk phone answers, the '
           'fork is cancelled (487). Only the Session-ID links the two legs.')
def c_session(cs, t):
    state = {}

    def fork(t180, tans):
        ucli = Addr(None, CUCM_IP, cs.rnd.randint(40000, 55999))
        state['leg2'] = (t180 + 37, tans + 2, ucli)
    res = inbound(cs, t, ring=3100, on_ringing=fork)
    t2, tc, ucli = state['leg2']
    outbound(cs, t2, caller=CALLER_W, callee=CALLEE_W, sess_u=res['sess_w'], cancel_at=tc,
             ucli=ucli)
    cs.xconf_e, cs.xconf_c = xconfig_e(), xconfig_c()
    return res


@case('mtls-not-listening', (2017, 9, 19, 14, 0, 3, 250), 9, 119,
      note='Inbound calls never ring: for two minutes neither log shows a TCP connection, TLS '
           'handshake or SIP message from Webex, only the keepalives between C and E. Mutual '
           'TLS mode is Off on the E, so nothing listens on 5062 (easily taken for a firewall).')
def c_mtls(cs, t):
    cs.xconf_e, cs.xconf_c = xconfig_e('mtls'), xconfig_c()
    return {'t_end': t + 120000}


EXPECT = {
    'healthy-inbound': 'none',
    'healthy-outbound': 'none',
    'contact-param-stripped': 'contact-param-stripped, xconfig-parameter-preservation-off',
    'preloaded-route-rejected': 'preloaded-route-rejected, xconfig-preloaded-routes-off',
    'cpl-reject': 'cpl-reject',
    'webex-srv-wrong-domain': 'webex-srv-wrong-domain, xconfig-dns-override-off',
    'tcp-connect-failed': 'tcp-connect-failed',
    'tls-untrusted-ca': 'tls-untrusted-ca',
    'tls-identity-unacceptable': 'tls-identity-unacceptable, xconfig-tls-subject-name',
    'tls-inbound-classification-off': 'tls-identity-unacceptable, '
                                      'xconfig-inbound-classification-off',
    'tls-cert-unknown': 'tls-cert-unknown',
    'tls-remote-disconnect': 'tls-remote-disconnect',
    'sdp-codec-mismatch': 'sdp-codec-mismatch, q850-cause',
    'cucm-message-too-large': 'cucm-message-too-large',
    'no-final-response': 'no-final-response',
    'search-rule-shadowed': 'xconfig-search-rule-shadowed',
    'q850-cause': 'q850-cause',
    'session-id-legs': 'none (the two Call-IDs are one call, joined by Session-ID)',
    'mtls-not-listening': 'xconfig-mtls-off',
}


def readme(built):
    out = ['# examples', '',
           'Expressway-E / Expressway-C diagnostic logs (X8.10, X8.9+ framing) for each case of '
           'the Webex Hybrid Call Service Connect troubleshooting guide, with healthy twins. '
           'Every file here is generated by `tests/tools/mkexamples.py` and checked by '
           '`tests/tools/checkexamples.py`; edit the generator, not the files.', '',
           'Topology: Expressway-E `%s` (outside %s, NAT %s, inside %s, traversal server port '
           '7003, B2BUA on 5073); Expressway-C `%s` (%s, traversal client); Unified CM %s:5065 '
           '(TCP); Webex L2SIP %s, %s, %s port 5062.' % (
               E_NAME, E_OUT, E_NAT, E_IN, C_NAME, C_IP, CUCM_IP, WX64, WX70, WX73), '',
           'Run `xwtrace list examples/<case>/` or `xwtrace diagnose examples/<case>/`.', '',
           '| case | files | what it shows | `xwtrace diagnose` should report |',
           '|---|---|---|---|']
    for cs in built:
        if hasattr(cs, 'files'):    # mkscenarios.py's examples: varied names and addresses
            files = [f.rsplit('.', 1)[0].replace('expressway-', '').upper() for f in cs.files]
            out.append('| `%s` | %s | %s | %s |' % (cs.name, ', '.join(files), cs.note,
                                                   cs.expect_text))
            continue
        files = ['E'] + ([] if cs.e_only else ['C'])
        files += ['xconfig-e'] if cs.xconf_e else []
        files += ['xconfig-c'] if cs.xconf_c else []
        out.append('| `%s` | %s | %s | %s |' % (cs.name, ', '.join(files), cs.note,
                                               EXPECT[cs.name]))
    out += ['',
            'Details that are there on purpose:', '',
            '- Messages between the two Expressways appear in both logs with identical text '
            '(Sent on one side, Received on the other); Msg-Hash values are per host.',
            '- The E logs its own hops to its B2BUA (port 5073 on 172.16.2.2 and 192.168.1.6); '
            'the B2BUA keeps Call-ID, From tag, Vias and Session-ID but answers with its own '
            'To-tag, Contact and SDP.',
            '- Webex writes Via and Record-Route comma-joined on one line; the Expressways '
            'write one header per value.',
            '- healthy-inbound, healthy-outbound and contact-param-stripped E/C logs contain '
            'developer.sip.leg dumps of a SIP message without `SIPMSG:` framing: they are not '
            'messages.',
            '- OPTIONS keepalives from the C to the E (port 7003) run through every log pair.',
            '- The C clock is 350 ms ahead of the E in healthy-inbound; the other pairs are '
            'within 50 ms.',
            '- In session-id-legs the CANCEL carries `Reason: SIP;cause=200;text="Call '
            'completed elsewhere"`, which is not a Q.850 cause.',
            '- The B2B zones and rule 5 ("Spark outbound (old)", disabled) in the xConfiguration '
            'dumps are not on the Webex path; their Off settings are not faults.',
            '- cucm-message-too-large contains a retransmission of the INVITE to CUCM on a new '
            'TCP connection.',
            '- The cases after mkexamples.py\'s own come from tests/tools/mkscenarios.py '
            '(fixed seeds): each site has its own names and addresses, its Expressways are '
            'proxies without a B2BUA where the case does not need one, and the Webex zone '
            'settings are those of the flows. `make check` runs that generator on more seeds '
            '(tests/sh/scenarios.sh).', '']
    return '\n'.join(out)


def build(outdir):
    built = []
    for name, when, skew, seed, e_only, note, fn in CASES:
        cs = Case(name, ms_of(*when[:6]) + when[6], skew, seed, e_only=e_only, note=note)
        t0 = cs.start
        res = fn(cs, t0)
        finish(cs, t0, res.get('t_end', t0 + 5000))
        d = os.path.join(outdir, name)
        if os.path.isdir(d):
            for f in os.listdir(d):
                os.unlink(os.path.join(d, f))
        cs.write(outdir)
        built.append(cs)
    # the busy-site cases of mkscenarios.py (a module of its own: it patches the
    # topology of its copy of this one)
    sys.path.insert(0, HERE)
    import mkscenarios
    built += mkscenarios.examples(outdir)
    with open(os.path.join(outdir, 'README.md'), 'w', newline='\n') as f:
        f.write(readme(built))
    return built


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(TOP, 'examples'))
    ap.add_argument('--no-check', action='store_true')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    built = build(a.out)
    for cs in built:
        print('%-32s E %3d msgs%s' % (cs.name, cs.E.nsip,
                                      '' if cs.e_only else ', C %3d msgs' % cs.C.nsip))
    if not a.no_check:
        sys.path.insert(0, HERE)
        import checkexamples
        return checkexamples.main([a.out])
    return 0


if __name__ == '__main__':
    sys.exit(main())
