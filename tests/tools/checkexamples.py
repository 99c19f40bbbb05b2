#!/usr/bin/env python3
"""checkexamples.py - validate the generated examples/ logs.

For every expressway-*.log under the given directory (default: examples/):
  - every line is an entry header, a continuation of one (leading space) or
    empty, and entry times never go backwards;
  - every logged SIP message unframes (one leading space per line, " |"
    before the first line, a closing "|" line, then an empty line), and its
    Content-Length equals the body length counted with CRLF line endings;
  - every DEBUG message block follows an INFO summary with the same
    Msg-Hash, action and addresses, and the summary's fields (method, code,
    CSeq, Request-URI/To, Call-ID, tags, Session-IDs) match the message;
  - Event lines end with UTCTime;
and for each directory holding both an E and a C log:
  - each message the E sent to the C appears, with identical text, as
    received in the C log with mirrored addresses, and vice versa;
  - the Call-serial-number of each connected call's events appears as
    proxy-call-id in a Via that host wrote.
xconfig-*.txt files must hold only '*c xConfiguration Path: "value"' lines
(or an empty value) and a final OK.

Usage: tests/tools/checkexamples.py [DIR] [-v]
Exits 0 when everything holds, 1 with a list of problems otherwise.
"""

import collections
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

HEAD = re.compile(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[-+]\d\d:\d\d) (\S+) (\S+): (.*)$')
FIELD = re.compile(r'([A-Za-z-]+)="([^"]*)"')
E_IPS = {'192.168.1.6', '172.16.2.2'}
C_IPS = {'192.168.1.5'}


class Problems(list):
    def add(self, path, line, what):
        self.append('%s:%d: %s' % (path, line, what))


