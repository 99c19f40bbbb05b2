#!/usr/bin/env python3
"""mkscenarios.py - generate busy, untidy Expressway log scenarios with the
calls and findings xwtrace must report for each.

mkexamples.py writes one case of the troubleshooting guide per directory on
a fixed topology. This generator writes the shapes a busy site produces:
many overlapping calls with mixed failures and keepalives, two calls where
one fails (so that evidence must be tied to the right one), forks, every
common in-dialog request, multipart bodies, Reason variants, delayed offer,
INFO-only logs, logs cut in the middle of a call, a cluster of two
Expressway-Cs and two Expressway-Es, IPv6. Names, addresses, timings and
orderings come from the seed.

Each scenario is a directory with its logs and expect.json:
  {"name": ..., "logs": [file names], "calls": [
      {"call_id": ..., "method": ..., "final_status": ..., "from": ...,
       "findings": [ids the call must carry], "may": [ids it may carry],
       "ambiguous": [ids that may instead be a connection finding naming it
                     among its candidates]}],
   "ncalls": number of calls that are not keepalives,
   "host_findings": [ids allowed on no call], "retrans": arrows expected to be
   retransmissions, "machines": {address: kind}}
A call listed with no findings and no "may" is healthy: it must carry none.
tests/tools/checkscenarios.py runs xwtrace on them (also with duplicated,
compressed and overlapping copies of the logs, and with the files in another
order) and checks every statement.

Usage: tests/tools/mkscenarios.py --seed N --out DIR [--only NAME,...]
"""

import argparse
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mkexamples as X  # noqa: E402  (the message and log rendering)

# --- topology -------------------------------------------------------------------

# mkexamples' globals that make its topology; each scenario sets its own.
TOPO_KEYS = ('E_NAME', 'C_NAME', 'E_OUT', 'E_NAT', 'E_IN', 'C_IP', 'CUCM_IP', 'WX64', 'WX70',
             'WX73', 'WEBEX_IPS', 'WX_MEDIA', 'PHONE_IP', 'CLUSTER', 'LOCALDOMAINS',
             'CALLER_W', 'CALLEE_ONPREM', 'CALLER_U', 'CALLEE_W')
ORIG = {k: getattr(X, k) for k in TOPO_KEYS}

FIRST = ['ana', 'bo', 'chen', 'dara', 'eli', 'farid', 'gita', 'hugo', 'ines', 'jun', 'kofi',
         'lena', 'mateo', 'nia', 'omar', 'priya', 'quinn', 'rosa', 'sven', 'tara', 'uma',
         'vik', 'wen', 'xavi', 'yara', 'zane']
LAST = ['smith', 'okafor', 'nguyen', 'garcia', 'kowalski', 'tanaka', 'dubois', 'rossi',
        'silva', 'ahmed', 'larsen', 'murphy']
SITES = ['amer', 'emea', 'apac', 'lon', 'nyc', 'sjc', 'fra', 'syd', 'tor', 'blr']


def v4_private(r, net=None):
    net = net or '%d.%d.%d' % (r.choice([10, 172, 192]), r.randint(16, 31), r.randint(1, 250))
    if net.startswith('192'):
        net = '192.168.%d' % r.randint(1, 250)
    return net, '%s.%d' % (net, r.randint(2, 250))


class Topo:
    """One site: names and addresses, applied to mkexamples' globals."""

    def __init__(self, r):
        site = r.choice(SITES)
        dom = r.choice(['corp', 'acme', 'globex', 'initech', 'umbrella', 'hooli'])
        self.domain = '%s.%s' % (dom, r.choice(['com', 'net', 'org', 'co.uk']))
        self.org = r.choice(['acme', 'globex', 'hooli', 'dmzlab', 'contoso']) + \
            str(r.randint(1, 99))
        self.webex_dom = '%s.call.ciscospark.com' % self.org
        net, self.c_ip = v4_private(r)
        self.e_in = '%s.%d' % (net, r.randint(2, 250))
        while self.e_in == self.c_ip:
            self.e_in = '%s.%d' % (net, r.randint(2, 250))
        self.cucm_ip = '%s.%d' % (net, r.randint(2, 250))
        while self.cucm_ip in (self.c_ip, self.e_in):
            self.cucm_ip = '%s.%d' % (net, r.randint(2, 250))
        self.e_out = '172.%d.%d.%d' % (r.randint(16, 31), r.randint(0, 255), r.randint(2, 250))
        self.e_nat = '%d.%d.%d.%d' % (r.choice([64, 66, 80, 203]), r.randint(1, 250),
                                      r.randint(0, 255), r.randint(2, 250))
        base = '%d.%d.%d' % (r.choice([146, 170, 62]), r.choice([20, 72, 109]),
                             r.randint(1, 250))
        self.webex = ['%s.%d' % (base, x) for x in r.sample(range(2, 250), 3)]
        self.e_name = '%s-exp%s%02d' % (site, r.choice(['e', '-edge-', 'e-']), r.randint(1, 40))
        self.c_name = '%s-exp%s%02d' % (site, r.choice(['c', '-core-', 'c-']), r.randint(1, 40))
        self.cluster = 'cucm%d.%s' % (r.randint(1, 9), self.domain)
        self.r = r

    def person(self, onprem):
        r = self.r
        f, l = r.choice(FIRST), r.choice(LAST)
        name = '%s %s' % (f.capitalize(), l.capitalize())
        if onprem:
            return name, '%s.%s@%s' % (f, l, self.domain), str(r.randint(2000, 8999))
        return name, '%s.%s@%s' % (f, l, self.webex_dom)

    def apply(self):
        X.E_NAME, X.C_NAME = self.e_name, self.c_name
        X.E_OUT, X.E_NAT, X.E_IN, X.C_IP = self.e_out, self.e_nat, self.e_in, self.c_ip
        X.CUCM_IP = self.cucm_ip
        X.WX64, X.WX70, X.WX73 = self.webex
        X.WEBEX_IPS = tuple(self.webex)
        X.WX_MEDIA = self.webex[0].rsplit('.', 1)[0] + '.109'
        X.PHONE_IP = self.cucm_ip.rsplit('.', 1)[0] + '.77'
        X.CLUSTER = self.cluster
        X.LOCALDOMAINS = self.domain.replace('.', r'\.')
        X.CALLER_W = self.person(False)
        n, u, dn = self.person(True)
        X.CALLEE_ONPREM = (n, u, dn)
        X.CALLER_U = (n, '%s@%s' % (dn, self.domain))
        X.CALLEE_W = self.person(False)[1]


def restore_topology():
    for k, v in ORIG.items():
        setattr(X, k, v)


def hostport(ip, port):
    return '[%s]:%d' % (ip, port) if ':' in ip else '%s:%d' % (ip, port)


def hostonly(ip):
    return '[%s]' % ip if ':' in ip else ip


# --- logs that keep only part of what they see -------------------------------------


class InfoOnlyLog(X.HostLog):
    """A log at INFO level: the summary line of each message, no SIPMSG block."""

    def sip(self, t, action, local, remote, m):
        keep = self.entries
        self.entries = []
        X.HostLog.sip(self, t, action, local, remote, m)
        infos = [e for e in self.entries if 'Level="INFO"' in e[2] and 'network.sip' in e[2]]
        self.entries = keep + infos


class MutedLog(X.HostLog):
    """A log that stops recording before `start` (a download cut in time)."""

    def __init__(self, *a, start=0, **k):
        X.HostLog.__init__(self, *a, **k)
        self.start = start

    def write(self, path):
        self.entries = [e for e in self.entries if e[0] >= self.start + self.skew]
        X.HostLog.write(self, path)


# --- a site with logs -----------------------------------------------------------------


class PortRnd(X.Rnd):
    """mkexamples' randomness, but an ephemeral port (a draw from a wide range
    above 20000) is never drawn twice in a site: a host does not reuse a local
    port while a connection on it may still be open, and the next few ports
    (a flow's later attempts) stay free too."""

    def __init__(self, seed):
        X.Rnd.__init__(self, seed)
        self.used = set()

    def randint(self, a, b):
        v = X.Rnd.randint(self, a, b)
        if a < 20000 or b - a < 400:
            return v
        for _ in range(200):   # a narrow range may fill up: then reuse
            if not any(p in self.used for p in range(v - 6, v + 7)):
                break
            v = X.Rnd.randint(self, a, b)
        self.used.add(v)
        return v



