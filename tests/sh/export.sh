#!/usr/bin/env bash
# tests/sh/export.sh - `xwtrace export`: goldens of the text, plantuml, mermaid
# and json exports; the pcap read back with tshark; the html in headless
# Chromium; a hostile log through every format; plantuml renders.
# tshark, chromium and plantuml are installed by .ci/run: a missing one fails.
. "$TOP/tests/lib.sh"
cd "$TOP" || exit 2
T=$XW_TMP/export
mkdir -p "$T"
CASES="sdp-codec-mismatch healthy-inbound"

# --- the command line ----------------------------------------------------
E=examples/sdp-codec-mismatch
"$XW" export -q --format bogus $E/*.log >/dev/null 2>&1
check export-bad-format [ $? -eq 2 ]
"$XW" export -q $E/*.log >/dev/null 2>&1
check export-no-format [ $? -eq 2 ]
"$XW" export -q --format pcap $E/*.log >/dev/null 2>&1
check export-pcap-needs-o [ $? -eq 2 ]
"$XW" export -q --format text --call no-such-call $E/*.log >/dev/null 2>&1
check export-unknown-call [ $? -eq 2 ]
cp $E/expressway-c.log "$T/in.log"
cp "$T/in.log" "$T/in.copy"
"$XW" export -q --format json -o "$T/in.log" "$T/in.log" $E/expressway-e.log 2>"$T/err"
check export-refuses-input [ $? -eq 1 ]
check export-input-intact cmp -s "$T/in.log" "$T/in.copy"
contains export-refusal-says-why "$T/err" 'input log'
"$XW" export -q --format text -o "$T/out.txt" $E/*.log
"$XW" export -q --format text $E/*.log >"$T/stdout.txt"
check export-o-equals-stdout cmp -s "$T/out.txt" "$T/stdout.txt"
check export-no-temp-left [ -z "$(find "$T" -name '*.tmp.*')" ]
"$XW" export -q --format json --call 2 --call 2 $E/*.log >"$T/one.json"
"$XW" export -q --format json --all $E/*.log >"$T/all.json"
python3 - "$T/one.json" "$T/all.json" >"$T/calls.out" 2>&1 <<'EOF'
import json, sys
one = json.load(open(sys.argv[1])); every = json.load(open(sys.argv[2]))
assert [c["number"] for c in one["calls"]] == [2], one["calls"]
assert len(every["calls"]) > 1, "--all keeps the OPTIONS exchanges"
EOF
check export-call-and-all [ $? -eq 0 ]

# --- goldens ---------------------------------------------------------------
for c in $CASES; do
	for f in text plantuml mermaid json; do
		case $f in text) s=txt;; plantuml) s=puml;; mermaid) s=mmd;; json) s=json;; esac
		"$XW" export -q --format $f examples/$c/*.log >"$T/$c.$s" 2>"$T/err"
		golden "export-$c.$s" "$T/$c.$s"
	done
done

# --- json: the schema, every message with its raw text -----------------------
for c in $CASES; do
	python3 - "$T/$c.json" >"$T/json.out" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "xwtrace-export/1"
for key in ("files", "hosts", "calls", "findings"):
    assert isinstance(d[key], list), key
for c in d["calls"]:
    assert c["messages"] and len(c["messages"]) == c["messages"][-1]["index"] + 1
    for i, m in enumerate(c["messages"]):
        assert m["index"] == i and m["records"] and "sdp" in m and "raw" in m
        assert m["raw"] is None or m["raw"].startswith(
            "SIP/2.0 " if m["status"] else m["method"] + " ")
numbers = {c["number"]: len(c["messages"]) for c in d["calls"]}
for f in d["findings"]:
    assert f["severity"] in ("error", "warning", "info") and f["summary"] and f["fix"]
    if f["message"] is not None:
        assert 0 <= f["message"] < numbers[f["call"]]
EOF
	check "export-json-schema-$c" [ $? -eq 0 ]
	[ -s "$T/json.out" ] && cat "$T/json.out" >&2
done

# --- pcap: tshark finds every message and the right Call-IDs ---------------
# Wireshark's UDP heuristics find SIP on any port; trying them first keeps a
# port that another dissector registered from hiding a message.
pcap_check() { # NAME JSON PCAP
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
ms = [m for c in d["calls"] for m in c["messages"]]
print(len(ms)); print("\n".join(sorted(set(m["call_id"] for m in ms))))' "$2" >"$T/want" &&
	tshark -r "$3" -o udp.try_heuristic_first:TRUE -Y sip -T fields -e sip.Call-ID \
	    2>/dev/null >"$T/got.ids" &&
	{ wc -l <"$T/got.ids" | tr -d ' '; LC_ALL=C sort -u "$T/got.ids"; } >"$T/got" &&
	if cmp -s "$T/want" "$T/got"; then ok "$1"
	else fail "$1" "tshark: $(head -1 "$T/got") messages, want $(head -1 "$T/want")"; fi
}
for c in $CASES; do
	"$XW" export -q --format pcap -o "$T/$c.pcap" examples/$c/*.log
	pcap_check "export-pcap-$c" "$T/$c.json" "$T/$c.pcap"
done
"$XW" export -q --format pcap -o "$T/all.pcap" --all $E/*.log
pcap_check export-pcap-all "$T/all.json" "$T/all.pcap"
tshark -r "$T/sdp-codec-mismatch.pcap" -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE \
    -T fields -e ip.checksum.status -e udp.checksum.status 2>/dev/null | sort -u >"$T/ck"
check export-pcap-checksums [ "$(cat "$T/ck")" = "$(printf '1\t1')" ]
lacks export-pcap-not-malformed <(tshark -r "$T/sdp-codec-mismatch.pcap" 2>/dev/null) Malformed

# --- html in headless Chromium -----------------------------------------------
chrome() { # URL OUTPUT-ARGS...: runs a fresh headless Chromium on URL
	local url=$1; shift
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	    --disable-background-networking --disable-component-update --disable-sync \
	    --user-data-dir="$XW_TMP/chr" --window-size=1400,1000 "$@" "$url" 2>/dev/null
}
for c in $CASES; do
	"$XW" export -q --format html -o "$T/$c.html" examples/$c/*.log
	n=$(python3 -c 'import json,sys; print(sum(len(c["messages"]) for c in
	    json.load(open(sys.argv[1]))["calls"]))' "$T/$c.json")
	k=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["calls"][0]["number"])' \
	    "$T/$c.json")
	chrome "file://$T/$c.html#c$k-m3" --dump-dom >"$T/$c.dom"
	a=$(grep -o '<g class="arrow[^>]*data-i="[0-9]*"' "$T/$c.dom" | wc -l)
	check "export-html-arrows-$c" [ "$a" -eq "$n" ]
	contains "export-html-script-ran-$c" "$T/$c.dom" "class=\"msg sel\" id=\"c$k-m3\""
	chrome "file://$T/$c.html" --screenshot="$T/$c.png" >/dev/null
	check "export-html-screenshot-$c" [ "$(head -c 4 "$T/$c.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ]
done
lacks export-html-no-network "$T/sdp-codec-mismatch.html" '(src|href)="(https?:)?//'
contains export-html-policy "$T/sdp-codec-mismatch.html" "Content-Security-Policy.*default-src 'none'"
contains export-html-print "$T/sdp-codec-mismatch.html" '@media print'
contains export-html-q850 "$T/sdp-codec-mismatch.html" 'class="dec">.*Q.850 47 \(Resource unavailable'
contains export-html-codecs "$T/sdp-codec-mismatch.html" 'class="h-media">m=audio .*class="codecs">'
# The message view marks call-type=squared and says where it was lost, as the TUI does.
"$XW" export -q --format html -o "$T/cps.html" examples/contact-param-stripped/*.log
contains export-html-squared-marked "$T/cps.html" '<mark>;call-type=squared</mark>'
contains export-html-squared-lost "$T/cps.html" 'call-type=squared absent here; the previous hop'"'"'s copy had it \(examples/'

contains export-html-finding-link "$T/sdp-codec-mismatch.html" '<a href="#c[0-9]+-a[0-9]+">message #'

# A call finding and a connection-only load in the browser: every finding with
# its evidence quoted, the clock named, legs told apart; our one script only.
"$XW" export -q --format html -o "$T/q850.html" examples/q850-cause/
chrome "file://$T/q850.html" --dump-dom >"$T/q850.dom"
contains export-html-call-finding "$T/q850.dom" '<li class="sev-warning"><span class="mk">Q</span> <span class="sev">warning</span> <code>q850-cause</code>'
contains export-html-evidence-quoted "$T/q850.dom" '<pre class="quote">Reason: Q\.850;cause=31</pre>'
contains export-html-clock "$T/q850.dom" '<td>Clock</td><td>times on amer-expressway01, others corrected by the estimated skew</td>'
contains export-html-label-q850 "$T/q850.dom" '>BYE \(Q\.850 31 Normal, unspecified\)</text>'
check export-html-call-one-script [ "$(grep -o '<script' "$T/q850.dom" | wc -l)" -eq 1 ]
chrome "file://$T/q850.html" --screenshot="$T/q850.png" >/dev/null
check export-html-call-screenshot [ "$(head -c 4 "$T/q850.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ]
"$XW" export -q --format html -o "$T/tls.html" examples/tls-untrusted-ca/
check export-html-connection-only-written [ $? -eq 0 -a -s "$T/tls.html" ]
chrome "file://$T/tls.html" --dump-dom >"$T/tls.dom"
contains export-html-connection-only "$T/tls.dom" '<h1>No call in these logs</h1>'
contains export-html-connection-finding "$T/tls.dom" '<code>tls-untrusted-ca</code> <span class="about mono">connection amer-expressway01 146\.20\.193\.73:56439</span>'
contains export-html-connection-quoted "$T/tls.dom" '<pre class="quote">Event=.Inbound TLS Negotiation Error. Service=.SIP.'
check export-html-connection-one-script [ "$(grep -o '<script' "$T/tls.dom" | wc -l)" -eq 1 ]
chrome "file://$T/tls.html" --screenshot="$T/tls.png" >/dev/null
check export-html-connection-screenshot [ "$(head -c 4 "$T/tls.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ]
"$XW" export -q --format html -o "$T/legs.html" examples/session-id-legs/
contains export-html-legs-legend "$T/legs.html" '<span class="leg leg-1">B</span> 4371c4c6-f15a434c-5065f-1501a8c0@192\.168\.1\.21 \(linked by session-id\)'
contains export-html-legs-arrows "$T/legs.html" '<g class="arrow req +leg-1"'

# --- a hostile log ---------------------------------------------------------
# Markup in a display name, a reason phrase, a header and the host name; an
# ESC byte; a Call-ID with end, ';', '#' and '%%'.
hostile() {
	local esc host cid name
	esc=$(printf '\033')
	host="exp-e\"</svg><script>document.title='PWNED-HOST'</script>"
	cid="end;#x%%{init}%%@enduml-cid"
	name="\"Eve <script>document.title='PWNED'</script> \\\" </svg> ${esc}[31m red\""
	hdr() { echo "2018-01-01T12:56:4$1.000-05:00 $host tvcs: UTCTime=\"2018-01-01 17:56:4$1,000\"" \
	    "Module=\"network.sip\" Level=\"DEBUG\":  Action=\"$2\" Local-ip=\"10.81.54.5\"" \
	    "Local-port=\"5060\" $3-ip=\"10.122.73.183\" $3-port=\"5062\" Msg-Hash=\"1$1\""; }
	body() { echo " SIPMSG:"; sed '1s/^/ |/; 2,$s/^/ /'; printf ' |\n\n'; }
	hdr 1 Received Src
	body <<EOF
INVITE sip:1004@example.com SIP/2.0
Via: SIP/2.0/UDP 10.122.73.183:5062;branch=z9hG4bK1
Call-ID: $cid
CSeq: 100 INVITE
From: $name <sip:1003@example.com>;tag=a1
To: <sip:1004@example.com>
Contact: <sip:1003@10.122.73.183:5062>;call-type=squared;x="</svg><img src=x onerror=document.title='PWNED-IMG'>"
User-Agent: Evil/1.0 @enduml \\n !include /etc/passwd <img:http://127.0.0.1/x.png> %%{init: {"theme":"dark"}}%%
Max-Forwards: 70
Content-Length: 0

EOF
	hdr 2 Sent Dst
	body <<EOF
SIP/2.0 404 Not <b>Found</b>; end #1 %% @enduml --x-- //y// "q" & \\n
Via: SIP/2.0/UDP 10.122.73.183:5062;branch=z9hG4bK1
Call-ID: $cid
CSeq: 100 INVITE
From: $name <sip:1003@example.com>;tag=a1
To: <sip:1004@example.com>;tag=b2
Reason: Q.850;cause=47;text="<script>document.title='PWNED-REASON'</script>"
Content-Length: 0

EOF
}
H=$T/hostile.log
hostile >"$H"
for f in text html plantuml mermaid json; do
	"$XW" export -q --format $f -o "$T/hostile.$f" "$H"
	check "export-hostile-$f-written" [ -s "$T/hostile.$f" ]
done
check export-hostile-json-valid python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
m=d["calls"][0]["messages"]; assert "<script>" in m[0]["raw"] and m[0]["call_id"].startswith("end;#")' \
    "$T/hostile.json"
lacks export-hostile-json-no-markup "$T/hostile.json" '[<>]'
lacks export-hostile-text-no-esc "$T/hostile.text" $'\033'
"$XW" export -q --format pcap -o "$T/hostile.pcap" "$H"
pcap_check export-hostile-pcap "$T/hostile.json" "$T/hostile.pcap"
# The page: the log's scripts and handlers stay text; ours still runs.
chrome "file://$T/hostile.html#c1-m0" --dump-dom >"$T/hostile.dom"
contains export-hostile-html-loaded "$T/hostile.dom" '<g class="arrow'
awk '/<head>/,/<\/head>/' "$T/hostile.dom" >"$T/hostile.head"
contains export-hostile-html-head "$T/hostile.head" '<title>Call 1'
lacks export-hostile-html-title "$T/hostile.head" 'PWNED'
check export-hostile-html-one-script [ "$(grep -o '<script' "$T/hostile.dom" | wc -l)" -eq 1 ]
lacks export-hostile-html-no-img "$T/hostile.dom" '<img'
contains export-hostile-html-as-text "$T/hostile.dom" '&lt;script&gt;document.title=.PWNED.&lt;/script&gt;'
contains export-hostile-html-script-ran "$T/hostile.dom" 'class="msg sel" id="c1-m0"'
contains export-hostile-html-esc-visible "$T/hostile.dom" '\^\[\[31m'
# PlantUML: one diagram, no log text outside a label.
check export-hostile-puml-one-diagram [ "$(grep -c '^@startuml' "$T/hostile.plantuml")" -eq 1 \
    -a "$(grep -c '^@enduml' "$T/hostile.plantuml")" -eq 1 ]
lacks export-hostile-puml-no-raw "$T/hostile.plantuml" '(<script|<img|<b>|!include|;)'
# Mermaid: every line is a statement xwtrace writes, and every text in it is
# made of plain characters and #NNN; entities (no ';', '#', '%', markup, end).
mermaid_valid() { # FILE
	awk '
	function text_ok(t) {
		gsub(/#[0-9]+;/, "", t); gsub(/<br\/>/, "", t)
		if (t ~ /[;#<>%"&{}\\]/) return 0
		if (tolower(t) ~ /(^|[^a-z0-9])end/) return 0
		return 1
	}
	NR == 1 && /^%% / { next }
	/^sequenceDiagram$/ || /^    end$/ || /^    %% [0-9]+ same-host hops? \(Expressway B2BUA\) folded$/ { next }
	/^    box rgb\([0-9,]+\) Expressways?( pair)?$/ || /^    rect rgb\([0-9,]+\)$/ { next }
	/^    participant m[0-9]+ as / { t = $0; sub(/^    participant m[0-9]+ as /, "", t)
		if (text_ok(t)) next }
	/^    m[0-9]+--?>>m[0-9]+: / || /^    Note (right of m[0-9]+|over m[0-9]+(,m[0-9]+)?): / {
		t = $0; sub(/^[^:]*: /, "", t); if (text_ok(t)) next }
	{ print "bad line " NR ": " $0; bad = 1 }
	END { exit bad }' "$1"
}
for f in "$T"/*.mmd "$T/hostile.mermaid"; do
	check "export-mermaid-valid-$(basename "$f")" mermaid_valid "$f"
done
contains export-hostile-mermaid-entities "$T/hostile.mermaid" '#60;script#62;'

# --- configuration findings (no call) become notes across the diagram ----------
X=examples/contact-param-stripped
for f in plantuml mermaid; do
	"$XW" export -q --format $f --xconfig $X/xconfig-c.txt --xconfig $X/xconfig-e.txt \
	    -o "$T/xconf.$f" $X/*.log
done
contains export-xconfig-puml-note "$T/xconf.plantuml" '^note over m[0-9]+, m[0-9]+ #[0-9A-F]+ : [a-z]+ xconfig-'
contains export-xconfig-mermaid-note "$T/xconf.mermaid" '^    Note over m[0-9]+,m[0-9]+: [a-z]+ xconfig-'
check export-mermaid-valid-xconf mermaid_valid "$T/xconf.mermaid"

# --- plantuml renders every export (one JVM start for all) -------------------
mkdir -p "$T/puml"
cp "$T"/*.puml "$T/puml/"
cp "$T/hostile.plantuml" "$T/puml/hostile.puml"
cp "$T/xconf.plantuml" "$T/puml/xconf.puml"
plantuml -tsvg -failfast2 "$T"/puml/*.puml >"$T/puml.out" 2>&1
check export-plantuml-renders [ $? -eq 0 ]
lacks export-plantuml-no-error "$T/puml.out" '(Exception|[Ee]rror)'
for p in "$T"/puml/*.puml; do
	s=${p%.puml}.svg
	check "export-plantuml-svg-$(basename "$s")" [ -s "$s" ]
	lacks "export-plantuml-svg-clean-$(basename "$s")" "$s" '(An error has occured|Syntax Error)'
done
contains export-plantuml-hostile-text "$T/puml/hostile.svg" 'PWNED-HOST'