def entries(path, probs):
    """Yields (line number, header line, continuation lines)."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    cur = None
    last = ''
    for i, l in enumerate(lines, 1):
        m = HEAD.match(l)
        if m:
            if cur:
                yield cur
            if m.group(1) < last:
                probs.add(path, i, 'time goes backwards')
            last = m.group(1)
            cur = (i, l, [])
        elif l == '' or l.startswith(' '):
            if cur is None:
                probs.add(path, i, 'continuation before any entry')
            else:
                cur[2].append(l)
        else:
            probs.add(path, i, 'not an entry and not a continuation: %r' % l[:60])
    if cur:
        yield cur


def unframe(path, ln, cont, probs):
    """The wire text of a framed message, or None."""
    if not cont or cont[0] != ' SIPMSG:':
        probs.add(path, ln, 'DEBUG message without SIPMSG:')
        return None
    body = cont[1:]
    if len(body) < 3 or body[-1] != '' or body[-2] != ' |' or not body[0].startswith(' |'):
        probs.add(path, ln, 'bad framing')
        return None
    lines = body[:-2]
    for l in lines:
        if not l.startswith(' '):
            probs.add(path, ln, 'message line without its leading space')
            return None
    text = [l[1:] for l in lines]
    text[0] = text[0][1:]
    return '\r\n'.join(text) + '\r\n'


def headers(wire):
    head, _, body = wire.partition('\r\n\r\n')
    hl = head.split('\r\n')
    h = collections.OrderedDict()
    allh = []
    for l in hl[1:]:
        n, _, v = l.partition(':')
        allh.append((n.strip(), v.strip()))
        h.setdefault(n.strip().lower(), v.strip())
    return hl[0], h, allh, body


def tag(v):
    return v.split(';tag=', 1)[1].split(';')[0] if v and ';tag=' in v else ''


def uri(v):
    return v.split('<', 1)[1].split('>', 1)[0] if '<' in v else v.split(';')[0].strip()


def check_info(path, ln, info, start, h):
    """The INFO summary must describe the message."""
    d = info.get('Detail', '')
    kv = dict(x.split('=', 1) for x in d.split(', ')[1:] if '=' in x)
    first = d.split(', ')[0]
    errs = []
    cseq = h.get('cseq', '').split()
    sid = h.get('session-id', '')
    local = sid.split(';')[0] if sid else ''
    remote = sid.split(';remote=')[1].split(';')[0] if ';remote=' in sid else ''
    if start.startswith('SIP/2.0 '):
        code = start.split()[1]
        if not first.endswith('Response Code=' + code):
            errs.append('code')
        if kv.get('To') != uri(h.get('to', '')):
            errs.append('To')
    else:
        if not first.endswith('Request Method=' + start.split()[0]):
            errs.append('method')
        if kv.get('Request-URI') != start.split()[1]:
            errs.append('Request-URI')
    if kv.get('Method') not in (None, cseq[1] if len(cseq) > 1 else None):
        errs.append('Method')
    if kv.get('CSeq') != (cseq[0] if cseq else None):
        errs.append('CSeq')
    if kv.get('Call-ID') != h.get('call-id'):
        errs.append('Call-ID')
    if kv.get('From-Tag') != tag(h.get('from')):
        errs.append('From-Tag')
    if kv.get('To-Tag') != tag(h.get('to')):
        errs.append('To-Tag')
    if kv.get('Local-SessionID') != local or kv.get('Remote-SessionID') != remote:
        errs.append('SessionID')
    return errs


def check_log(path, probs, verbose=False):
    msgs = []          # (action, local, remote, text, line, hash)
    serials, vias = set(), set()
    pending = {}
    n = 0
    for ln, head, cont in entries(path, probs):
        m = HEAD.match(head)
        rest = m.group(4)
        if rest.startswith('Event='):
            if not re.search(r' UTCTime="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"$', rest):
                probs.add(path, ln, 'event without a trailing UTCTime')
            f = dict(FIELD.findall(rest))
            if 'Call-serial-number' in f and rest.startswith('Event="Call Connected"'):
                serials.add((f['Call-serial-number'], ln))
            if cont and any(c for c in cont):
                probs.add(path, ln, 'event with continuation lines')
            continue
        f = dict(FIELD.findall(rest))
        if f.get('Module') != 'network.sip':
            # developer dumps may carry unframed text; it must not look framed
            if any(c.startswith(' |') or c == ' SIPMSG:' for c in cont):
                probs.add(path, ln, 'framed message outside network.sip')
            continue
        if f.get('Level') == 'INFO':
            pending = f
            if cont:
                probs.add(path, ln, 'INFO summary with continuation lines')
            continue
        wire = unframe(path, ln, cont, probs)
        if wire is None:
            continue
        n += 1
        if pending.get('Msg-Hash') is None and ('Msg-Hash=%s,' % f.get('Msg-Hash')) not in \
                pending.get('Detail', ''):
            probs.add(path, ln, 'no INFO summary with Msg-Hash %s before it' % f.get('Msg-Hash'))
        for k in ('Action', 'Local-ip', 'Local-port', 'Src-ip', 'Src-port', 'Dst-ip', 'Dst-port'):
            if pending.get(k) != f.get(k):
                probs.add(path, ln, 'INFO/DEBUG disagree on %s' % k)
        start, h, allh, body = headers(wire)
        errs = check_info(path, ln, pending, start, h)
        if errs:
            probs.add(path, ln, 'INFO summary disagrees with the message: %s' % ', '.join(errs))
        pending = {}
        cl = h.get('content-length')
        if cl is None or int(cl) != len(body.encode()):
            probs.add(path, ln, 'Content-Length %s but body has %d bytes' % (cl, len(body.encode())))
        for n_, v in allh:
            if n_.lower() == 'via':
                for pc in re.findall(r'proxy-call-id=([0-9a-f-]+)', v):
                    vias.add(pc)
        action = f['Action']
        remote = (f.get('Src-ip'), f.get('Src-port')) if action == 'Received' else \
            (f.get('Dst-ip'), f.get('Dst-port'))
        msgs.append((action, (f['Local-ip'], f['Local-port']), remote, wire, ln, f['Msg-Hash']))
    for s, ln in serials:
        if s not in vias:
            probs.add(path, ln, 'Call-serial-number %s is no proxy-call-id in this log' % s)
    return msgs


def twins(dirpath, e_msgs, c_msgs, probs):
    """Messages between the Expressways must be in both logs."""
    def key(m):
        return (m[1], m[2], m[3])
    for src, dst, sname, dname in ((e_msgs, c_msgs, 'E', 'C'), (c_msgs, e_msgs, 'C', 'E')):
        dst_ips = C_IPS if dname == 'C' else E_IPS
        want = collections.Counter()
        for a, local, remote, text, ln, _ in src:
            if a == 'Sent' and remote[0] in dst_ips:
                want[(remote, local, text)] += 1
        have = collections.Counter()
        for a, local, remote, text, ln, _ in dst:
            if a == 'Received' and remote[0] in (E_IPS if dname == 'C' else C_IPS):
                have[(local, remote, text)] += 1
        for k, c in want.items():
            if have[k] != c:
                probs.add(dirpath, 0, '%s sent %d x "%s" to %s:%s, %s logged %d' % (
                    sname, c, k[2].split('\r\n')[0], k[0][0], k[0][1], dname, have[k]))
        for k, c in have.items():
            if want[k] != c:
                probs.add(dirpath, 0, '%s received %d x "%s" from %s:%s, %s sent %d' % (
                    dname, c, k[2].split('\r\n')[0], k[1][0], k[1][1], sname, want[k]))


XCONF = re.compile(r'^\*c xConfiguration [A-Za-z0-9 ]+:( ".*")?$')


def check_xconfig(path, probs):
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    if lines[-1] == '':
        lines.pop()
    if not lines or lines[-1] != 'OK':
        probs.add(path, len(lines), 'no final OK')
    for i, l in enumerate(lines[:-1], 1):
        if not XCONF.match(l):
            probs.add(path, i, 'not an xConfiguration line: %r' % l[:60])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    verbose = '-v' in argv
    argv = [a for a in argv if a != '-v']
    top = argv[0] if argv else os.path.join(TOP, 'examples')
    probs = Problems()
    ndirs = nmsgs = 0
    for d in sorted(os.listdir(top)):
        dp = os.path.join(top, d)
        if not os.path.isdir(dp):
            continue
        ndirs += 1
        logs = {}
        for name in sorted(os.listdir(dp)):
            p = os.path.join(dp, name)
            if name.startswith('expressway-') and name.endswith('.log'):
                logs[name[11]] = check_log(p, probs, verbose)
                nmsgs += len(logs[name[11]])
            elif name.startswith('xconfig-') and name.endswith('.txt'):
                check_xconfig(p, probs)
            else:
                probs.add(p, 0, 'unexpected file')
        if 'e' not in logs:
            probs.add(dp, 0, 'no expressway-e.log')
        if 'e' in logs and 'c' in logs:
            twins(dp, logs['e'], logs['c'], probs)
    for p in probs:
        print(p)
    print('checkexamples: %d directories, %d messages, %d problems' % (ndirs, nmsgs, len(probs)))
    return 1 if probs else 0


if __name__ == '__main__':
    sys.exit(main())
