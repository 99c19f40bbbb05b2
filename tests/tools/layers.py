#!/usr/bin/env python3
"""layers.py BUILD_DIR - the structure of the tree from its object files.

Each src/X.c is an object BUILD_DIR/X.o; A uses B when A refers to a symbol
that B defines (nm). Every file belongs to a layer (LAYERS below, the same
map as HACKING.md); a file may use files of its own layer or of layers below,
never above, and files may not use each other in a circle, except the
browser's screens, which open each other (ui_X_open) through the screen
stack: an edge made only of ui_*_open calls counts for no circle. Headers
are placed by the same names: no file includes the header of a layer above
its own. Prints every violation and exits 1 when there is one; with --dot,
prints the graph in Graphviz form instead.
"""
import fnmatch, glob, os, subprocess, sys

# lowest first; a file matches the first pattern that fits its name
LAYERS = [
    ("util",      ["xmem", "text", "smap", "q850", "srule"]),
    ("model",     ["model"]),
    ("ingest",    ["log_*", "fmt_*", "sip*", "sdp*", "xconf", "pcap*", "tcp*", "tls*", "cert*", "wire_*"]),
    ("correlate", ["corr*"]),
    ("diagnose",  ["diag*", "xconf_*"]),
    ("views",     ["ladder*", "export*", "jsonout", "ui*", "view*"]),
    ("commands",  ["cmd*", "main"]),
]
OPENERS = "ui_*_open"  # a screen pushing another: allowed in both directions

def layer_of(name):
    for i, (_, pats) in enumerate(LAYERS):
        if any(fnmatch.fnmatch(name, p) for p in pats):
            return i
    return None

def graph(build):
    defs, uses = {}, {}
    for o in sorted(glob.glob(os.path.join(build, "*.o"))):
        name = os.path.basename(o)[:-2]
        if not os.path.exists(os.path.join("src", name + ".c")):
            continue
        out = subprocess.run(["nm", o], capture_output=True, text=True).stdout
        uses[name] = set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "U":
                uses[name].add(parts[1])
            elif len(parts) == 3 and parts[1] in "TDBRVW":
                defs.setdefault(parts[2], name)
    edges, strict = {}, {}
    for a, u in uses.items():
        edges[a] = sorted({defs[s] for s in u if s in defs and defs[s] != a})
        strict[a] = sorted({defs[s] for s in u if s in defs and defs[s] != a
                            and not fnmatch.fnmatch(s, OPENERS)})
    return edges, strict

def includes():
    """(file, header) for every #include "x.h" of src/*.c and include/*.h."""
    out = []
    for path in sorted(glob.glob("src/*.c") + glob.glob("include/*.h")):
        name = os.path.basename(path).rsplit(".", 1)[0]
        for line in open(path, errors="replace"):
            if line.startswith('#include "'):
                out.append((name, line.split('"')[1][:-2], path))
    return out

def cycles(edges):
    """Tarjan's strongly connected components with more than one file."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in edges.get(v, []):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    edges, strict = graph(args[0] if args else "build")
    if "--dot" in sys.argv:
        print("digraph xwtrace {")
        for a, bs in sorted(edges.items()):
            for b in bs:
                print(f'  "{a}" -> "{b}";')
        print("}")
        return 0
    bad = 0
    for a, bs in sorted(edges.items()):
        la = layer_of(a)
        if la is None:
            print(f"unplaced: {a}.c belongs to no layer (tests/tools/layers.py)"); bad += 1
            continue
        for b in bs:
            lb = layer_of(b)
            if lb is not None and lb > la:
                print(f"up: {a}.c ({LAYERS[la][0]}) uses {b}.c ({LAYERS[lb][0]})"); bad += 1
    for comp in cycles(strict):
        print("circle: " + " <-> ".join(c + ".c" for c in comp)); bad += 1
    for name, hdr, path in includes():
        la, lh = layer_of(name), layer_of(hdr)
        if la is not None and lh is not None and lh > la:
            print(f"include up: {path} ({LAYERS[la][0]}) includes {hdr}.h ({LAYERS[lh][0]})")
            bad += 1
    print(f"{len(edges)} files, {sum(len(b) for b in edges.values())} uses, {bad} violations")
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
