#!/usr/bin/env python3
"""checkviews.py DIR NAME... - the findings every view shows, compared.

For each NAME, DIR holds what each view printed for one input:
  NAME.diagnose.json   diagnose --json
  NAME.show-N.txt      show N (wide enough not to wrap), one per call
  NAME.html            export --format html --all
  NAME.browser.txt     the browser's findings screen (tmux capture-pane)
Each view gives a multiset of (finding id, call number or None). diagnose is
the reference: the HTML and the browser must give the same; show must give
each call's findings (its "Findings:" list) and, when any call was shown, the
findings of no call (its "Not tied to a call:" line). Prints "ok NAME" or
"FAIL NAME: why" per input (tests/lib.sh style).
"""
import collections, glob, html, json, os, re, sys

def diagnose(path):
    d = json.load(open(path))
    return collections.Counter((f["id"], f["call"]) for f in d["findings"])

def show(paths):
    calls, others, seen = collections.Counter(), None, False
    for p in paths:
        n = int(re.search(r"\.show-(\d+)\.txt$", p).group(1))
        text = open(p, encoding="utf-8", errors="replace").read()
        seen = True
        part = text.split("\nFindings:\n", 1)
        if len(part) == 2:
            for m in re.finditer(r"^  \S (?:error|warning|info) (\S+)", part[1], re.M):
                calls[(m.group(1), n)] += 1
        m = re.search(r"^Not tied to a call: (.*?); xwtrace diagnose", text, re.M | re.S)
        got = collections.Counter()
        if m:
            for item in re.finditer(r"\S ([a-z0-9-]+) \((?:error|warning|info)\)", m.group(1)):
                got[(item.group(1), None)] += 1
        if others is not None and got != others:
            raise ValueError("show %d names other findings of no call than show before" % n)
        others = got
    return calls, (others if seen else None)

def page(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    out = collections.Counter()
    parts = re.split(r'<section class="call" id="c(\d+)">|<section id="global">', text)
    # re.split gives: head, num|None, body, num|None, body...
    for i in range(1, len(parts), 2):
        num, body = parts[i], parts[i + 1]
        lists = re.findall(r'<ol class="findings">(.*?)</ol>', body, re.S)
        for l in lists:
            for m in re.finditer(r'<span class="sev">\w+</span> <code>([^<]*)</code>', l):
                out[(html.unescape(m.group(1)), int(num) if num else None)] += 1
    return out

def browser(path):
    out = collections.Counter()
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"^ \S (?:error|warning|info) +(\S+) .*? (call (\d+)|connection|config) ", line)
        if m:
            out[(m.group(1), int(m.group(3)) if m.group(3) else None)] += 1
    return out

def fmt(c):
    return " ".join("%s@%s%s" % (i, n if n is not None else "-", "x%d" % k if k > 1 else "")
                    for (i, n), k in sorted(c.items(), key=str))

def check(d, name):
    ref = diagnose(os.path.join(d, name + ".diagnose.json"))
    why = []
    h = page(os.path.join(d, name + ".html"))
    if h != ref:
        why.append("html %s" % fmt(h))
    b = browser(os.path.join(d, name + ".browser.txt"))
    if b != ref:
        why.append("browser %s" % fmt(b))
    calls, others = show(sorted(glob.glob(os.path.join(d, name + ".show-*.txt"))))
    want_calls = collections.Counter({k: v for k, v in ref.items() if k[1] is not None})
    want_others = collections.Counter({k: v for k, v in ref.items() if k[1] is None})
    if calls != want_calls:
        why.append("show calls %s" % fmt(calls))
    if others is not None and others != want_others:
        why.append("show others %s" % fmt(others))
    if why:
        print("FAIL views-agree-%s: diagnose %s; %s" % (name, fmt(ref), "; ".join(why)))
    else:
        print("ok views-agree-%s (%d findings)" % (name, sum(ref.values())))

if __name__ == "__main__":
    for n in sys.argv[2:]:
        try:
            check(sys.argv[1], n)
        except (OSError, ValueError, KeyError) as e:
            print("FAIL views-agree-%s: %s" % (n, e))
