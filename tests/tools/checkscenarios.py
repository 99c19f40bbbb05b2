#!/usr/bin/env python3
"""checkscenarios.py - run xwtrace on the scenarios of mkscenarios.py and
check what each expect.json says.

For every scenario directory:
  - `export --format json --all` of its logs: every expected call is there
    once (by Call-ID), with its method, final status and From; it carries
    the findings it must and no other than it may (a healthy call carries
    none); a finding the logs may leave unresolved is then a connection
    finding whose candidates name the call; findings of no call have
    allowed ids; no arrow is a retransmission unless expected; no output
    holds a placeholder;
  - the same with the log files in reverse order: the output is identical;
  - with every log given twice, next to a .gz copy of itself, and cut in two
    overlapping halves: the same calls, message counts, labels, findings.

Prints "ok NAME" / "FAIL NAME: why" lines (tests/lib.sh style) and, with
--stats, the counts behind them. Exits 1 when something failed.

Usage: tests/tools/checkscenarios.py XWTRACE DIR [DIR...] [--stats] [--no-variants]
"""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HEAD = re.compile(rb'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d')
PLACEHOLDER = re.compile(r'"\((the|a|an) [^")]*\)"')


class Stats:
    def __init__(self):
        self.calls = self.findings = 0
        self.wrong_call = self.false_alarms = self.false_retrans = self.missing = 0
        self.unresolved = 0
        self.problems = []