class Site:
    """A Case of mkexamples (its flows need one) with any number of logs."""

    def __init__(self, name, seed, t0, topo, e_skew=0, c_skew=None, e_only=False):
        self.name = name
        self.topo = topo
        topo.apply()
        self.cs = X.Case(name, t0, 0 if c_skew is None else c_skew, seed, e_only=e_only)
        self.cs.rnd = PortRnd(seed)
        self.cs.rnd.used.add(self.cs.trav_port)
        self.cs.E.skew = e_skew
        self.rnd = self.cs.rnd
        self.t0 = t0
        self.logs = [('expressway-e.log', self.cs.E)]
        if not e_only:
            self.logs.append(('expressway-c.log', self.cs.C))
        self.calls = []
        self.host_findings = set()
        self.retrans = 0
        self.machines = {}
        self.notes = []

    def log(self, fname, lg):
        self.logs.append((fname, lg))
        return lg

    def expect(self, call_id, method='INVITE', final=None, findings=(), may=(), ambiguous=(),
               frm=None, extra=None):
        c = {'call_id': call_id, 'method': method, 'final_status': final,
             'findings': sorted(set(findings)), 'may': sorted(set(may)),
             'ambiguous': sorted(set(ambiguous))}
        if frm is not None:
            c['from'] = frm
        if extra:
            c.update(extra)
        self.calls.append(c)
        return c

    def write(self, outdir, expect=True):
        d = os.path.join(outdir, self.name)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        names = []
        for fname, lg in self.logs:
            lg.write(os.path.join(d, fname))
            names.append(fname)
        for fname, text in (('xconfig-e.txt', self.cs.xconf_e), ('xconfig-c.txt', self.cs.xconf_c)):
            if text is not None:
                with open(os.path.join(d, fname), 'w', newline='\n') as f:
                    f.write(text)
                names.append(fname)
        self.files = names
        if not expect:
            return
        exp = {'name': self.name, 'logs': names, 'calls': self.calls,
               'ncalls': len(self.calls), 'host_findings': sorted(self.host_findings),
               'retrans': self.retrans, 'machines': self.machines, 'notes': self.notes}
        with open(os.path.join(d, 'expect.json'), 'w') as f:
            json.dump(exp, f, indent=1, sort_keys=True)
            f.write('\n')


# --- a small SIP engine: a chain of proxies between two user agents ------------------


class Node:
    """A SIP element on a call's path: kind 'ua' or 'proxy', the HostLog of the
    host that logs it (None: not logged), its User-Agent/Server, and for an
    Expressway proxy the zones it takes calls from and to."""

    def __init__(self, kind, log=None, agent=None, zone_in=None, zone_out=None):
        self.kind, self.log, self.agent = kind, log, agent
        self.zone_in, self.zone_out = zone_in, zone_out


class Chain:
    """One dialog across nodes[0] (caller) .. nodes[-1] (callee). conns[k] is
    the connection between nodes k and k+1: (address of k, address of k+1,
    transport); the caller side of a hop need not be the one that opened it."""

    def __init__(self, site, nodes, conns, caller, callee, call_id=None):
        self.site, self.nodes, self.conn = site, nodes, conns
        r = site.rnd
        self.r = r
        self.caller, self.callee = caller, callee
        self.call_id = call_id or '%s@%s' % (r.hexs(24), hostonly(conns[0][0].ip))
        self.from_tag = r.hexs(10)
        self.cseq = {0: r.randint(1, 200), len(nodes) - 1: r.randint(1, 200)}
        self.serial = {i: r.uuid() for i, n in enumerate(nodes) if n.kind == 'proxy'}
        self.tag = r.uuid()
        self.sess = {0: r.hexs(32), len(nodes) - 1: r.hexs(32)}
        self.route_set = []
        self.legs = {}
        self.dialog_tag = None

    # where a message crosses
    def xmit(self, t, m, k, forward):
        """Sends m across hop k (forward: toward the callee); returns arrival."""
        a, b, _ = self.conn[k]
        src, dst = (a, b) if forward else (b, a)
        srcn = self.nodes[k] if forward else self.nodes[k + 1]
        dstn = self.nodes[k + 1] if forward else self.nodes[k]
        lat = 1 if srcn.log and dstn.log else self.r.randint(2, 30)
        if srcn.log is not None:
            srcn.log.sip(t, 'Sent', src, dst, m)
        ta = t + lat
        if dstn.log is not None:
            dstn.log.sip(ta, 'Received', dst, src, m)
        return ta

    def via_of(self, i, forward):
        n = self.nodes[i]
        k = i if forward else i - 1          # the hop it sends on
        a, b, tr = self.conn[k]
        me = a if forward else b
        port = me.port if n.kind == 'ua' else (5060 if tr in ('TCP', 'UDP') else 5061)
        v = 'SIP/2.0/%s %s;branch=%s' % (tr, hostport(me.ip, port), self.r.pbranch())
        if n.kind == 'proxy':
            zone = n.zone_out if forward else n.zone_in
            v += ';egress-zone=%s;proxy-call-id=%s;rport' % (zone or 'DefaultZone',
                                                             self.serial[i])
        return v

    def me(self, i, forward):
        """Node i's address on the hop it sends on toward forward."""
        k = i if forward else i - 1
        return self.conn[k][0] if forward else self.conn[k][1]

    def party(self, end):
        """(From, To) as written by end 0 or -1 for requests it sends."""
        me, other = (self.caller, self.callee) if end == 0 else (self.callee, self.caller)
        mt, ot = (self.from_tag, self.dialog_tag) if end == 0 else (self.dialog_tag, self.from_tag)
        f = '"%s" <sip:%s>;tag=%s' % (me[0], me[1], mt) if mt else '"%s" <sip:%s>' % me
        to = '<sip:%s>' % other[1] + (';tag=%s' % ot if ot else '')
        return f, to

    def request(self, t, method, end=0, body=None, ctype='application/sdp', hdrs=(),
                cseq=None, to_tag=None, ruri=None, events=False, proc=3, stop=None):
        """Sends a request from end 0 (caller) or -1 (callee) to the other end,
        through every proxy; returns (arrival time, per-hop copies)."""
        forward = end == 0
        i = 0 if forward else len(self.nodes) - 1
        last = (len(self.nodes) - 1 if forward else 0) if stop is None else stop
        if cseq is None:
            self.cseq[i] += 1 if method not in ('ACK', 'CANCEL') else 0
            cseq = self.cseq[i]
        f, to = self.party(i)
        if to_tag is not None:
            to = to.split(';tag=')[0] + ';tag=' + to_tag
        first = method == 'INVITE' and self.dialog_tag is None
        uri = ruri or 'sip:%s' % (self.callee[1] if forward else self.caller[1])
        h = [('Via', None), ('Call-ID', self.call_id), ('CSeq', '%d %s' % (cseq, method)),
             ('Contact', '<sip:%s;transport=%s>' % (hostport(self.me(i, forward).ip,
                                                              self.me(i, forward).port),
                                                     self.conn[i if forward else i - 1][2].lower())),
             ('From', f), ('To', to), ('Max-Forwards', '70'), ('Route', None)]
        if self.nodes[i].agent:
            h.append(('User-Agent', self.nodes[i].agent))
        h += list(hdrs)
        h.append(('Session-ID', '%s;remote=%s' % (self.sess[i], self.sess.get(
            len(self.nodes) - 1 - i, X.ZEROS) if not first else X.ZEROS)))
        if body:
            h.append(('Content-Type', ctype))
        m = X.Msg('%s %s SIP/2.0' % (method, uri), 'exp', h, body)
        m.via = [self.via_of(i, forward)]
        if not first and self.route_set:
            m.route = list(self.route_set) if forward else list(reversed(self.route_set))
        copies = []
        step = 1 if forward else -1
        while True:
            k = i if forward else i - 1
            ta = self.xmit(t, m, k, forward)
            copies.append((k, m, ta, forward))
            i += step
            n = self.nodes[i]
            if i == last or n.kind != 'proxy':
                return ta, copies
            if first and events:
                self.leg_events(i, ta, m)
            t = ta + proc
            m = m.copy()
            m.via = [self.via_of(i, forward)] + m.via
            m.route = [x for x in m.route if self.serial[i] not in x]
            if m.get('Max-Forwards'):
                m.set('Max-Forwards', str(int(m.get('Max-Forwards')) - 1))
            if first:
                me = self.me(i, True)
                m.rr = ['<sip:proxy-call-id=%s@%s;transport=tls;lr>' % (
                    self.serial[i], hostport(me.ip, 5061))] + m.rr
                if not m.get('X-TAATag'):
                    m.set('X-TAATag', self.tag)

    def leg_events(self, i, t, m):
        """The Call Attempted / Search lines a logged proxy writes for an INVITE."""
        n = self.nodes[i]
        if n.log is None:
            return
        k = i - 1
        src = self.conn[k][0]
        leg = X.Leg(n.log, self.serial[i], self.tag, src, 'sip:' + self.caller[1],
                    'sip:' + self.callee[1], proto=self.conn[k][2])
        self.legs[i] = leg
        leg.attempted(t + 1)
        leg.search(t + 1)
        X.search_lines(n.log, t + 2, [('Route to %s' % (n.zone_out or 'next'),
                                       (n.zone_out or 'Zone', str(self.r.randint(1, 99))))],
                       self.callee[1])
        leg.found(t + 2)

    def respond(self, t, copies, code, reason, to_tag=None, body=None, hdrs=(), proc=2,
                ctype='application/sdp'):
        """Sends a response to the request whose per-hop copies are given,
        from the far end of the last hop back to the first; returns its
        arrival time at the request's sender."""
        k, _, _, fwd = copies[-1]
        far = self.nodes[k + 1] if fwd else self.nodes[k]
        if far.kind == 'ua' and far.agent and not any(n == 'Server' for n, _ in hdrs):
            hdrs = list(hdrs) + [('Server', far.agent.split(' MediationServer')[0]
                                  .replace('RTCC/', 'RTC/'))]
        for idx in range(len(copies) - 1, -1, -1):
            k, req, _, fwd = copies[idx]
            h = list(hdrs)
            if body:
                h.append(('Content-Type', ctype))
            resp = X.response(req, code, reason, 'exp', hdrs=h, to_tag=to_tag, body=body,
                              copy_rr=100 < code < 300 and req.method == 'INVITE')
            t = self.xmit(t, resp, k, not fwd) + (proc if idx else 0)
        return t

    def hop_acks(self, t, copies, to_tag):
        """The hop-by-hop ACKs of a non-2xx final response."""
        for k, req, _, fwd in copies:
            to = req.get('To') + (';tag=' + to_tag if to_tag and ';tag=' not in req.get('To')
                                  else '')
            fake = X.Msg('SIP/2.0 400 x', 'exp', [('To', to)])
            self.xmit(t + 1, X.ack_for(req, fake, 'proxy'), k, fwd)
        return t + 2

    def cancel(self, t, copies, reason=None):
        """CANCEL hop by hop, each answered 200 by the next element."""
        for k, req, _, fwd in copies:
            c = X.cancel_for(req, 'proxy', reason)
            ta = self.xmit(t, c, k, fwd)
            ok = X.response(c, 200, 'OK', 'exp', to_tag=self.r.hexs(8))
            self.xmit(ta + 1, ok, k, not fwd)
            t = ta + 3
        return t

    def proxy_events(self, what, t, code=None, reason=None):
        for i, leg in sorted(self.legs.items()):
            if what == 'connected':
                leg.connected(t + i)
            elif what == 'rejected':
                leg.rejected(t + i, code, reason)
            elif what == 'disconnected':
                leg.disconnected(t + i)


