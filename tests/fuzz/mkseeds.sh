#!/usr/bin/env bash
# mkseeds.sh OUTDIR - seed corpora for the fuzzers, cut from the example logs,
# the real sample and the test xConfiguration dumps:
#   scan:  runs of whole entries (a few KB each), C+E pairs joined by "--8<--", and
#          every pasted and mangled form of a few runs (tests/tools/mkpasted.py)
#   sip:   every framed SIPMSG block, from its " |" line to its closing "|"
#   sdp:   the SDP bodies of those blocks, unframed
#   xconf: every dump under tests/data/xconfig and examples/
#   srule: each search rule of those dumps as type, behavior, pattern, alias, replace
#   text:  short log lines (display names, User-Agents, headers)
#   pcap:  every capture of tests/data/captures, and each cut in half
#   tls:   one direction of each TLS connection of those captures (a 0 byte
#          first: fed whole), and the certificate files
#   export: the scan seeds, the regression logs, shorter C+E pairs, and copies of those pairs with
#          markup ("<xw-evil", "-->", "@enduml", "end", ...) in display names,
#          codec names, Reason, Server and host names
# Writes OUTDIR/<harness>/; safe to run again (it starts from scratch).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: mkseeds.sh OUTDIR}
real=${XW_REAL_LOGS:-tests/data/real-logs}
rm -rf "$out"
mkdir -p "$out"/{scan,sip,sdp,xconf,srule,text,bundle,export,pcap,tls}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every log we can cut from: plain files, .gz, and members of bundles.
add_log() { cat > "$(mktemp "$tmp/logXXXXXX")"; }
for f in $(find "$top/examples" "$real" -type f -name '*.log*' -o -type f -name '*.tar*' -o \
    -type f -name '*.tgz' -o -type f -path "$real/*" 2>/dev/null | sort); do
	case "$f" in
	*.tar.gz|*.tgz|*.tar)
		tar -tf "$f" 2>/dev/null | while read -r mem; do
			tar -xOf "$f" "$mem" 2>/dev/null | add_log
		done ;;
	*.gz) zcat "$f" 2>/dev/null | add_log || true ;;
	*) add_log < "$f" ;;
	esac
done
logs=$(ls "$tmp"/log* 2>/dev/null | head -200 || true)

# scan: runs of up to 12 entries, cut at entry headers only (blocks stay whole)
for l in $logs; do
	awk -v out="$out/scan" -v pfx="$(basename "$l")" '
	function flush() { if (buf != "") { f = sprintf("%s/%s-%04d", out, pfx, ++k); printf "%s", buf > f; close(f) } buf = ""; n = 0 }
	/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/ { if (n >= 12 || length(buf) > 12000) flush(); n++ }
	{ buf = buf $0 "\n" }
	END { flush() }' "$l"
done
# the C and E logs of each example case, joined (twins, skew, B2BUA hops)
for d in "$top"/examples/*/; do
	[ -f "$d/expressway-c.log" ] && [ -f "$d/expressway-e.log" ] || continue
	{ head -c 30000 "$d/expressway-e.log"; printf '\n--8<--\n'; head -c 30000 "$d/expressway-c.log"; } \
	    > "$out/scan/pair-$(basename "$d")"
done

# scan: every pasted and mangled form (tests/tools/mkpasted.py) of a few short
# runs of entries and of the real sample's first entries, for log_repair.c
mkdir -p "$tmp/pasted"
pick=$(ls "$out"/scan/* 2>/dev/null | grep -v '/pair-' | awk 'NR % 40 == 1' | head -6)
if [ -n "$pick" ] && command -v python3 >/dev/null 2>&1; then
	python3 "$top/tests/tools/mkpasted.py" "$tmp/pasted" $pick >/dev/null
	for f in "$tmp"/pasted/*/*; do
		head -c 16000 "$f" > "$out/scan/pasted-$(basename "$(dirname "$f")")-$(basename "$f")"
	done
