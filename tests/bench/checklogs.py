#!/usr/bin/env python3
"""checklogs.py - sanity check of genlogs output (optional; needs Python 3).

    tests/bench/checklogs.py DIR

Reads DIR/expressway-c.log and DIR/expressway-e.log and reports, per file:
SIPMSG: blocks, how many are well formed (framing ' |' ... ' |' + blank line,
a valid start line, the usual headers, Content-Length equal to the body
length counted with CRLF line ends, Msg-Hash equal to the FNV-1a of the
text), the malformed ones by kind (the generator corrupts ~0.1% on
purpose), the share of developer.* noise bytes and the largest step back
in UTCTime. Then it checks that every E<->C message is logged on both
sides with the same Msg-Hash. Exits 1 when more than 1% of blocks are bad
or the twins do not pair up.
"""
import re
import sys
from collections import Counter

START = re.compile(rb'^(INVITE|ACK|BYE|CANCEL|OPTIONS) sip:\S+ SIP/2\.0$|^SIP/2\.0 [1-6]\d\d [ -~]+$')
HEADER = re.compile(rb'^[A-Za-z][A-Za-z0-9-]*: [ -~]*$')
UTC = re.compile(rb'UTCTime="(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3})"')
HASH = re.compile(rb'Msg-Hash="(\d+)"')
NEEDED = (b'via', b'call-id', b'cseq', b'from', b'to', b'content-length')


def fnv1a(data):
    h = 0xcbf29ce484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001b3) & 0xffffffffffffffff
    return h


def classify(lines):
    """Returns (problem or None, message text) for the lines of one block."""
    if not lines or not lines[0].startswith(b' |'):
        return 'no-opening-pipe', b''
    closed = lines[-1] == b' |'
    body = lines[:-1] if closed else lines
    msg = [body[0][2:]] + [ln[1:] for ln in body[1:]]
    if any(not ln.startswith(b' ') for ln in body[1:]):
        return 'bad-indent', b''
    text = b''.join(ln + b'\n' for ln in msg)
    if any(b < 0x20 and b not in (0x09,) or b > 0x7e for b in b''.join(msg)):
        return 'garbage', text
    if b'' not in msg:
        return 'truncated', text
    if not closed:
        return 'no-closing-pipe', text
    sep = msg.index(b'')
    if not START.match(msg[0]):
        return 'bad-start-line', text
    names = set()
    for h in msg[1:sep]:
        if not HEADER.match(h):
            return 'bad-header', text
        names.add(h.split(b':', 1)[0].lower())
    if any(n not in names for n in NEEDED):
        return 'missing-header', text
    cl = [int(h.split(b':', 1)[1]) for h in msg[1:sep] if h.lower().startswith(b'content-length:')][0]
    if cl != sum(len(x) + 2 for x in msg[sep + 1:]):
        return 'wrong-content-length', text
    return None, text


def check_file(path):
    """Returns (stats Counter, {hash: text} of E<->C blocks)."""
    data = open(path, 'rb').read()
    lines = data.split(b'\n')
    st = Counter()
    twins = {}
    last_t = None
    i, n = 0, len(lines)
    st['bytes'] = len(data)
    while i < n:
        ln = lines[i]
        if ln.startswith(b'20') and b' tvcs: ' in ln or b' licensemanager: ' in ln[:80]:
            st['entries'] += 1
            if b'Module="developer.' in ln or b' licensemanager: ' in ln[:80]:
                st['noise_bytes'] += len(ln) + 1
                j = i + 1
                while j < n and lines[j] and not lines[j].startswith(b'20'):
                    st['noise_bytes'] += len(lines[j]) + 1
                    j += 1
                if j < n and lines[j] == b'' and j > i + 1:
                    st['noise_bytes'] += 1
            m = UTC.search(ln)
            if m:
                t = (m.group(1), m.group(2))
                if last_t and t < last_t:
                    st['utc_backsteps'] += 1
                last_t = t if not last_t or t > last_t else last_t
            if b'Event="' in ln:
                st['events'] += 1
        if ln == b' SIPMSG:':
            st['blocks'] += 1
            j = i + 1
            while j < n and lines[j] != b'' and not lines[j].startswith(b'20'):
                j += 1
                if lines[j - 1] == b' |':
                    break
            problem, text = classify(lines[i + 1:j])
            st['bad:' + problem if problem else 'ok'] += 1
            head = lines[i - 1]
            hm = HASH.search(head)
            if not problem:
                if hm and int(hm.group(1)) != fnv1a(text):
                    st['bad-msg-hash'] += 1
                first = text.split(b'\n', 1)[0]
                st['msg:' + first.split(b' ')[0 if not first.startswith(b'SIP/') else 1].decode()] += 1
            if hm and (b'"192.168.1.6" Local-port="7003"' in head or b'"192.168.1.6" Dst-port="7003"' in head
                       or b'"192.168.1.6" Src-port="7003"' in head):
                twins[hm.group(1)] = problem is None
            i = j
            continue
        i += 1
    return st, twins


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: checklogs.py DIR')
    d = sys.argv[1]
    total = Counter()
    twins = {}
    for name in ('expressway-c.log', 'expressway-e.log'):
        st, tw = check_file(f'{d}/{name}')
        twins[name] = tw
        total.update(st)
        bad = {k[4:]: v for k, v in st.items() if k.startswith('bad')}
        msgs = ' '.join(f'{k[4:]}={v}' for k, v in sorted(st.items()) if k.startswith('msg:'))
        print(f'{name}: {st["bytes"]} bytes, {st["entries"]} entries, {st["events"]} events, '
              f'{st["blocks"]} SIPMSG blocks, {st["ok"]} well formed, malformed {bad or "none"}; '
              f'noise {100.0 * st["noise_bytes"] / st["bytes"]:.1f}% of bytes; '
              f'UTCTime steps back {st["utc_backsteps"]} times')
        print(f'  messages: {msgs}')
    e, c = twins['expressway-e.log'], twins['expressway-c.log']
    only_e, only_c = set(e) - set(c), set(c) - set(e)
    print(f'E<->C messages: {len(e)} on E, {len(c)} on C, {len(set(e) & set(c))} logged on both; '
          f'only on E {len(only_e)}, only on C {len(only_c)}')
    bad = sum(v for k, v in total.items() if k.startswith('bad'))
    print(f'total: {total["blocks"]} blocks, {bad} malformed ({100.0 * bad / max(1, total["blocks"]):.3f}%)')
    sys.exit(1 if bad > total['blocks'] / 100 or only_e or only_c else 0)


if __name__ == '__main__':
    main()