SDP_G722 = 'g722'


def sdp(ip, port, codecs=('G722', 'PCMU'), direction='sendrecv', video=True, vport=None,
        sess=None, ver=1):
    pts = {'G722': 9, 'PCMU': 0, 'PCMA': 8, 'G729': 18, 'OPUS': 114, 'MP4A-LATM': 101}
    fam = 'IP6' if ':' in ip else 'IP4'
    s = ['v=0', 'o=- %d %d IN %s %s' % (sess or 12345, ver, fam, ip), 's=-',
         'c=IN %s %s' % (fam, ip), 't=0 0']
    if port == 0:
        s.append('m=audio 0 RTP/SAVP %s' % ' '.join(str(pts[c]) for c in codecs))
    else:
        s.append('m=audio %d RTP/SAVP %s 101' % (port, ' '.join(str(pts[c]) for c in codecs)))
        for c in codecs:
            if c in ('OPUS', 'MP4A-LATM'):
                s.append('a=rtpmap:%d %s/%s' % (pts[c], 'opus' if c == 'OPUS' else c,
                                                 '48000/2' if c == 'OPUS' else '90000'))
            else:
                s.append('a=rtpmap:%d %s/8000' % (pts[c], c))
        s += ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', X.crypto(1),
              'a=%s' % direction]
    if video:
        s += ['m=video %d RTP/SAVP 126' % (vport or (port + 2 if port else 0)),
              'a=rtpmap:126 H264/90000', 'a=%s' % direction]
    return s


def multipart(boundary, parts):
    """A multipart/mixed body from (content type, lines) parts."""
    out = []
    for ct, lines in parts:
        out += ['--' + boundary, 'Content-Type: ' + ct, ''] + list(lines)
    out.append('--' + boundary + '--')
    return out


PIDF = ['<?xml version="1.0" encoding="UTF-8"?>',
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:x@example.com">',
        '<tuple id="t1"><status><basic>open</basic></status></tuple></presence>']


# --- paths ------------------------------------------------------------------------------

UA_CUCM = 'Cisco-CUCM14.0'


def A(log, ip, port):
    return X.Addr(log, ip, port)


def out_path(site, E=..., C=..., wx=None, T=None, trav=None, cucm_agent=UA_CUCM):
    """CUCM -> C -> E -> Webex, both Expressways proxies (no B2BUA)."""
    T = T or site.topo
    r = site.rnd
    E = site.cs.E if E is ... else E
    C = site.cs.C if C is ... else C
    c_ip, e_in, e_out = getattr(T, 'c_ip'), getattr(T, 'e_in'), getattr(T, 'e_out')
    nodes = [Node('ua', agent=cucm_agent), Node('proxy', C, zone_in='CUCMNeighbor',
                                                 zone_out='HybridTraversal'),
             Node('proxy', E, zone_in='HybridTraversal', zone_out='WebexHybridDNS'),
             Node('ua', agent='Cisco-L2SIP')]
    conns = [(A(None, T.cucm_ip, r.randint(30000, 60999)), A(C, c_ip, 5060), 'TCP'),
             (A(C, c_ip, trav or site.cs.trav_port), A(E, e_in, 7003), 'TLS'),
             (A(E, e_out, r.randint(25000, 29999)), A(None, wx or r.choice(T.webex), 5062),
              'TLS')]
    return nodes, conns


def in_path(site, E=..., C=..., wx=None, T=None, trav=None):
    """Webex -> E -> C -> CUCM; the C opened the traversal connection."""
    T = T or site.topo
    r = site.rnd
    E = site.cs.E if E is ... else E
    C = site.cs.C if C is ... else C
    nodes = [Node('ua', agent='Cisco-L2SIP'),
             Node('proxy', E, zone_in='WebexHybridDNS', zone_out='HybridTraversal'),
             Node('proxy', C, zone_in='HybridTraversal', zone_out='CUCMNeighbor'),
             Node('ua', agent=UA_CUCM)]
    conns = [(A(None, wx or r.choice(T.webex), r.randint(33000, 60999)), A(E, T.e_out, 5062),
              'TLS'),
             (A(E, T.e_in, 7003), A(C, T.c_ip, trav or site.cs.trav_port), 'TLS'),
             (A(C, T.c_ip, r.randint(30000, 60999)), A(None, T.cucm_ip, 5060), 'TCP')]
    return nodes, conns


def media_ip(chain, end):
    k = 0 if end == 0 else len(chain.conn) - 1
    return chain.conn[k][0].ip if end == 0 else chain.conn[k][1].ip


# --- call flows on a chain ---------------------------------------------------------------


class Flow:
    """A call on a Chain, step by step; t is its clock."""

    def __init__(self, chain, t):
        self.ch, self.t = chain, t
        self.inv = None
        self.inv_cseq = None
        self.r = chain.r

    def invite(self, body=None, hdrs=(), ctype='application/sdp', events=True):
        ch = self.ch
        self.t, self.inv = ch.request(self.t, 'INVITE', 0, body=body, hdrs=hdrs, ctype=ctype,
                                      events=events)
        self.inv_cseq = ch.cseq[0]
        self.t = ch.respond(self.t + 1, self.inv, 100, 'Trying') + 5
        return self

    def provisional(self, code=180, reason='Ringing', tag=None, body=None, hdrs=(), gap=200):
        self.t += gap
        self.t = self.ch.respond(self.t, self.inv, code, reason, to_tag=tag, body=body,
                                 hdrs=hdrs)
        return self

    def answer(self, tag=None, body=None, gap=800, hdrs=()):
        ch = self.ch
        self.t += gap
        tag = tag or self.r.hexs(10)
        self.t = ch.respond(self.t, self.inv, 200, 'OK', to_tag=tag, body=body, hdrs=hdrs)
        ch.dialog_tag = tag
        ch.route_set = list(reversed(self.inv[-1][1].rr))
        ch.proxy_events('connected', self.t)
        return self

    def ack(self, body=None):
        self.t, _ = self.ch.request(self.t + 3, 'ACK', 0, body=body, cseq=self.inv_cseq)
        return self

    def fail(self, code, reason, tag=None, hdrs=(), gap=300):
        ch = self.ch
        self.t += gap
        tag = tag or self.r.hexs(10)
        last = len(self.inv) - 1
        for idx in range(last, -1, -1):
            k, req, _, fwd = self.inv[idx]
            resp = X.response(req, code, reason, 'exp', hdrs=list(hdrs), to_tag=tag)
            ta = ch.xmit(self.t, resp, k, not fwd)
            ch.xmit(ta + 1, X.ack_for(req, resp, 'proxy'), k, fwd)
            self.t = ta + 3
        ch.proxy_events('rejected', self.t, code, reason)
        return self

    def transaction(self, method, end=0, body=None, resp_body=None, hdrs=(), gap=1000,
                    code=200, reason='OK', ctype='application/sdp', resp_hdrs=()):
        """An in-dialog request and its final response."""
        self.t += gap
        self.t, cp = self.ch.request(self.t, method, end, body=body, hdrs=hdrs, ctype=ctype)
        self.t = self.ch.respond(self.t + 2, cp, code, reason, to_tag=None, body=resp_body,
                                 hdrs=resp_hdrs)
        return self

    def reinvite(self, body, resp_body, end=0, gap=2000):
        ch = self.ch
        self.t += gap
        self.t, cp = ch.request(self.t, 'INVITE', end, body=body)
        cseq = ch.cseq[0 if end == 0 else len(ch.nodes) - 1]
        self.t = ch.respond(self.t + 2, cp, 200, 'OK', body=resp_body)
        self.t, _ = ch.request(self.t + 2, 'ACK', end, cseq=cseq)
        return self

    def bye(self, end=0, reason=None, gap=3000, reason_lines=None):
        ch = self.ch
        self.t += gap
        hdrs = []
        if reason:
            hdrs.append(('Reason', reason))
        for x in reason_lines or ():
            hdrs.append(('Reason', x))
        self.t, cp = ch.request(self.t, 'BYE', end, hdrs=hdrs)
        self.t = ch.respond(self.t + 2, cp, 200, 'OK')
        ch.proxy_events('disconnected', self.t)
        return self

    def cancel(self, reason=None, gap=1500):
        ch = self.ch
        self.t += gap
        self.t = ch.cancel(self.t, self.inv, reason)
        return self.fail(487, 'Request Terminated', gap=20)