fi

# sip and sdp: framed blocks and their bodies
for l in $logs; do
	awk -v out="$out" -v pfx="$(basename "$l")" '
	function put(dir, s) { if (s == "") return; f = sprintf("%s/%s/%s-%04d", out, dir, pfx, ++k); printf "%s", s > f; close(f) }
	function done_block() { put("sip", blk); put("sdp", body); inb = 0; blk = ""; body = ""; inbody = 0 }
	/SIPMSG:/ { if (inb) done_block(); inb = 1; first = 1; next }
	inb && /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/ { done_block() }
	inb {
		blk = blk $0 "\n"
		line = $0; sub(/\r$/, "", line)
		if (!first && line ~ /^ *\|$/) { done_block(); next }
		first = 0
		t = line; sub(/^ /, "", t)
		if (inbody) body = body t "\r\n"
		else if (t == "") inbody = 1
	}
	END { if (inb) done_block() }' "$l"
done

# xconf and srule: the dumps and their rules
for x in "$top"/tests/data/xconfig/* "$top"/examples/*/xconfig*; do
	[ -f "$x" ] || continue
	base=$(basename "$(dirname "$x")")-$(basename "$x")
	cp "$x" "$out/xconf/$base"
	awk -v out="$out/srule" -v pfx="$base" '
	function val(s) { sub(/^[^:]*: */, "", s); gsub(/^"|"\r?$/, "", s); return s }
	/SearchRules Rule [0-9]+ Pattern String:/ { split($0, a, "Rule "); split(a[2], b, " "); pat[b[1]] = val($0) }
	/SearchRules Rule [0-9]+ Pattern Type:/ { split($0, a, "Rule "); split(a[2], b, " "); typ[b[1]] = val($0) }
	/SearchRules Rule [0-9]+ Pattern Behavior:/ { split($0, a, "Rule "); split(a[2], b, " "); beh[b[1]] = val($0) }
	/SearchRules Rule [0-9]+ Pattern Replace:/ { split($0, a, "Rule "); split(a[2], b, " "); rep[b[1]] = val($0) }
	END {
		for (r in pat) {
			t = typ[r] == "Prefix" ? 1 : typ[r] == "Suffix" ? 2 : typ[r] == "Regex" ? 3 : 0
			bh = beh[r] == "Strip" ? 1 : beh[r] == "Replace" ? 2 : 0
			f = sprintf("%s/%s-rule%s", out, pfx, r)
			printf "%c%c%s\001alice@example.com\001%s", 48 + t, 48 + bh, pat[r], rep[r] > f
			close(f)
		}
	}' "$x"
