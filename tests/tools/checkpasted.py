#!/usr/bin/env python3
"""checkpasted.py XW OUTDIR NAME=INPUT... - every pasted form of each input
(a log, or a directory of logs: a C/E pair) reads as the clean input does.

For each NAME=INPUT, the forms of mkpasted.py are written under
OUTDIR/NAME/FORM/; `XW export --format json --all` of each form must give
the clean input's calls, messages (their text as logged included), hosts
and findings, every SIPMSG block read; and the lines it names (a message's
entry, a finding's evidence) must be the user's own lines of the form's
file. Prints "ok pasted-NAME-FORM" or "FAIL pasted-NAME-FORM: why" lines,
and one line per form with the counts compared.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkpasted  # noqa: E402


def export(xw, paths):
    r = subprocess.run([xw, 'export', '-q', '--format', 'json', '--all'] + paths,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError('exit %d: %s' % (r.returncode, r.stderr.decode(errors='replace')[:300]))
    return json.loads(r.stdout)


def strip(d):
    """What must not change: calls, messages, hosts, findings; not where."""
    d = json.loads(json.dumps(d))
    for k in ('files', 'schema'):
        d.pop(k, None)
    for c in d['calls']:
        for m in c['messages']:
            for rec in m['records']:
                rec.pop('file', None)
                rec.pop('line', None)
    for f in d['findings']:
        f.pop('evidence', None)
    return d


def lines_of(path):
    raw = open(path, 'rb').read()
    if raw[:2] in (b'\xff\xfe', b'\xfe\xff'):
        text = raw.decode('utf-16')
    elif len(raw) > 8 and raw[1] == 0 and raw[3] == 0:
        text = raw.decode('utf-16-le')
    elif len(raw) > 8 and raw[0] == 0 and raw[2] == 0:
        text = raw.decode('utf-16-be')
    else:
        text = raw.decode('utf-8', 'replace')
    text = text.replace('\u00a0', ' ').replace('\u201c', '"').replace('\u201d', '"')
    # line ends as xwtrace counts them: LF, CRLF, a lone CR
    return text.replace('\r\n', '\n').replace('\r', '\n').split('\n')


def same_line(clean, form):
    """True when form (a line of a pasted file) is where clean's text went."""
    c = clean.strip().lstrip('|').strip()
    if not c:
        return True
    if len(c) >= 19 and c[4] == '-' and c[10] == 'T':   # an entry: its time
        return c[11:19] in form
    return c[:16] in form or (len(form.strip()) >= 8 and form.strip().lstrip('>|').strip() in c)


def where(d):
    """Every line a message record or a finding names, in order."""
    out = []
    for c in d['calls']:
        for m in c['messages']:
            out += [(r['file'], r['line']) for r in m['records']]
    for f in d['findings']:
        out += [(e['file'], e['line']) for e in f.get('evidence', []) if e.get('line')]
    return out


def check(xw, name, form, clean_paths, form_dir, ref, ref_files):
    tag = 'pasted-%s-%s' % (name, form)
    paths = sorted(os.path.join(form_dir, p) for p in os.listdir(form_dir))
    try:
        got = export(xw, paths)
    except Exception as e:  # noqa: BLE001
        return 'FAIL %s: %s' % (tag, e)
    if strip(got) != strip(ref):
        a, b = strip(ref), strip(got)
        for k in a:
            if a[k] != b.get(k):
                return 'FAIL %s: %s differ (%d vs %d)' % (tag, k, len(a[k]), len(b.get(k) or []))
        return 'FAIL %s: differs' % tag
    for f, rf in zip(sorted(got['files'], key=lambda x: x['path']), ref_files):
        b, rb = f.get('blocks', {}), rf.get('blocks', {})
        if b != rb or b.get('seen') != b.get('read'):
            return 'FAIL %s: %s blocks %s, clean %s' % (tag, f['path'], b, rb)
    # the lines named are the user's: the clean file's line i is in the form's line
    cache = {}
    clean_of = dict(zip(sorted(paths), sorted(clean_paths)))
    for (cf, cl), (ff, fl) in zip(where(ref), where(got)):
        for p in (cf, ff):
            if p not in cache:
                cache[p] = lines_of(p)
        if clean_of.get(ff) != cf:
            return 'FAIL %s: %s stands for %s' % (tag, ff, cf)
        if not (0 < fl <= len(cache[ff])) or not same_line(cache[cf][cl - 1], cache[ff][fl - 1]):
            return 'FAIL %s: %s:%d is not where %s:%d went (%r)' % (
                tag, ff, fl, cf, cl, cache[ff][fl - 1][:60] if 0 < fl <= len(cache[ff]) else None)
    msgs = sum(len(c['messages']) for c in got['calls'])
    return 'ok %s (%d calls, %d messages, %d findings)' % (tag, len(got['calls']), msgs,
                                                         len(got['findings']))


def main():
    xw, out = sys.argv[1], sys.argv[2]
    failed = 0
    for arg in sys.argv[3:]:
        name, inp = arg.split('=', 1)
        clean = sorted(os.path.join(inp, p) for p in os.listdir(inp) if p.endswith('.log')) \
            if os.path.isdir(inp) else [inp]
        ref = export(xw, clean)
        ref_files = sorted(ref['files'], key=lambda x: x['path'])
        root = os.path.join(out, name)
        sys.argv = ['mkpasted.py', root] + clean
        with open(os.devnull, 'w') as null:
            stdout, sys.stdout = sys.stdout, null
            mkpasted.main()
            sys.stdout = stdout
        # the forms name the files 0-..., 1-... in the clean files' order
        for form in sorted(os.listdir(root)):
            line = check(xw, name, form, clean, os.path.join(root, form), ref, ref_files)
            failed += line.startswith('FAIL')
            print(line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