def wx_sdp(chain, end, codecs=('G722', 'PCMU'), port=None, **k):
    return sdp(media_ip(chain, end), port if port is not None else chain.r.randint(8000, 9000) * 2,
               codecs, **k)


def simple_call(site, t, inbound=False, codecs=('G722', 'PCMU'), talk=4000, path=None,
                hangup=0, reason='Q.850;cause=16', caller=None, callee=None):
    """A healthy call on a chain; returns (chain, flow)."""
    T = site.topo
    nodes, conns = path or (in_path(site) if inbound else out_path(site))
    if inbound:
        caller = caller or T.person(False)
        callee = callee or T.person(True)[:2]
    else:
        n, u, dn = T.person(True)
        caller = caller or (n, '%s@%s' % (dn, T.domain))
        callee = callee or T.person(False)
    ch = Chain(site, nodes, conns, caller, callee)
    tag = site.rnd.hexs(10)
    f = Flow(ch, t).invite(wx_sdp(ch, 0, codecs))
    f.provisional(180, 'Ringing', tag=tag)
    f.answer(tag=tag, body=wx_sdp(ch, -1, codecs[:1]))
    f.ack()
    f.bye(end=hangup, reason=reason, gap=talk)
    return ch, f


def keepalive(site, t, c_addr, e_addr):
    """The traversal client's OPTIONS and the server's 200 OK on one connection."""
    r = site.rnd
    o = X.Msg('OPTIONS sip:%s;transport=tls SIP/2.0' % hostport(e_addr.ip, e_addr.port), 'exp', [
        ('Via', None), ('Call-ID', r.hexs(16) + '@' + hostonly(c_addr.ip)),
        ('CSeq', '%d OPTIONS' % r.randint(20000, 60000)),
        ('Contact', '<sip:%s;transport=tls>' % hostport(c_addr.ip, 5061)),
        ('From', '<sip:%s>;tag=%s' % (hostonly(c_addr.ip), r.hexs(16))),
        ('To', '<sip:%s;transport=tls>' % hostport(e_addr.ip, e_addr.port)),
        ('Max-Forwards', '0'), ('User-Agent', X.SERVER_EXP)])
    o.via = ['SIP/2.0/TLS %s;branch=%s;rport' % (hostport(c_addr.ip, 5061), r.pbranch())]
    ok = X.response(o, 200, 'OK', 'exp', to_tag=r.hexs(16), hdrs=[('Server', X.SERVER_EXP)])
    for dt, who, act, me, other, m in ((0, c_addr, 'Sent', c_addr, e_addr, o),
                                       (1, e_addr, 'Received', e_addr, c_addr, o),
                                       (2, e_addr, 'Sent', e_addr, c_addr, ok),
                                       (3, c_addr, 'Received', c_addr, e_addr, ok)):
        if who.host is not None:
            who.host.sip(t + dt, act, me, other, m)


def keepalives_every(site, t0, t1, pairs, step=5000):
    """Keepalives on each (C address, E address) pair from t0 to t1."""
    t = t0
    while t < t1:
        for c, e in pairs:
            keepalive(site, t + site.rnd.randint(0, 900), c, e)
        t += step


def trav_pair(site):
    return (A(site.cs.C, site.topo.c_ip, site.cs.trav_port), A(site.cs.E, site.topo.e_in, 7003))


# --- mkexamples' full flows (E with its B2BUA, DNS, TCP, TLS, CPL) on a varied topology --


def x_out(site, t, fail=None, audio='g722', **kw):
    """An outbound call by mkexamples' flow; returns its result dict."""
    T = site.topo
    T.apply()
    n, u, dn = T.person(True)
    caller = (n, '%s@%s' % (dn, T.domain))
    callee = T.person(False)[1]
    res = X.outbound(site.cs, t, audio=audio, fail=fail, caller=caller, callee=callee, **kw)
    res['from'] = 'sip:' + caller[1]
    return res


def x_in(site, t, **kw):
    T = site.topo
    T.apply()
    X.CALLER_W = T.person(False)
    X.CALLEE_ONPREM = T.person(True)
    res = X.inbound(site.cs, t, **kw)
    res['from'] = 'sip:' + X.CALLER_W[1]
    return res


class Wrap:
    """Replaces a function of mkexamples while a flow runs."""

    def __init__(self, name, fn):
        self.name, self.fn = name, fn

    def __enter__(self):
        self.orig = getattr(X, self.name)
        setattr(X, self.name, self.fn(self.orig))

    def __exit__(self, *a):
        setattr(X, self.name, self.orig)


def tls_cut_then_ok(site, bad_ip):
    """The first TLS connection to Webex is cut in the handshake, the next works."""
    r = site.rnd

    def make(orig):
        def fn(cs, t, src, dst):
            bad = X.Addr('E', src.ip, src.port - r.randint(1, 9))
            bd = X.Addr(None, bad_ip, 5062)
            E = cs.E
            X.tcp(E, t, bad, bd, 'TCP Connecting')
            X.tcp(E, t + 40, bad, bd, 'TCP Connection Established')
            X.ssl(E, t + 41, 'INFO', 1974, '::ttssl_continueHandshake',
                  ' Detail="Handshake in progress" Reason="want read/write"')
            t2 = t + 41 + r.randint(150, 260)
            X.ssl(E, t2, 'ERROR', 68, '::TTSSLErrorOutput',
                  "TTSSL_continueHandshake: Failed to establish SSL connection iResult=\"-1\" "
                  "error=\"5\" bServer=\"false\" localAddress=\"['IPv4''TCP''%s:%d']\" "
                  "remoteAddress=\"['IPv4''TCP''%s:%d']\"" % (bad.ip, bad.port, bd.ip, bd.port))
            E.ev(t2, 'Outbound TLS Negotiation Error', [
                ('Service', 'SIP'), ('Src-ip', bad.ip), ('Src-port', str(bad.port)),
                ('Dst-ip', bd.ip), ('Dst-port', '5062'),
                ('Detail', 'No SSL error available, probably remote disconnect'),
                ('Protocol', 'TLS'), ('Common-name', 'callservice.ciscospark.com')])
            X.tcp(E, t2, bad, bd, 'TCP Connection Closed', 'Got EOF on socket')
            return orig(cs, t2 + 3, src, dst)
        return fn
    return Wrap('tls_connect_ok', make)


def tcp_fail_then_ok(site, bad_ip):
    """The first TCP connection to Webex times out, the next works."""
    r = site.rnd

    def make(orig):
        def fn(cs, t, src, dst):
            bad = X.Addr('E', src.ip, src.port - r.randint(1, 9))
            bd = X.Addr(None, bad_ip, 5062)
            X.tcp(cs.E, t, bad, bd, 'TCP Connecting')
            t2 = t + 10000 + r.randint(100, 200)
            X.tcp(cs.E, t2, bad, bd, 'TCP Connection Failed', level='ERROR')
            return orig(cs, t2 + 2, src, dst)
        return fn
    return Wrap('tls_connect_ok', make)


