# tests/sh/views.sh - the views agree and fit: for every example and the real
# sample, the browser (driven in tmux), show, diagnose and the HTML show the
# same findings (tests/tools/checkviews.py); at --width 80 no line of list,
# show or diagnose is longer than 80 cells; the order of the LOG arguments
# changes no output byte; --width, --wide and --color; goldens at 80 columns
# and at a wide width.
. "$TOP/tests/lib.sh"
cd "$TOP" || exit 2
T=$XW_TMP/views
mkdir -p "$T"
REAL=$XW_SHARED/real-logs
# the examples, the real sample, the bundles and the captures that hold a finding
INPUTS=$(ls -d examples/*/ "$REAL/" tests/data/bundles/*.tar.gz tests/data/captures/tls-*.pcap \
    tests/data/captures/tcp-*.pcap tests/data/captures/cert-*.pcap)

# name DIR: the name of an input for file names
name() { basename "$1"; }
# calls DIR: every call number of an input, OPTIONS exchanges included
calls() { "$XW" list -q --all --json "$1" | python3 -c 'import json,sys
print(" ".join(str(c["number"]) for c in json.load(sys.stdin)["calls"]))'; }

# --- the same findings in every view ------------------------------------------
HAVE_TMUX=1
command -v tmux >/dev/null 2>&1 || HAVE_TMUX=
XWA=$(cd "$(dirname "$XW")" && pwd)/$(basename "$XW")
printf 'set -g status off\nset -g history-limit 0\n' > "$T/tmux.conf"
TRIES=100
[ -n "${XW_SANITIZED:-}" ] && TRIES=300
RUN=0 SOCK=xwviews$$-0 # a fresh server per run: a dying one refuses new sessions
trap 'tmux -L "$SOCK" kill-server >/dev/null 2>&1; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/xwviews$$-"*' EXIT
# browser_findings DIR OUT: the browser's findings screen (F) on DIR, captured.
browser_findings() {
	local i
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
	RUN=$((RUN + 1)) SOCK=xwviews$$-$RUN
	printf '#!/bin/bash\nenv TERM=xterm-256color LC_ALL=C %q -q %q\nsleep 600\n' "$XWA" \
	    "$(realpath "$1")" > "$T/run.sh"
	tmux -L "$SOCK" -f "$T/tmux.conf" new-session -d -s xw -x 200 -y 60 "bash $T/run.sh"
	for ((i = 0; i < TRIES; i++)); do
		tmux -L "$SOCK" capture-pane -p -t xw | grep -qE ' (Calls|Findings) ' && break
		sleep 0.1
	done
	tmux -L "$SOCK" send-keys -t xw F
	for ((i = 0; i < TRIES; i++)); do
		tmux -L "$SOCK" capture-pane -p -t xw > "$2"
		grep -qE ' Findings .*[0-9]+/[0-9]+ findings' "$2" && break
		sleep 0.1
	done
	tmux -L "$SOCK" send-keys -t xw Q
}
names=
for d in $INPUTS; do
	n=$(name "$d")
	names="$names $n"
	"$XW" diagnose -q --json "$d" > "$T/$n.diagnose.json"
	for c in $(calls "$d"); do
		"$XW" show -q --width 1000 "$c" "$d" > "$T/$n.show-$c.txt"
	done
	"$XW" export -q --all --format html "$d" > "$T/$n.html"
	if [ -n "$HAVE_TMUX" ]; then
		browser_findings "$d" "$T/$n.browser.txt"
	else
		python3 -c 'import json,sys
for f in json.load(open(sys.argv[1]))["findings"]:
    print(" %s %s %s x %s x" % ("?", f["severity"], f["id"], "call %d" % f["call"] if f["call"]
        else "connection"))' "$T/$n.diagnose.json" > "$T/$n.browser.txt"
	fi
done
[ -n "$HAVE_TMUX" ] || ok "views-browser-skipped-no-tmux"
python3 tests/tools/checkviews.py "$T" $names

# --- at 80 columns, nothing longer ---------------------------------------------
# cells FILE...: prints FILE:LINE:CELLS for each line longer than 80 cells
# (East Asian wide characters take two, combining marks none).
cells() {
	python3 - "$@" <<'EOF'
import sys, unicodedata
for path in sys.argv[1:]:
    for no, line in enumerate(open(path, encoding="utf-8", errors="replace"), 1):
        w = sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF"
                else 1 for ch in line.rstrip("\n"))
        if w > 80:
            print("%s:%d:%d" % (path, no, w))
EOF
}
W=$T/w80
mkdir -p "$W"
for d in $INPUTS; do
	n=$(name "$d")
	"$XW" list -q --width 80 "$d" > "$W/$n.list"
	"$XW" list -q --all --width 80 "$d" > "$W/$n.list-all"
	"$XW" diagnose -q --width 80 "$d" > "$W/$n.diagnose"
	for c in $(calls "$d"); do
		"$XW" show -q --width 80 "$c" "$d" > "$W/$n.show-$c"
		"$XW" show -q --all-hops --width 80 "$c" "$d" > "$W/$n.show-$c-hops"
	done
done
cells "$W"/* > "$T/long"
[ ! -s "$T/long" ] && ok "width-80-fits ($(ls "$W" | wc -l) outputs)" \
    || fail width-80-fits "$(head -3 "$T/long" | tr '\n' ' ')"
# piped, with no COLUMNS: 80; COLUMNS says otherwise; --width wins; --wide is today's
d=examples/contact-param-stripped/
env -u COLUMNS "$XW" show -q 1 $d > "$T/piped"
check width-default-80 cmp -s "$T/piped" "$W/contact-param-stripped.show-1"
COLUMNS=132 "$XW" show -q 1 $d > "$T/c132"
COLUMNS=40 "$XW" show -q --width 132 1 $d > "$T/w132"
check width-columns-env cmp -s "$T/c132" "$T/w132"
check width-columns-wider [ "$(awk '{ if (length > m) m = length } END { print m }' "$T/c132")" -gt 80 ]
"$XW" show -q --wide 1 $d > "$T/wide"
check width-wide-is-full-layout grep -qE '^18:01:44\.607 +\+0\.000 +\|-+>\|' "$T/wide"
"$XW" show -q --width 5 1 $d > /dev/null 2>"$T/err"
check width-bad-exit-2 [ $? -eq 2 ]
contains width-bad-says-why "$T/err" 'width wants a number'
# colour: never piped, always when asked; NO_COLOR and --color=never win over auto
"$XW" show -q --color=always 1 $d > "$T/colour"
contains color-always "$T/colour" $'\033\\[1;33m'
NO_COLOR=1 "$XW" diagnose -q --color=auto $d > "$T/nocolour"
lacks color-auto-piped "$T/nocolour" $'\033'
NO_COLOR=1 "$XW" list -q --color=always $d > "$T/always"
contains color-always-beats-no-color "$T/always" $'\033\\['
"$XW" list -q --color=sometimes $d >/dev/null 2>&1
check color-bad-exit-2 [ $? -eq 2 ]

# --- the order of the LOG arguments changes nothing -----------------------------
same=0 diff=
for d in examples/*/; do
	set -- "$d"*.log
	[ $# -ge 2 ] || continue
	a=$1 b=$2
	for cmd in "list" "list --json --all" "diagnose" "diagnose --json" "show 1" "show --json 1" \
	    "export --format json" "export --format text" "export --format html"; do
		"$XW" $cmd -q "$a" "$b" > "$T/ab" 2>&1 || true
		"$XW" $cmd -q "$b" "$a" > "$T/ba" 2>&1 || true
		if cmp -s "$T/ab" "$T/ba"; then same=$((same + 1)); else diff="$diff $(name "$d"):$cmd"; fi
	done
done
[ -z "$diff" ] && ok "log-order-changes-nothing ($same outputs)" || fail log-order-changes-nothing "$diff"

# --- what the narrow views say -------------------------------------------------
S=examples/sdp-codec-mismatch/
"$XW" show -q --width 80 1 $S > "$T/sdp80"
contains show-label-q850-cut "$T/sdp80" '\| BYE \(Q\.850 4~ \|'
contains show-label-q850-told "$T/sdp80" '^ +> BYE \(Q\.850 47 Resource unavailable\)$'
contains show-label-audio-refused "$T/sdp80" '^ +> 200 OK \(audio refused\)$'
contains show-marker-on-arrow "$T/sdp80" '^  M +\+[0-9.]+ +\|'
contains show-finding-under-arrow "$T/sdp80" '^ +\^ M error sdp-codec-mismatch: the audio offer'
contains show-evidence-quoted "$T/sdp80" '^ +m=audio 0 RTP/SAVP 18'
contains show-clock "$T/sdp80" '^Clock: +times on amer-expressway01, others corrected by the estimated skew'
"$XW" show -q --width 120 1 examples/preloaded-route-rejected/ > "$T/route"
contains show-label-reason "$T/route" '\| +404 Policy Response +\|'
"$XW" show -q --width 120 1 examples/session-id-legs/ > "$T/legs"
contains show-legs-legend "$T/legs" '^ +B 4371c4c6-f15a434c-5065f-1501a8c0@192\.168\.1\.21 \(linked by session-id\)$'
contains show-leg-letter "$T/legs" '^B +\+[0-9.]+ +\|'
"$XW" list -q --width 80 examples/tls-untrusted-ca/ > "$T/tls-list"
contains list-says-unattached "$T/tls-list" '^  error   A tls-untrusted-ca  connection amer-expressway01 146\.20\.193\.73:56439$'
"$XW" list -q --width 200 examples/contact-param-stripped/ > "$T/cps-wide"
contains list-wide-ids "$T/cps-wide" ' contact-param-stripped$'
"$XW" list -q --width 80 examples/contact-param-stripped/ > "$T/cps-80"
contains list-narrow-markers "$T/cps-80" ' S$'
contains list-narrow-legend "$T/cps-80" '^Findings: S contact-param-stripped$'
contains list-uri-marked "$T/cps-80" 'jorobb@dm[a-z.]*~'
"$XW" diagnose -q --width 80 examples/q850-cause/ > "$T/q850"
contains diagnose-quotes-reason "$T/q850" '^      Reason: Q\.850;cause=31$'
# connection-only exports write the findings instead of refusing
for f in text html json; do
	"$XW" export -q --format $f examples/tls-untrusted-ca/ > "$T/tls.$f"
	check "export-findings-alone-$f" [ $? -eq 0 -a -s "$T/tls.$f" ]
done
contains export-text-findings-alone "$T/tls.text" '^  A error tls-untrusted-ca  connection amer-expressway01'
check export-json-findings-alone python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
assert d["calls"] == [] and d["findings"][0]["id"] == "tls-untrusted-ca"
assert d["findings"][0]["evidence"][0]["text"].startswith("Src-ip=")' "$T/tls.json"
"$XW" export -q --format mermaid examples/tls-untrusted-ca/ > /dev/null 2>"$T/err"
check export-mermaid-no-call-refused [ $? -eq 1 ]
contains export-refusal-names-formats "$T/err" 'export as text, html or json'

# --- goldens at 80 columns and wide ---------------------------------------------
"$XW" show -q --width 80 1 examples/q850-cause/ > "$T/g1"; golden views-q850-show-80.txt "$T/g1"
"$XW" show -q --width 200 1 examples/q850-cause/ > "$T/g2"; golden views-q850-show-200.txt "$T/g2"
"$XW" show -q --width 80 1 examples/session-id-legs/ > "$T/g3"; golden views-legs-show-80.txt "$T/g3"
"$XW" list -q --width 80 examples/contact-param-stripped/ > "$T/g4"; golden views-cps-list-80.txt "$T/g4"
"$XW" list -q --width 200 examples/contact-param-stripped/ > "$T/g5"; golden views-cps-list-200.txt "$T/g5"
"$XW" diagnose -q --width 80 examples/preloaded-route-rejected/ > "$T/g6"
golden views-route-diagnose-80.txt "$T/g6"
"$XW" diagnose -q --width 200 examples/preloaded-route-rejected/ > "$T/g7"
golden views-route-diagnose-200.txt "$T/g7"
"$XW" list -q --width 80 examples/tls-untrusted-ca/ > "$T/g8"; golden views-tls-list-80.txt "$T/g8"