def run(xw, args):
    p = subprocess.run([xw] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        raise RuntimeError('%s exited %d: %s' % (' '.join(args), p.returncode,
                                                 p.stderr.decode(errors='replace')[:400]))
    return p.stdout


def export(xw, files):
    return run(xw, ['export', '--format', 'json', '--all'] + files)


def shape(doc):
    """What must not change when the same entries are read twice."""
    calls = []
    for c in doc['calls']:
        calls.append((tuple(sorted(c['call_ids'])), c['method'], c['final_status'],
                      c['message_count'],
                      tuple((m['label'], m['retransmission']) for m in c['messages']),
                      tuple(sorted(c['findings']))))
    fnd = sorted((f['id'], f.get('call_id') or '', f['severity']) for f in doc['findings'])
    return calls, fnd


def find_call(doc, cid):
    hits = [c for c in doc['calls'] if cid in c['call_ids']]
    return hits


def check_expect(name, exp, doc, st, out):
    bad = []
    by_number = {c['number']: c for c in doc['calls']}
    owners = {}
    for e in exp['calls']:
        st.calls += 1
        hits = find_call(doc, e['call_id'])
        if len(hits) != 1:
            bad.append('call %s found %d times' % (e['call_id'], len(hits)))
            continue
        c = hits[0]
        owners[c['number']] = e
        if e.get('method') and c['method'] != e['method']:
            bad.append('call %s: method %r, expected %r' % (e['call_id'], c['method'], e['method']))
        if e.get('final_status') is not None and c['final_status'] != e['final_status']:
            bad.append('call %s: final status %r, expected %r' % (
                e['call_id'], c['final_status'], e['final_status']))
        if e.get('from') and c['from'] != e['from']:
            bad.append('call %s: from %r, expected %r' % (e['call_id'], c['from'], e['from']))
        got = set(c['findings'])
        need = set(e['findings'])
        may = set(e['may']) | need
        for fid in sorted(got - may):
            if not e['findings'] and not e['may']:
                st.false_alarms += 1
                bad.append('healthy call %s (%s) carries %s' % (e['call_id'], e.get('kind', ''),
                                                                fid))
            else:
                st.wrong_call += 1
                bad.append('call %s (%s) carries %s, not its own' % (e['call_id'],
                                                                     e.get('kind', ''), fid))
        for fid in sorted(need - got):
            st.missing += 1
            bad.append('call %s (%s) lacks %s' % (e['call_id'], e.get('kind', ''), fid))
        for fid in e.get('ambiguous', []):
            if fid in got:
                continue
            named = [f for f in doc['findings'] if f['id'] == fid and f.get('call') is None and
                     c['number'] in (f.get('candidates') or [])]
            if named:
                st.unresolved += 1
            else:
                st.missing += 1
                bad.append('call %s (%s): %s neither on it nor naming it as a candidate' % (
                    e['call_id'], e.get('kind', ''), fid))
        for fid, text in e.get('summary_has', {}).items():
            fs = [f for f in doc['findings'] if f['id'] == fid and f.get('call') == c['number']]
            if fs and not any(text in f['summary'] for f in fs):
                bad.append('call %s: %s summary lacks %r' % (e['call_id'], fid, text))
        if e.get('codecs_have') and not any(
                e['codecs_have'] in (x.get('codecs') or '') for m in c['messages']
                if m.get('method') == 'INVITE' for x in (m.get('sdp') or [])):
            bad.append('call %s: no INVITE offers %r' % (e['call_id'], e['codecs_have']))
        if e.get('hosts') and sorted(c['hosts']) != e['hosts']:
            bad.append('call %s: hosts %s, expected %s' % (e['call_id'], c['hosts'], e['hosts']))
        for m in c['messages']:
            if m['retransmission']:
                st.false_retrans += 1 if exp.get('retrans', 0) == 0 else 0
    retrans = sum(1 for c in doc['calls'] for m in c['messages'] if m['retransmission'])
    if retrans != exp.get('retrans', 0):
        bad.append('%d retransmissions, expected %d' % (retrans, exp.get('retrans', 0)))
    ncalls = sum(1 for c in doc['calls'] if c['method'] != 'OPTIONS')
    if ncalls != exp['ncalls']:
        extra = [c['call_ids'][0] for c in doc['calls'] if c['method'] != 'OPTIONS' and
                 c['number'] not in owners]
        bad.append('%d calls, expected %d (unexpected: %s)' % (ncalls, exp['ncalls'],
                                                             ', '.join(extra[:5])))
    for f in doc['findings']:
        st.findings += 1
        if f.get('call') is None and f['id'] not in exp['host_findings'] and \
                not f['id'].startswith('xconfig-'):
            bad.append('finding %s on no call (%s)' % (f['id'], f['summary'][:120]))
        for cand in f.get('candidates') or []:
            if cand not in by_number:
                bad.append('finding %s names unknown candidate %s' % (f['id'], cand))
    for addr, kind in exp.get('machines', {}).items():
        ks = {m['kind'] for c in doc['calls'] for m in c['machines'] if addr in m['addresses']}
        if ks != {kind}:
            bad.append('machine %s is %s, expected %s' % (addr, sorted(ks) or 'absent', kind))
    if PLACEHOLDER.search(out.decode(errors='replace')):
        bad.append('placeholder text in output: %s' % PLACEHOLDER.search(
            out.decode(errors='replace')).group(0))
    return bad


def entries(data):
    """Splits log bytes into entries (a header line and its continuation)."""
    out, cur = [], []
    for line in data.split(b'\n'):
        if HEAD.match(line) and cur:
            out.append(b'\n'.join(cur) + b'\n')
            cur = []
        if line or cur:
            cur.append(line)
    if cur:
        out.append(b'\n'.join(cur).rstrip(b'\n') + b'\n')
    return out


def variants(d, logs, tmp):
    """(name, files) of the duplicated-input runs: every log read twice (the
    configuration dumps once)."""
    conf = [os.path.join(d, f) for f in logs if not f.endswith('.log')]
    files = [os.path.join(d, f) for f in logs if f.endswith('.log')]
    for name, fs in variants_of(files, tmp):
        yield name, fs + conf


def variants_of(files, tmp):
    yield 'twice', files + files
    gz = []
    for f in files:
        g = os.path.join(tmp, os.path.basename(f) + '.gz')
        with open(f, 'rb') as i, gzip.open(g, 'wb') as o:
            shutil.copyfileobj(i, o)
        gz.append(g)
    yield 'gz-copy', files + gz
    halves = []
    for f in files:
        with open(f, 'rb') as i:
            es = entries(i.read())
        n = len(es)
        a, b = es[:n * 3 // 5], es[n * 2 // 5:]
        for k, part in (('1', a), ('2', b)):
            p = os.path.join(tmp, os.path.basename(f) + '.part' + k)
            with open(p, 'wb') as o:
                o.write(b''.join(part))
            halves.append(p)
    yield 'overlap', halves


def check_dir(xw, d, st, with_variants=True):
    with open(os.path.join(d, 'expect.json')) as f:
        exp = json.load(f)
    name = exp['name']
    files = [os.path.join(d, f) for f in exp['logs']]
    results = []
    try:
        out = export(xw, files)
    except RuntimeError as e:
        return [('FAIL', name, str(e))]
    doc = json.loads(out)
    bad = check_expect(name, exp, doc, st, out)
    results.append(('FAIL' if bad else 'ok', name, '; '.join(bad[:6]) +
                    (' (+%d more)' % (len(bad) - 6) if len(bad) > 6 else '')))
    st.problems += ['%s: %s' % (name, b) for b in bad]
    if len(files) > 1:
        rev = export(xw, list(reversed(files)))
        same = rev == out
        results.append(('ok' if same else 'FAIL', name + '-file-order',
                        '' if same else 'output differs with the files in reverse order'))
        diag = run(xw, ['diagnose'] + files) == run(xw, ['diagnose'] + list(reversed(files)))
        results.append(('ok' if diag else 'FAIL', name + '-file-order-diagnose',
                        '' if diag else 'diagnose differs with the files in reverse order'))
    if not with_variants:
        return results
    base = shape(doc)
    tmp = tempfile.mkdtemp(prefix='xwsc.')
    try:
        for vname, vfiles in variants(d, exp['logs'], tmp):
            vdoc = json.loads(export(xw, vfiles))
            got = shape(vdoc)
            ok = got == base
            why = ''
            if not ok:
                why = 'calls or findings differ from a single read'
                for x, y in zip(base[0], got[0]):
                    if x != y:
                        why = 'call %s: %s -> %s' % (x[0][0], x[1:4], y[1:4])
                        if x[3] == y[3]:
                            why = 'call %s: labels or findings differ' % x[0][0]
                        break
                else:
                    if len(base[0]) != len(got[0]):
                        why = '%d calls instead of %d' % (len(got[0]), len(base[0]))
                    elif base[1] != got[1]:
                        why = 'findings differ: %s' % sorted(set(got[1]) ^ set(base[1]))[:3]
            results.append(('ok' if ok else 'FAIL', '%s-%s' % (name, vname), why))
    finally:
        shutil.rmtree(tmp)
    return results


def main(argv):
    stats = '--stats' in argv
    with_variants = '--no-variants' not in argv
    args = [a for a in argv if not a.startswith('--')]
    xw, dirs = args[0], args[1:]
    st = Stats()
    failed = 0
    for top in dirs:
        subs = [top] if os.path.exists(os.path.join(top, 'expect.json')) else sorted(
            os.path.join(top, x) for x in os.listdir(top)
            if os.path.exists(os.path.join(top, x, 'expect.json')))
        for d in subs:
            for status, name, why in check_dir(xw, d, st, with_variants):
                label = '%s/%s' % (os.path.basename(os.path.dirname(d.rstrip('/'))), name)
                print('%s %s%s' % (status, label, ': ' + why if why else ''))
                failed += status == 'FAIL'
    if stats:
        print('# %d calls, %d findings: %d on a call that does not own them, %d false alarms on '
              'healthy calls, %d false retransmissions, %d missing, %d left to candidates' % (
                  st.calls, st.findings, st.wrong_call, st.false_alarms, st.false_retrans,
                  st.missing, st.unresolved))
        for p in st.problems[:60]:
            print('#   ' + p)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