# What each of mkexamples' flows ends with, and the findings it owns.
KINDS = {
    # name: (direction, options, final status, findings of its own messages, findings of
    # connection-level evidence: lookups, connections, which overlapping calls can share)
    'out': ('out', {}, 200, (), ()),
    'in': ('in', {}, 200, (), ()),
    'srv': ('out', {'fail': 'srv'}, 504, (), ('webex-srv-wrong-domain', 'tcp-connect-failed')),
    'tcp': ('out', {'fail': 'tcp'}, 408, (), ('tcp-connect-failed',)),
    'tls': ('out', {'fail': 'tls'}, 503, (), ('tls-remote-disconnect',)),
    'tls_ok': ('out', {}, 200, (), ('tls-remote-disconnect',)),
    'tcp_ok': ('out', {}, 200, (), ('tcp-connect-failed',)),
    'cpl': ('out', {'fail': 'cpl'}, 403, ('cpl-reject',), ()),
    'shadow': ('out', {'fail': 'shadow'}, 404, (), ('webex-srv-wrong-domain',)),
    'route': ('in', {'c_reject': True}, 404, ('preloaded-route-rejected',), ()),
    'codec': ('out', {'audio': 'g729', 'reason': 'Q.850 ;cause=47', 'talk': 95}, 200,
              ('sdp-codec-mismatch', 'q850-cause'), ()),
    'q850': ('in', {'hangup': 'webex', 'reason': 'Q.850;cause=31', 'talk': 3000}, 200,
             ('q850-cause',), ()),
    'strip': ('in', {'strip': True}, 200, ('contact-param-stripped',), ()),
    'big': ('in', {'big': True}, 408, ('cucm-message-too-large',), ()),
}


def x_call(site, kind, t, ambiguous=False, expect=True):
    """Runs one flow of KINDS at t; adds what the call must show; returns the
    result (t_end, callid)."""
    direction, opts, final, own, conn = KINDS[kind]
    T = site.topo
    if kind == 'tls_ok':
        with tls_cut_then_ok(site, T.webex[1]):
            res = x_out(site, t, **opts)
    elif kind == 'tcp_ok':
        with tcp_fail_then_ok(site, T.webex[1]):
            res = x_out(site, t, **opts)
    elif direction == 'out':
        res = x_out(site, t, **opts)
    else:
        res = x_in(site, t, **opts)
    if expect:
        amb = conn if ambiguous else ()
        if kind == 'big':
            site.retrans += 1   # the C sends the INVITE again on a new connection
        site.expect(res['callid'], 'INVITE', final, findings=own + (() if ambiguous else conn),
                    may=amb, ambiguous=amb, frm=res['from'],
                    extra={'kind': kind, 't0': t - site.t0})
    return res


# --- scenarios --------------------------------------------------------------------------

SCENARIOS = []


def scenario(fn):
    SCENARIOS.append((fn.__name__.replace('_', '-'), fn))
    return fn


def start_time(r):
    return X.ms_of(2023, r.randint(1, 12), r.randint(1, 28), r.randint(0, 23), r.randint(0, 59),
                   r.randint(0, 59)) + r.randint(0, 999)


def new_site(name, seed, **k):
    r = X.Rnd(seed * 131 + sum(ord(c) for c in name))
    topo = Topo(r)
    return Site(name, seed * 7919 + sum(ord(c) * 31 ** i for i, c in enumerate(name)) % 100003,
                start_time(r), topo,
                e_skew=r.randint(-300, 300), c_skew=r.randint(-300, 300), **k)


def finish_site(site, t_end, pairs=None):
    keepalives_every(site, site.t0 - 3000, t_end + 2000, pairs or [trav_pair(site)])


@scenario
def busy(seed):
    """56 overlapping calls of every kind, keepalives throughout."""
    site = new_site('busy', seed)
    r = site.rnd
    kinds = (['out'] * 14 + ['in'] * 14 + ['srv', 'tcp', 'tls', 'tls_ok', 'tcp_ok', 'cpl',
                                           'shadow', 'route', 'codec', 'q850', 'strip', 'big']
             + ['cpl', 'route', 'q850', 'srv', 'tcp', 'tls'])
    while len(kinds) < 56:
        kinds.append(r.choice(['out', 'in']))
    r.shuffle(kinds)
    t = site.t0
    end = t
    for k in kinds:
        # connection-level failures of the same kind may overlap: the logs can
        # then leave the owner open, and a connection finding names the candidates
        res = x_call(site, k, t, ambiguous=True)
        end = max(end, res['t_end'])
        t += r.randint(900, 4500)
    finish_site(site, end)
    site.host_findings |= {'tcp-connect-failed', 'tls-remote-disconnect',
                           'webex-srv-wrong-domain'}
    return site


@scenario
def attr_dns(seed):
    """A call whose SRV lookup used the dialled domain overlaps a healthy one."""
    site = new_site('attr-dns', seed)
    r = site.rnd
    d = r.randint(300, 4000)   # the two searches apart: overlapping ones the logs cannot tell
    if r.random() < 0.5:
        a = x_call(site, 'srv', site.t0)
        b = x_call(site, 'out', site.t0 + d)
    else:
        b = x_call(site, 'out', site.t0)
        a = x_call(site, 'srv', site.t0 + d)
    c = x_call(site, 'in', site.t0 + r.randint(0, 3000))
    finish_site(site, max(a['t_end'], b['t_end'], c['t_end']))
    return site


@scenario
def attr_tcp(seed):
    """A call whose TCP connections to Webex fail overlaps healthy calls."""
    site = new_site('attr-tcp', seed)
    r = site.rnd
    a = x_call(site, 'out', site.t0)
    b = x_call(site, 'tcp', site.t0 + r.randint(40, 3000))
    c = x_call(site, 'out', site.t0 + r.randint(3100, 16000))
    d = x_call(site, 'tcp_ok', site.t0 + 40000)
    e = x_call(site, 'out', site.t0 + 40000 + r.randint(30, 900))
    finish_site(site, max(x['t_end'] for x in (a, b, c, d, e)))
    return site


@scenario
def attr_tls(seed):
    """A TLS handshake cut on the first Webex node, the call goes on through the
    second; another call starts 40 ms later. Then a call whose every TLS
    handshake is cut, overlapping a healthy one."""
    site = new_site('attr-tls', seed)
    r = site.rnd
    a = x_call(site, 'tls_ok', site.t0)
    b = x_call(site, 'out', site.t0 + 40)
    c = x_call(site, 'out', site.t0 + 20000)
    d = x_call(site, 'tls', site.t0 + 20000 + r.randint(20, 200))
    finish_site(site, max(x['t_end'] for x in (a, b, c, d)))
    return site


@scenario
def attr_cpl(seed):
    """A call refused by the E's CPL, a call that Webex refuses with 403, and a
    call with a wrong lookup 3 s after the first ended."""
    site = new_site('attr-cpl', seed)
    r = site.rnd
    a = x_call(site, 'cpl', site.t0)
    ch = Chain(site, *out_path(site), (site.topo.person(True)[0], '%d@%s' % (
        r.randint(2000, 8999), site.topo.domain)), site.topo.person(False))
    f = Flow(ch, site.t0 + r.randint(5, 400)).invite(wx_sdp(ch, 0))
    f.fail(403, 'Forbidden', gap=r.randint(100, 600))
    site.expect(ch.call_id, 'INVITE', 403)
    c = x_call(site, 'srv', a['t_end'] + 3000)
    finish_site(site, max(c['t_end'], f.t))
    return site


@scenario
def attr_search(seed):
    """Search rules: a call sent to the wrong DNS zone by a broader rule, and an
    inbound call refused without search (preloaded Route), each overlapping a
    healthy call whose search runs at the same time."""
    site = new_site('attr-search', seed)
    r = site.rnd
    a = x_call(site, 'shadow', site.t0)
    site.calls[-1]['summary_has'] = {'webex-srv-wrong-domain': 'to DNS'}
    b = x_call(site, 'out', site.t0 + r.randint(0, 250))
    c = x_call(site, 'route', site.t0 + 30000)
    d = x_call(site, 'in', site.t0 + 30000 + r.randint(-300, 300))
    finish_site(site, max(x['t_end'] for x in (a, b, c, d)))
    site.topo.apply()
    # the configuration tells the searches apart when they overlap: the Webex
    # zone modifies the DNS request, the zone "DNS" does not
    site.cs.xconf_e, site.cs.xconf_c = X.xconfig_e('shadow'), X.xconfig_c()
    site.host_findings |= {'webex-srv-wrong-domain'}
    return site



def out_parties(T):
    n, u, dn = T.person(True)
    return (n, '%s@%s' % (dn, T.domain)), T.person(False)


def in_parties(T):
    return T.person(False), T.person(True)[:2]