done
for f in "$out"/srule/*; do
	[ -f "$f" ] || continue
	tr '\001' '\000' < "$f" > "$f.t" && mv "$f.t" "$f"
done

# text: display names, agents and other header values (first 300)
cat $logs 2>/dev/null | grep -aE '^ ?(From|To|User-Agent|Server|Call-ID|Contact|Warning|Reason):' |
	sort -u | head -300 | awk -v out="$out/text" '{ f = sprintf("%s/line-%04d", out, NR); printf "%s", $0 > f; close(f) }'

# bundle: small logs gzipped, tarred, tar.gz-ed, bz2-ed, and cut short
mkdir -p "$out/bundle"
for f in $(ls "$out"/scan/* | head -6); do
	b=$out/bundle/$(basename "$f")
	gzip -c "$f" > "$b.gz"
	head -c $(( $(stat -c %s "$b.gz") / 2 )) "$b.gz" > "$b.cut.gz"
	tar -cf "$b.tar" -C "$(dirname "$f")" "$(basename "$f")"
	tar -czf "$b.tar.gz" -C "$(dirname "$f")" "$(basename "$f")"
	bzip2 -c "$f" > "$b.bz2" 2>/dev/null || rm -f "$b.bz2"
done
# export: what scan starts from, the regression inputs, pairs that fit its
# max_len, and hostile pairs
cp "$out"/scan/* "$top"/tests/data/regress/* "$out/export/"
evil='<xw-evil a="1"> ]]> --> @enduml end;#1 %%'
for d in "$top"/examples/*/; do
	[ -f "$d/expressway-c.log" ] && [ -f "$d/expressway-e.log" ] || continue
	p=$out/export/pair-$(basename "$d")
	{ head -c 15000 "$d/expressway-e.log"; printf '\n--8<--\n'; head -c 15000 "$d/expressway-c.log"; } > "$p"
	sed -e "s|^\( From: \)\"\([^\"]*\)\"|\1\"\2 <xw-evil> ]]> --> @enduml end;#1 %%\"|" \
	    -e "s| \([A-Za-z0-9-]*\)/\(8000\)| <xw-evil>\1/\2|" \
	    -e "s|^\( Reason: .*\)$|\1;text=\"<xw-evil>\"|" -e "s|^ Server: | Server: $evil |" \
	    -e "s|^ User-Agent: | User-Agent: $evil |" "$p" > "$p-evil"
	sed -e 's|^\([0-9][0-9-]*T[^ ]*\) \([^ ]*\) tvcs:|\1 \2<xw-evil>-->end tvcs:|' "$p" > "$p-evilhost"
done
# pcap: the captures whole and cut; tls: their TLS streams, one direction each
for c in "$top"/tests/data/captures/*.pcap*; do
	cp "$c" "$out/pcap/"
	head -c $(( $(stat -c %s "$c") / 2 )) "$c" > "$out/pcap/$(basename "$c").cut"
done
# and a short one wrapped in each tunnel a mirror uses
for k in ipip gre erspan2 erspan3 vxlan; do
	python3 "$top/tests/tools/tunnel.py" "$k" "$top/tests/data/captures/sip-udp-call.pcap" \
	    "$out/pcap/tunnel-$k.pcap"
done
python3 - "$out/tls" "$top"/tests/data/captures/*.pcap <<'EOF'
import struct, sys
out = sys.argv[1]
for path in sys.argv[2:]:
    d = open(path, 'rb').read()
    link = struct.unpack('<I', d[20:24])[0]
    at, flows = 24, {}
    while at + 16 <= len(d):
        cap = struct.unpack('<I', d[at + 8:at + 12])[0]
        fr = d[at + 16:at + 16 + cap]
        at += 16 + cap
        off = {1: 14, 113: 16, 276: 20}.get(link)
        if off is None or len(fr) < off + 40 or fr[off] >> 4 != 4 or fr[off + 9] != 6:
            continue
        ip = fr[off:]
        hl, total = (ip[0] & 15) * 4, struct.unpack('>H', ip[2:4])[0]
        t = ip[hl:total]
        key = (ip[12:16], t[0:2], ip[16:20], t[2:4])
        flows.setdefault(key, {})[struct.unpack('>I', t[4:8])[0]] = t[(t[12] >> 4) * 4:]
    for i, (key, segs) in enumerate(flows.items()):
        data = b''.join(segs[s] for s in sorted(segs))
        if data[:1] in (b'\x16', b'\x15', b'\x17', b'\x14'):
            open('%s/%s-%d' % (out, path.rsplit('/', 1)[1], i), 'wb').write(b'\x00' + data)
EOF
for c in "$top"/tests/data/certs/*.pem; do
	{ printf '\000'; cat "$c"; } > "$out/tls/$(basename "$c")"
done
# the committed seeds come on top
for h in scan sip sdp xconf srule text bundle export pcap tls; do
	[ -d "$top/tests/fuzz/seeds/$h" ] && cp "$top/tests/fuzz/seeds/$h"/* "$out/$h/" 2>/dev/null || true
	echo "$h: $(ls "$out/$h" | wc -l) seeds"
done