@scenario
def forks(seed):
    """Unified CM forks an inbound call to three phones (three 180 Ringing with
    their own To-tags), Webex forks an outbound one (two 183 with SDP); one
    200 OK is really sent twice."""
    site = new_site('forks', seed)
    r, T = site.rnd, site.topo
    ch = Chain(site, *in_path(site), *in_parties(T))
    f = Flow(ch, site.t0).invite(wx_sdp(ch, 0))
    tags = [r.hexs(10) for _ in range(3)]
    for tg in tags:
        f.provisional(180, 'Ringing', tag=tg, gap=r.randint(3, 80))
    f.answer(tag=tags[1], body=wx_sdp(ch, -1, ('G722',)))
    f.ack().bye(end=-1, reason='Q.850;cause=16')
    site.expect(ch.call_id, 'INVITE', 200, frm='sip:' + ch.caller[1])
    ch = Chain(site, *out_path(site), *out_parties(T))
    f = Flow(ch, site.t0 + r.randint(100, 3000)).invite(wx_sdp(ch, 0))
    t1, t2 = r.hexs(10), r.hexs(10)
    f.provisional(183, 'Session Progress', tag=t1, body=wx_sdp(ch, -1, ('G722',)))
    f.provisional(183, 'Session Progress', tag=t2, body=wx_sdp(ch, -1, ('PCMU',)), gap=30)
    body = wx_sdp(ch, -1, ('PCMU',))
    f.answer(tag=t2, body=body)
    # the 200 OK again, byte for byte: Unified CM did not see the ACK in time
    ch.respond(f.t + 500, f.inv, 200, 'OK', to_tag=t2, body=body)
    site.retrans += 3
    f.t += 520
    f.ack().bye()
    site.expect(ch.call_id, 'INVITE', 200, frm='sip:' + ch.caller[1])
    finish_site(site, f.t)
    return site


@scenario
def dialogs(seed):
    """Hold and resume, UPDATE, PRACK/183, INFO, CANCEL/487, 486/480/603, 302,
    REFER: every common request and response of a call."""
    site = new_site('dialogs', seed)
    r, T = site.rnd, site.topo
    t = site.t0
    ends = []

    def call(inbound=False):
        ch = Chain(site, *(in_path(site) if inbound else out_path(site)),
                   *(in_parties(T) if inbound else out_parties(T)))
        return ch, Flow(ch, t + r.randint(0, 20000))

    def up(ch, f, codec=('G722',)):
        tag = r.hexs(10)
        f.invite(wx_sdp(ch, 0)).provisional(180, 'Ringing', tag=tag)
        f.answer(tag=tag, body=wx_sdp(ch, -1, codec)).ack()

    # hold and resume by a re-INVITE from each side
    ch, f = call()
    up(ch, f)
    f.reinvite(wx_sdp(ch, 0, direction='sendonly', ver=2), wx_sdp(ch, -1, ('G722',),
                                                                 direction='recvonly', ver=2))
    f.reinvite(wx_sdp(ch, 0, ver=3), wx_sdp(ch, -1, ('G722',), ver=3))
    f.reinvite(wx_sdp(ch, -1, ('G722',), direction='sendonly', ver=4),
               wx_sdp(ch, 0, ('G722',), direction='recvonly', ver=4), end=-1)
    f.bye(end=-1)
    site.expect(ch.call_id, 'INVITE', 200)
    ends.append(f.t)
    # UPDATE with SDP, INFO (DTMF)
    ch, f = call(True)
    up(ch, f)
    f.transaction('UPDATE', 0, body=wx_sdp(ch, 0, ver=2), resp_body=wx_sdp(ch, -1, ('G722',),
                                                                           ver=2))
    f.transaction('INFO', -1, body=['Signal=5', 'Duration=160'], ctype='application/dtmf-relay')
    f.bye()
    site.expect(ch.call_id, 'INVITE', 200)
    ends.append(f.t)
    # reliable 183 with SDP, PRACK, then 200
    ch, f = call()
    tag = r.hexs(10)
    f.invite(wx_sdp(ch, 0), hdrs=[('Supported', '100rel,timer')])
    f.provisional(183, 'Session Progress', tag=tag, body=wx_sdp(ch, -1, ('G722',)),
                  hdrs=[('Require', '100rel'), ('RSeq', '1')])
    f.t, cp = ch.request(f.t + 5, 'PRACK', 0, hdrs=[('RAck', '1 %d INVITE' % f.inv_cseq)],
                         to_tag=tag)
    f.t = ch.respond(f.t + 2, cp, 200, 'OK')
    f.answer(tag=tag).ack().bye()
    site.expect(ch.call_id, 'INVITE', 200)
    ends.append(f.t)
    # CANCEL: the caller gives up while it rings; one with a Reason
    for reason in (None, 'SIP;cause=200;text="Call completed elsewhere"'):
        ch, f = call(reason is not None)
        f.invite(wx_sdp(ch, 0)).provisional(180, 'Ringing', tag=r.hexs(10))
        f.cancel(reason=reason)
        site.expect(ch.call_id, 'INVITE', 487)
        ends.append(f.t)
    # refusals: busy (Q.850 17: information), no answer, declined (Q.850 21)
    for code, why, reason, fnd in ((486, 'Busy Here', 'Q.850;cause=17', ['q850-cause']),
                                   (480, 'Temporarily Unavailable', None, []),
                                   (603, 'Decline', 'Q.850;cause=21', ['q850-cause'])):
        ch, f = call(code == 480)
        f.invite(wx_sdp(ch, 0)).provisional(180, 'Ringing', tag=r.hexs(10))
        f.fail(code, why, hdrs=[('Reason', reason)] if reason else ())
        site.expect(ch.call_id, 'INVITE', code, findings=fnd)
        ends.append(f.t)
    # 302: redirected, then a new INVITE (next CSeq) that is answered
    ch, f = call()
    f.invite(wx_sdp(ch, 0))
    f.fail(302, 'Moved Temporarily', hdrs=[('Contact', '<sip:%s>' % T.person(False)[1])])
    f.t += 20
    up(ch, f)
    f.bye()
    site.expect(ch.call_id, 'INVITE', 200)
    ends.append(f.t)
    # REFER: Unified CM transfers the Webex leg; NOTIFYs report progress
    ch, f = call()
    up(ch, f)
    f.transaction('REFER', 0, hdrs=[('Refer-To', '<sip:%s>' % T.person(True)[1]),
                                    ('Referred-By', '<sip:%s>' % ch.caller[1])],
                  code=202, reason='Accepted')
    for frag in ('SIP/2.0 100 Trying', 'SIP/2.0 200 OK'):
        f.transaction('NOTIFY', -1, body=[frag], ctype='message/sipfrag;version=2.0',
                      hdrs=[('Event', 'refer'), ('Subscription-State', 'active;expires=60')],
                      gap=300)
    f.bye(end=-1)
    site.expect(ch.call_id, 'INVITE', 200)
    ends.append(f.t)
    finish_site(site, max(ends))
    return site


@scenario
def bodies(seed):
    """Multipart bodies, a body libosip2 rejects, Reason variants, and codec
    trouble in every offer/answer shape."""
    site = new_site('bodies', seed)
    r, T = site.rnd, site.topo
    t = site.t0
    ends = []

    def call(inbound=False):
        ch = Chain(site, *(in_path(site) if inbound else out_path(site)),
                   *(in_parties(T) if inbound else out_parties(T)))
        return ch, Flow(ch, t + r.randint(0, 30000))

    def mp(ch, codecs):
        b = 'uniqueBoundary%d' % r.randint(1, 9999)
        return multipart(b, [('application/sdp', wx_sdp(ch, 0, codecs)),
                             ('application/pidf+xml', PIDF)]), 'multipart/mixed;boundary=' + b

    # multipart INVITE (SDP and PIDF), answered
    ch, f = call()
    body, ct = mp(ch, ('G722', 'PCMU'))
    tag = r.hexs(10)
    f.invite(body, ctype=ct).provisional(180, 'Ringing', tag=tag)
    f.answer(tag=tag, body=wx_sdp(ch, -1, ('G722',))).ack().bye()
    site.expect(ch.call_id, 'INVITE', 200, extra={'codecs_have': 'G722'})
    ends.append(f.t)
    # multipart with a G.729-only offer toward Webex: audio refused
    ch, f = call()
    body, ct = mp(ch, ('G729',))
    tag = r.hexs(10)
    f.invite(body, ctype=ct).provisional(180, 'Ringing', tag=tag)
    f.answer(tag=tag, body=wx_sdp(ch, -1, ('G729',), port=0)).ack()
    f.bye(reason='Q.850;cause=47', gap=200)
    site.expect(ch.call_id, 'INVITE', 200, findings=['sdp-codec-mismatch', 'q850-cause'])
    ends.append(f.t)
    # a multipart body without its boundary: the headers must still count
    ch, f = call(True)
    tag = r.hexs(10)
    f.invite(['--nope', 'Content-Type: application/sdp', ''] + wx_sdp(ch, 0),
             ctype='multipart/mixed')
    f.provisional(180, 'Ringing', tag=tag)
    f.answer(tag=tag, body=wx_sdp(ch, -1, ('G722',))).ack().bye()
    site.expect(ch.call_id, 'INVITE', 200)
    ends.append(f.t)
    # Reason variants on the BYE
    for lines, fnd in (
            (['SIP;cause=480;text="Temporarily unavailable"', 'Q.850;cause=102'], ['q850-cause']),
            (['SIP;cause=480;text="Gone, away", Q.850;cause=102;text="Recovery on timer"'],
             ['q850-cause']),
            (['Q.850;cause=16;text="Normal call clearing"'], []),
            (['SIP;cause=200;text="Call completed elsewhere"'], [])):
        ch, f = call(r.random() < 0.5)
        up_tag = r.hexs(10)
        f.invite(wx_sdp(ch, 0)).provisional(180, 'Ringing', tag=up_tag)
        f.answer(tag=up_tag, body=wx_sdp(ch, -1, ('G722',))).ack()
        f.bye(end=r.choice([0, -1]), reason_lines=lines)
        site.expect(ch.call_id, 'INVITE', 200, findings=fnd)
        ends.append(f.t)
    # delayed offer: Webex offers in the 200 OK, the ACK answers; refused, then fine
    for port, fnd in ((0, ['sdp-codec-mismatch']), (None, [])):
        ch, f = call()
        tag = r.hexs(10)
        f.invite(None).provisional(180, 'Ringing', tag=tag)
        f.answer(tag=tag, body=wx_sdp(ch, -1, ('G722', 'PCMU')))
        f.ack(body=wx_sdp(ch, 0, ('G729',) if port == 0 else ('G722',), port=port))
        f.bye()
        site.expect(ch.call_id, 'INVITE', 200, findings=fnd)
        ends.append(f.t)
    # a re-INVITE offering G.729 only toward Webex, refused
    ch, f = call()
    tag = r.hexs(10)
    f.invite(wx_sdp(ch, 0)).provisional(180, 'Ringing', tag=tag)
    f.answer(tag=tag, body=wx_sdp(ch, -1, ('G722',))).ack()
    f.reinvite(wx_sdp(ch, 0, ('G729',), ver=2), wx_sdp(ch, -1, ('G729',), port=0, ver=2))
    f.bye()
    site.expect(ch.call_id, 'INVITE', 200, findings=['sdp-codec-mismatch'])
    ends.append(f.t)
    # an UPDATE offering G.729 only toward Webex, refused
    ch, f = call()
    tag = r.hexs(10)
    f.invite(wx_sdp(ch, 0)).provisional(180, 'Ringing', tag=tag)
    f.answer(tag=tag, body=wx_sdp(ch, -1, ('G722',))).ack()
    f.transaction('UPDATE', 0, body=wx_sdp(ch, 0, ('G729',), ver=2),
                  resp_body=wx_sdp(ch, -1, ('G729',), port=0, ver=2))
    f.bye()
    site.expect(ch.call_id, 'INVITE', 200, findings=['sdp-codec-mismatch'])
    ends.append(f.t)
    # 183 offer from Webex (INVITE without SDP), the PRACK answers with audio refused
    ch, f = call()
    tag = r.hexs(10)
    f.invite(None, hdrs=[('Supported', '100rel')])
    f.provisional(183, 'Session Progress', tag=tag, body=wx_sdp(ch, -1, ('G722',)),
                  hdrs=[('Require', '100rel'), ('RSeq', '1')])
    f.t, cp = ch.request(f.t + 5, 'PRACK', 0, to_tag=tag,
                         hdrs=[('RAck', '1 %d INVITE' % f.inv_cseq)],
                         body=wx_sdp(ch, 0, ('G729',), port=0))
    f.t = ch.respond(f.t + 2, cp, 200, 'OK')
    f.fail(488, 'Not Acceptable Here', tag=tag, gap=40)
    site.expect(ch.call_id, 'INVITE', 488, findings=['sdp-codec-mismatch'])
    ends.append(f.t)
    finish_site(site, max(ends))
    return site


@scenario
def info_only_c(seed):
    """The C logged network.sip at INFO: summaries only; the E holds the full
    messages of every call that crossed it."""
    site = new_site('info-only-c', seed)
    old = site.cs.C
    site.cs.C = InfoOnlyLog(site.cs, old.name, old.skew, old.thread)
    site.logs = [('expressway-e.log', site.cs.E), ('expressway-c.log', site.cs.C)]
    r = site.rnd
    ends = []
    for k, kind in enumerate(['out', 'in', 'out', 'srv']):
        ends.append(x_call(site, kind, site.t0 + k * r.randint(800, 5000))['t_end'])
    for inbound in (False, True):
        ch, f = simple_call(site, site.t0 + r.randint(0, 9000), inbound=inbound)
        site.expect(ch.call_id, 'INVITE', 200, frm='sip:' + ch.caller[1])
        ends.append(f.t)
    finish_site(site, max(ends))
    return site


@scenario
def lone_responses(seed):
    """Logs downloaded after the INVITEs went by: a call seen from its 504 on,
    another from its BYE on; and a CSeq line damaged in copying."""
    site = new_site('lone-responses', seed)
    r = site.rnd
    a = x_call(site, 'srv', site.t0)
    b = x_call(site, 'out', site.t0 + r.randint(100, 2000))
    ch, f = simple_call(site, site.t0 + r.randint(12000, 14000))
    site.expect(ch.call_id, 'INVITE', 200)
    finish_site(site, max(a['t_end'], b['t_end'], f.t))
    # both logs start just before the E sends the 504 back
    t504 = min(e[0] - site.cs.E.skew for e in site.cs.E.entries
               if '|SIP/2.0 504' in e[2] and a['callid'] in e[2])
    for lg in (site.cs.E, site.cs.C):
        lg.entries = [e for e in lg.entries if e[0] - lg.skew >= t504 - 1]
    site.calls[0]['final_status'] = 504
    site.calls[0]['may'] = sorted(set(site.calls[0]['may'] + site.calls[0]['findings']))
    site.calls[0]['findings'] = []   # the lookup and the connection were before the cut
    # the second call was answered before the cut: only its tail is left
    b_entries = [e for e in site.cs.C.entries if b['callid'] in e[2]]
    site.calls[1]['final_status'] = None if not any('|SIP/2.0 200' in e[2] and 'INVITE' in
                                                     e[2] for e in b_entries) else 200
    site.calls[1]['method'] = 'INVITE' if any('Method=INVITE' in e[2] for e in b_entries) \
        else None
    if not b_entries:
        site.calls.pop(1)
    # a CSeq line joined with the next one in a pasted copy
    for lg in (site.cs.C,):
        for i, e in enumerate(lg.entries):
            if ch.call_id in e[2] and '|INVITE ' in e[2]:
                txt = e[2].replace(' CSeq: %d INVITE\n' % f.inv_cseq,
                                   ' CSeq: %d INVITE From : "DX70" <sip:dx70@%s>;tag=%s\n' % (
                                       f.inv_cseq, site.topo.domain, r.hexs(6)), 1)
                lg.entries[i] = (e[0], e[1], txt)
                break
    site.notes.append('damaged CSeq in %s' % ch.call_id)
    return site



class Peer:
    """The addresses of one C/E pair of a cluster (what out_path/in_path read)."""

    def __init__(self, T, c_ip, e_in, e_out):
        self.c_ip, self.e_in, self.e_out = c_ip, e_in, e_out
        self.cucm_ip, self.webex = T.cucm_ip, T.webex


@scenario
def cluster(seed):
    """Two Expressway-Cs and two Expressway-Es in clusters, all four logs: calls
    cross every pair; each is one ladder with one column per peer."""
    site = new_site('cluster', seed)
    r, T = site.rnd, site.topo
    net = T.c_ip.rsplit('.', 1)[0]
    used = {T.c_ip, T.e_in, T.cucm_ip}

    def fresh():
        while True:
            ip = '%s.%d' % (net, r.randint(2, 250))
            if ip not in used:
                used.add(ip)
                return ip
    c2_ip, e2_in = fresh(), fresh()
    e2_out = T.e_out.rsplit('.', 1)[0] + '.%d' % (int(T.e_out.rsplit('.', 1)[1]) % 240 + 3)
    E1, C1 = site.cs.E, site.cs.C
    E2 = site.log('expressway-e2.log', X.HostLog(site.cs, T.e_name.replace('01', '0x') + 'b',
                                                  r.randint(-300, 300), X.E_THREAD))
    C2 = site.log('expressway-c2.log', X.HostLog(site.cs, T.c_name + 'b', r.randint(-300, 300),
                                                  X.C_THREAD))
    cs = {1: (C1, T.c_ip), 2: (C2, c2_ip)}
    es = {1: (E1, T.e_in, T.e_out), 2: (E2, e2_in, e2_out)}
    trav = {(i, j): r.randint(25600, 26899) for i in cs for j in es}
    ends = []
    t = site.t0
    for k in range(10):
        i, j = r.choice([1, 2]), r.choice([1, 2])
        C, c_ip = cs[i]
        E, e_in, e_out = es[j]
        P = Peer(T, c_ip, e_in, e_out)
        inbound = k % 2 == 1
        mk = in_path if inbound else out_path
        ch, f = simple_call(site, t, inbound=inbound,
                            path=mk(site, E=E, C=C, T=P, trav=trav[(i, j)]))
        site.expect(ch.call_id, 'INVITE', 200, frm='sip:' + ch.caller[1],
                    extra={'hosts': sorted([C.name, E.name])})
        ends.append(f.t)
        t += r.randint(300, 4000)
    pairs = [(A(cs[i][0], cs[i][1], trav[(i, j)]), A(es[j][0], es[j][1], 7003))
             for i in cs for j in es]
    keepalives_every(site, site.t0 - 3000, max(ends) + 2000, pairs)
    site.machines = {T.cucm_ip: 'cucm'}
    return site


@scenario
def ipv6(seed):
    """The same site on IPv6: addresses in brackets in SIP, bare in the log fields."""
    site = new_site('ipv6', seed)
    r, T = site.rnd, site.topo

    def v6(net, k=None):
        return '%s::%x' % (net, k or r.randint(2, 0xfff))
    inside = '2001:db8:%x:%x' % (r.randint(1, 0xffff), r.randint(1, 0xffff))
    outside = '2001:db8:%x:1' % r.randint(1, 0xffff)
    T.c_ip, T.e_in, T.cucm_ip = v6(inside, 5), v6(inside, 6), v6(inside, 0x21)
    T.e_out = v6(outside, 2)
    T.webex = ['2600:1f18:%x::%x' % (r.randint(1, 0xffff), r.randint(2, 0xfff)) for _ in range(3)]
    ends = []
    t = site.t0
    for k in range(6):
        ch, f = simple_call(site, t, inbound=k % 2 == 0)
        site.expect(ch.call_id, 'INVITE', 200, frm='sip:' + ch.caller[1])
        ends.append(f.t)
        t += r.randint(200, 3000)
    ch = Chain(site, *out_path(site), *out_parties(T))
    f = Flow(ch, t).invite(wx_sdp(ch, 0, ('G729',)))
    f.answer(tag=r.hexs(10), body=wx_sdp(ch, -1, ('G729',), port=0)).ack()
    f.bye(reason='Q.850;cause=47', gap=150)
    site.expect(ch.call_id, 'INVITE', 200, findings=['sdp-codec-mismatch', 'q850-cause'])
    ch = Chain(site, *in_path(site), *in_parties(T))
    f2 = Flow(ch, t + 500).invite(wx_sdp(ch, 0)).fail(486, 'Busy Here')
    site.expect(ch.call_id, 'INVITE', 486)
    keepalives_every(site, site.t0 - 3000, max(ends + [f.t, f2.t]) + 2000, [trav_pair(site)])
    site.machines = {T.cucm_ip: 'cucm'}
    for w in T.webex:
        if any(w in e[2] for e in site.cs.E.entries):
            site.machines[w] = 'webex'
    return site


@scenario
def neighbours(seed):
    """Only the E's log: its traversal client (the C) seen from the other
    side, another VCS on a neighbour zone, a Skype for Business edge, a CUBE."""
    site = new_site('neighbours', seed, e_only=True)
    r, T = site.rnd, site.topo
    E = site.cs.E
    vcs_ip = '%s.%d' % (T.e_in.rsplit('.', 1)[0], r.randint(2, 250))
    lync_ip = '203.0.113.%d' % r.randint(2, 250)
    cube_ip = '198.51.100.%d' % r.randint(2, 250)
    ends = []
    t = site.t0
    # calls from Webex to the C through the E, and back
    for inbound in (True, False):
        ch, f = simple_call(site, t, inbound=inbound,
                            path=(in_path if inbound else out_path)(site, C=None))
        site.expect(ch.call_id, 'INVITE', 200)
        ends.append(f.t)
        t += r.randint(500, 3000)
    # neighbours of the E: a VCS, a Skype for Business edge, a CUBE, each calling Webex
    for ip, agent, server, port, tr in (
            (vcs_ip, 'TANDBERG/4352 (X14.3.1)', 'TANDBERG/4352 (X14.3.1)', 5061, 'TLS'),
            (lync_ip, 'RTCC/6.0.0.0 MediationServer', 'RTC/6.0', 5061, 'TLS'),
            (cube_ip, 'Cisco-SIPGateway/IOS-17.6.3', 'Cisco-SIPGateway/IOS-17.6.3', 5060,
             'TCP')):
        nodes = [Node('ua', agent=agent), Node('proxy', E, zone_in='Neighbor', zone_out='WebexDNS'),
                 Node('ua', agent='Cisco-L2SIP')]
        conns = [(A(None, ip, r.randint(30000, 60000)), A(E, T.e_in, port), tr),
                 (A(E, T.e_out, r.randint(25000, 29999)), A(None, r.choice(T.webex), 5062),
                  'TLS')]
        caller = (T.person(False)[0], '%s@%s' % (r.choice(FIRST), 'partner.example'))
        ch = Chain(site, nodes, conns, caller, T.person(False))
        tag = r.hexs(10)
        f = Flow(ch, t).invite(wx_sdp(ch, 0)).provisional(180, 'Ringing', tag=tag)
        f.answer(tag=tag, body=wx_sdp(ch, -1, ('G722',))).ack().bye(end=-1)
        site.expect(ch.call_id, 'INVITE', 200)
        ends.append(f.t)
        t += r.randint(500, 3000)
    # the C's keepalives reach the E on its traversal port
    keepalives_every(site, site.t0 - 3000, max(ends) + 2000,
                     [(A(None, T.c_ip, site.cs.trav_port), A(E, T.e_in, 7003))])
    site.machines = {T.c_ip: 'expressway-peer', vcs_ip: 'expressway-peer', lync_ip: 'skype',
                     cube_ip: 'cube'}
    return site


# Scenarios kept as examples (examples/README.md lists them; mkexamples.py
# writes them through examples()): directory, scenario, seed, what it shows,
# what diagnose should report.
EXAMPLES = [
    ('fork-not-retransmission', 'forks', 7,
     'Unified CM forks an inbound call to three phones (three 180 Ringing, each with its own '
     'To-tag), Webex forks an outbound one (two 183 with SDP); one 200 OK really is sent '
     'twice. Varied names and addresses.',
     'none (the forked responses are early dialogs marked [fork N tag ...], only the repeated '
     '200 OK is a retransmission)'),
    ('two-calls-one-srv-lookup', 'attr-dns', 7,
     'A call whose SRV lookup used the dialled domain (5061, TCP fails, 504) overlaps a '
     'healthy outbound call that looked up callservice and an inbound call.',
     'webex-srv-wrong-domain and tcp-connect-failed on the failing call only, each with the '
     'link that ties it'),
    ('tls-cut-first-node', 'attr-tls', 7,
     'The TLS handshake to the first Webex node is cut, the call goes on through the second; '
     'another call starts 40 ms later. Then a call whose every handshake is cut.',
     'tls-remote-disconnect (warning) on the call that opened the cut connection, '
     'tls-remote-disconnect (error) on the call that failed; none on the others'),
    ('unloaded-neighbours', 'neighbours', 7,
     'E log only: its traversal client, a VCS neighbour, a Skype for Business edge and a '
     'CUBE, each seen only from the E.',
     'none (the columns name an Expressway-C peer, an Expressway peer, Skype and CUBE)'),
    ('offer-answer-shapes', 'bodies', 7,
     'Multipart bodies (one libosip2 rejects), Reason variants (two headers, a comma list '
     'with quoted text), and audio refused in every offer/answer shape: multipart INVITE, '
     '200/ACK delayed offer, re-INVITE, UPDATE, 183/PRACK.',
     'sdp-codec-mismatch and q850-cause on the calls that carry them'),
]


def examples(outdir):
    """Writes the EXAMPLES into outdir; returns them as the rows mkexamples'
    README needs (name, note, expect, files, e_only, E)."""
    rows = []
    fns = dict(SCENARIOS)
    for name, scen, seed, note, report in EXAMPLES:
        restore_topology()
        site = fns[scen](seed)
        site.name = name
        site.write(outdir, expect=False)
        site.note, site.expect_text = note, report
        site.e_only, site.E, site.C = site.cs.e_only, site.cs.E, site.cs.C
        rows.append(site)
    restore_topology()
    return rows


def write_all(outdir, seed, only=None):
    done = []
    for name, fn in SCENARIOS:
        if only and name not in only:
            continue
        restore_topology()
        site = fn(seed)
        site.write(outdir)
        done.append(site)
    restore_topology()
    return done


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--out', required=True)
    ap.add_argument('--only', default='')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    only = set(x for x in a.only.split(',') if x)
    for s in write_all(a.out, a.seed, only):
        print('%-20s %3d calls  %s' % (s.name, len(s.calls), ' '.join(f for f, _ in s.logs)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
