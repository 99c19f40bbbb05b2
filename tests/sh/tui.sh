# tests/sh/tui.sh - the browser, driven for real in tmux: keys in with
# send-keys, screens out with capture-pane, assertions on what is shown.
# Runs: colour UTF-8 at 120x40 (list, filter, mouse, ladder, findings,
# message, compare, resize), ASCII at 80x24 (Q.850 decoding, help),
# monochrome (NO_COLOR and --no-color: no colour escapes, attributes kept),
# a hostile log (escape sequences shown as ^[, never sent), the input
# problems screen (skipped and repaired blocks by file and line), and a log
# truncated while it is browsed.
. "$TOP/tests/lib.sh"
if ! command -v tmux >/dev/null 2>&1; then
	ok "tui-skipped-no-tmux"
	exit 0
fi
T=$XW_TMP/tui
mkdir -p "$T"
XWA=$(cd "$(dirname "$XW")" && pwd)/$(basename "$XW") # the pane starts in $T
RUN=0 SOCK=xwtest$$-0  # a fresh server per run: a dying one refuses new sessions
TRIES=100
[ -n "${XW_SANITIZED:-}" ] && TRIES=300
printf 'set -g status off\nset -g history-limit 0\n' > "$T/tmux.conf"

tm() { tmux -L "$SOCK" -f "$T/tmux.conf" "$@"; }
# the servers are gone by then; their socket files are not
trap 'tm kill-server >/dev/null 2>&1; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/xwtest$$-"*' EXIT

# start W H ENV ARGS...: runs the browser in a fresh W x H pane with ENV
# (space-separated assignments) set; the pane says EXITED n when it ends.
start() {
	local w=$1 h=$2 envs=$3 q=""
	shift 3
	for a in "$@"; do q="$q $(printf '%q' "$a")"; done
	tm kill-server >/dev/null 2>&1
	RUN=$((RUN + 1)) SOCK=xwtest$$-$RUN
	printf '#!/bin/bash\nenv TERM=xterm-256color %s %q%s\necho "EXITED $?"\nsleep 600\n' \
	    "$envs" "$XWA" "$q" > "$T/run.sh"
	tm new-session -d -s xw -x "$w" -y "$h" -c "$T" "bash $T/run.sh"
}
screen() { tm capture-pane -p -t xw "$@"; }
keys() { tm send-keys -t xw "$@"; }
# wait_for NAME REGEX: ok once the screen shows REGEX (polled), else FAIL
# with the screen on stderr; returns non-zero then.
wait_for() {
	local i
	for ((i = 0; i < TRIES; i++)); do
		if screen | grep -qE -- "$2"; then ok "$1"; return 0; fi
		sleep 0.1
	done
	fail "$1" "screen never showed /$2/"
	screen | sed 's/^/    | /' >&2
	return 1
}
# lacks_now NAME REGEX: ok when the current screen does not show REGEX.
lacks_now() {
	if screen | grep -qE -- "$2"; then fail "$1" "screen shows /$2/"; screen >&2
	else ok "$1"; fi
}
# click Y X [double]: a left click (1-based cell) as an SGR mouse report.
click() {
	local s=$'\e[<0;'"$2;$1"
	tm send-keys -t xw -l "${s}M${s}m${3:+${s}M${s}m}"
}
# colours FILE: prints the SGR colour parameters found in an `capture-pane -e` dump.
colours() {
	python3 - "$1" <<'EOF'
import re, sys
bad = set()
for m in re.finditer(r'\x1b\[([0-9;]*)m', open(sys.argv[1], encoding='utf-8', errors='replace').read()):
    for p in (m.group(1) or '0').split(';'):
        n = int(p) if p.isdigit() else 0
        if 30 <= n <= 38 or 40 <= n <= 48 or 90 <= n <= 97 or 100 <= n <= 107:
            bad.add(n)
print(' '.join(map(str, sorted(bad))))
EOF
}
UTF8=C.UTF-8
locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' || UTF8=en_US.UTF-8
# this script's own greps read the screen as UTF-8 too: in the C locale that
# CI may give, /─+/ repeats the last byte of ─, not the character
export LC_ALL=$UTF8

# --- 1: colour, UTF-8, 120x40: list -> filter -> ladder -> message -> compare
CPS=$TOP/examples/contact-param-stripped HIN=$TOP/examples/healthy-inbound
start 120 40 "LC_ALL=$UTF8" "$CPS" "$HIN"
wait_for list-opens ' Calls .* calls'
wait_for list-status-hosts 'amer-expressway01 \(E\)'
screen | grep -qE 'rtp12-tpdmz-118-VCSC \(C\)' && ok list-status-roles || fail list-status-roles
screen | grep -qE '^ +1 [0-9:.]+ jorobb@.* S *$' && ok list-finding-marker || fail list-finding-marker
keys /
wait_for filter-prompt 'Filter rows'
keys -l 623cea3f
keys Enter
wait_for filter-one-call '/623cea3f/ +1/[0-9]+ calls'
click 3 10 double
wait_for mouse-opens-ladder '^ Call [0-9]+ +INVITE jorobb@'
wait_for ladder-machines 'Webex +amer-expressway01 +rtp12-tpdmz-118-VCSC +CUCM 192.168.1.21'
wait_for ladder-roles 'webex +expressway-e +expressway-c +cucm'
wait_for ladder-arrow '│─+>│'
screen | grep -qE '^ {10,}S +│' && ok ladder-finding-marker || fail ladder-finding-marker
wait_for findings-panel 'Findings \(1\)'
screen | grep -qE '^ W S contact-param-stripped +at [0-9:.]+: .*call-type=squared' \
    && ok findings-panel-text || fail findings-panel-text
screen | grep -qE '^INVITE sip:pstojano-test@rtp.ciscotac.net SIP/2.0' && ok preview-pane \
    || fail preview-pane
keys Tab
wait_for finding-detail '^Fix'
wait_for finding-jumps-to-arrow ' ([2-9]|[1-9][0-9])/[0-9]+( |$)'
keys Enter
wait_for message-view 'Call [0-9]+ +message [0-9]+/[0-9]+ +INVITE'
wait_for message-contact-absent 'call-type=squared absent here; the previous hop.s copy had it \(expressway-e.log:[0-9]+\)'
screen | grep -qE '^!warning S contact-param-stripped: ' && ok message-finding-note || fail message-finding-note
screen | grep -qE '^ Route: <sip:cucm' && ok message-route || fail message-route
screen | grep -qE '^ m=audio .*\[G722' && ok message-codecs || fail message-codecs
keys c
wait_for compare-hop 'compare two messages'
wait_for compare-hop-diff '~Max-Forwards: 16 +│~Max-Forwards: 15'
screen | grep -qE '│\+Record-Route:' && ok compare-added || fail compare-added
keys q
wait_for back-to-message 'message [0-9]+/[0-9]+ +INVITE'
keys q
wait_for back-to-ladder 'Findings \(1\)'
keys c
wait_for compare-call 'Expressway-C log \| Expressway-E log'
wait_for compare-twins-same-row '=[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} INVITE'
tm resize-window -t xw -x 100 -y 30
wait_for resize-redraws '^ Call [0-9]+ +compare'
[ "$(screen | wc -l)" -eq 30 ] && screen | tail -1 | grep -q 'q back' && ok resize-bottom-line \
    || fail resize-bottom-line
keys q
wait_for resize-ladder 'Findings \(1\)'
[ "$(screen | head -1 | awk '{ print length }')" -eq 99 ] && ok resize-width || fail resize-width
keys q
wait_for back-to-list ' Calls '
keys Q
wait_for quit-exits-0 '^EXITED 0'

# --- 2: ASCII line drawing at 80x24: Q.850 decoded inline, help legend
start 80 24 "LC_ALL=C" "$TOP/examples/q850-cause"
wait_for small-list-opens ' Calls .* calls'
screen | tail -1 | grep -q 'Enter flow' && ok small-hints || fail small-hints
keys Enter
wait_for small-ladder-ascii '\|-+>\|'
screen | LC_ALL=C grep -q $'\xe2\x94' && fail small-no-utf8 || ok small-no-utf8
keys /
keys -l 'cause=31'
keys Enter
wait_for small-search-note '[0-9]+/[0-9]+ *$'
keys Enter
wait_for q850-decoded 'Reason: Q.850;cause=31 +\[Q.850 31 \(Normal, unspecified\)\]'
keys '?'
wait_for help-opens 'Help'
for i in 1 2 3 4 5 6 7 8; do screen | grep -q 'Q  q850-cause' && break; keys NPage; sleep 0.2; done
# the legend says no severity: q850-cause is an error or only information, by cause
wait_for help-legend '^ Q  q850-cause *$'
keys Q
wait_for small-quit '^EXITED 0'

# --- 3: monochrome: NO_COLOR, then --no-color; bold/reverse still mark things
start 120 40 "LC_ALL=$UTF8 NO_COLOR=1" "$CPS"
wait_for mono-list ' Calls .* calls'
screen -e > "$T/mono-list"
[ -z "$(colours "$T/mono-list")" ] && ok mono-list-no-colour || fail mono-list-no-colour "$(colours "$T/mono-list")"
grep -qE $'^\e\\[([0-9;]*;)?7m.* 1 [0-9:.]+ jorobb@' "$T/mono-list" && ok mono-selection-reverse \
    || fail mono-selection-reverse
keys Enter
wait_for mono-ladder 'Findings \(1\)'
screen -e > "$T/mono-flow"
[ -z "$(colours "$T/mono-flow")" ] && ok mono-ladder-no-colour || fail mono-ladder-no-colour "$(colours "$T/mono-flow")"
grep -qE $'\e\\[[0-9;]*1m[^\e]*W S contact-param-stripped' "$T/mono-flow" && ok mono-finding-bold \
    || fail mono-finding-bold
keys Q
wait_for mono-quit '^EXITED 0'
start 100 30 "LC_ALL=$UTF8" --no-color "$CPS"
wait_for nocolor-list ' Calls .* calls'
screen -e > "$T/nocolor"
[ -z "$(colours "$T/nocolor")" ] && ok no-color-option || fail no-color-option "$(colours "$T/nocolor")"
start 100 30 "LC_ALL=$UTF8" "$CPS"
wait_for colour-list ' Calls .* calls'
screen -e > "$T/colour"
[ -n "$(colours "$T/colour")" ] && ok colour-by-default || fail colour-by-default

# --- 4: a hostile log: escape sequences in the display name and User-Agent
E=$(printf '\033')
hdr() {
	printf '2018-01-01T12:56:%s-05:00 exp-e1 tvcs: UTCTime="2018-01-01 17:56:%s" Module="network.sip" Level="DEBUG":  Action="%s" Local-ip="10.81.54.5" Local-port="5061" %s-ip="10.0.0.9" %s-port="47177"\n SIPMSG:\n' \
	    "$1" "${1/./,}" "$2" "$3" "$3"
}
frame() { sed '1s/^/|/; s/^/ /'; echo ' |'; echo; }
{
	hdr 48.100 Received Src
	printf 'INVITE sip:bob@example.com SIP/2.0\nVia: SIP/2.0/TLS 10.0.0.9:5061;branch=z9hG4bKevil1\nCall-ID: evil-call-1\nCSeq: 1 INVITE\nFrom: "%s[31mEvil%s]0;pwned\a" <sip:alice@example.com>;tag=a1\nTo: <sip:bob@example.com>\nContact: <sip:alice@10.0.0.9:5061>\nUser-Agent: %s[2J%s[Hwiper\nMax-Forwards: 70\nContent-Length: 0\n\n' \
	    "$E" "$E" "$E" "$E" | frame
	hdr 48.200 Sent Dst
	printf 'SIP/2.0 486 Busy Here\nVia: SIP/2.0/TLS 10.0.0.9:5061;branch=z9hG4bKevil1\nCall-ID: evil-call-1\nCSeq: 1 INVITE\nFrom: "%s[31mEvil" <sip:alice@example.com>;tag=a1\nTo: <sip:bob@example.com>;tag=b2\nContent-Length: 0\n\n' \
	    "$E" | frame
} > "$T/evil.log"
start 100 30 "LC_ALL=$UTF8" "$T/evil.log"
wait_for hostile-list ' Calls .* calls'
keys Enter
wait_for hostile-ladder '486 Busy Here'
keys Enter
wait_for hostile-escape-visible 'From: "\^\[\[31mEvil\^\[\]0;pwned\^G"'
screen | grep -qF 'User-Agent: ^[[2J^[[Hwiper' && ok hostile-ua-visible || fail hostile-ua-visible
[ "$(tm display -p -t xw '#{pane_title}')" != pwned ] && ok hostile-title-untouched \
    || fail hostile-title-untouched
screen -e > "$T/evil-screen"
grep -qF "$E[2J" "$T/evil-screen" && fail hostile-no-raw-escape || ok hostile-no-raw-escape
keys Q
wait_for hostile-quit '^EXITED 0'

# --- 5: input problems: skipped and repaired blocks with file and line, a
# hostile first line in a reason and a hostile file name, scrolling, Enter
invite() {
	printf 'INVITE sip:bob@example.com SIP/2.0\nVia: SIP/2.0/TLS 10.0.0.9:5061;branch=z9hG4bK%s\nCall-ID: %s\nCSeq: 1 INVITE\nFrom: <sip:alice@example.com>;tag=a1\nTo: <sip:bob@example.com>\nMax-Forwards: 70\n%s' \
	    "$1" "$1" "$2"
}
{
	hdr 48.100 Received Src; invite good-1 $'Content-Length: 0\n\n' | frame
	hdr 48.110 Received Src; printf '%s[2Jwiped%s]0;pwned\aINVITE\n' "$E" "$E" | frame
	for i in $(seq 10 49); do hdr 48.$((i + 100)) Received Src; printf 'junk block %s\n' "$i" | frame; done
	hdr 48.900 Received Src
	invite lied-1 $'Content-Type: text/plain\nContent-Length: 900\n\nhello there\n' | frame
} > "$T/probs.log"
EVIL="zevil$E[2Jname.log"
{ hdr 49.100 Received Src; printf 'not sip either\n' | frame; } > "$T/$EVIL"
# a bundle cut short inside a member with a hostile name: the reason itself
# holds the name's raw escape bytes
mkdir -p "$T/cut"
cutlog() { for i in $(seq 10 "$1"); do hdr 50.$((i + 100)) Received Src; invite "cut-$i" $'Content-Length: 0\n\n' | frame; done; }
cutlog 40 > "$T/cut/b$E[2Jcut.log"
tar -cf "$T/full.tar" -C "$T/cut" "b$E[2Jcut.log"
# cut where the 10th entry ends (the member's data starts after its 512-byte header)
# (named after probs.log: logs are read in path order)
head -c $((512 + $(cutlog 19 | wc -c))) "$T/full.tar" > "$T/zcut.tar"
L_BAD=$(grep -an 'wiped' "$T/probs.log" | cut -d: -f1)
L_PG=$(grep -an '|junk block 34$' "$T/probs.log" | cut -d: -f1) # row 26: one page below row 1
L_REP=$(grep -an '|INVITE sip:bob@example.com' "$T/probs.log" | tail -1 | cut -d: -f1)
start 100 30 "LC_ALL=$UTF8" probs.log "$EVIL" zcut.tar
wait_for problems-list ' Calls .* calls'
wait_for problems-status-hint '43 skipped, 1 repaired — press i *$'
keys i
wait_for problems-opens 'Input problems +43 skipped, 1 repaired in 3 files'
wait_for problems-skipped-row "^ probs\.log +$L_BAD +skipped +SIP message skipped: libosip2 could not parse"
screen | grep -qF '"^[[2Jwiped^[' && ok problems-hostile-reason-visible \
    || fail problems-hostile-reason-visible
screen -e > "$T/probs-screen"
grep -qF "$E[2J" "$T/probs-screen" && fail problems-no-raw-escape || ok problems-no-raw-escape
[ "$(tm display -p -t xw '#{pane_title}')" != pwned ] && ok problems-title-untouched \
    || fail problems-title-untouched
wait_for problems-status-location "^ probs\.log:$L_BAD +nothing was read"
lacks_now problems-repaired-below-the-page ' repaired +Content-Length'
keys NPage
wait_for problems-pgdn "^ probs\.log:$L_PG "
keys -l $'\eOF' # End as an xterm sends it (tmux's own End is not in xterm's terminfo)
wait_for problems-end-repaired-row "^ probs\.log +$L_REP +repaired +Content-Length 900 did not match"
wait_for problems-end-hostile-name '^ zevil\^\[\[2Jname\.log +3 +skipped +SIP message skipped'
wait_for problems-end-cut-reason '^ zcut\.tar:b\^\[\[2Jcut\.log +[0-9]+ +skipped +zcut\.tar:b\^\[\[2Jcut\.log is cut short'
lacks_now problems-end-scrolled "^ probs\.log +$L_BAD "
screen -e | grep -qF "$E[2J" && fail problems-name-no-raw-escape || ok problems-name-no-raw-escape
keys Up Up Enter
wait_for problems-enter-message 'Call [0-9]+ +message 1/1 +INVITE'
wait_for problems-message-location "^probs\.log:$L_REP "
screen | grep -qE '^ Content-Length: 900' && ok problems-message-text || fail problems-message-text
keys q
wait_for problems-back-from-message 'Input problems'
keys -l $'\eOH' # Home: the files' account rows come first, one per file
wait_for problems-home "^ probs\.log +partly +Expressway log: 2 of 43 SIPMSG blocks"
wait_for problems-account-cut '^ zcut\.tar:b\^\[\[2Jcut\.log +read +Expressway log'
keys Enter
wait_for problems-account-note "the file's account"
keys Down Down Down Enter
wait_for problems-skipped-note "line $L_BAD was skipped"
keys Escape
wait_for problems-closes ' Calls .* calls'
keys '?'
wait_for problems-help 'i +input problems: every SIP block skipped or repaired'
keys Q
wait_for problems-quit '^EXITED 0'

# --- 6: a log truncated while it is browsed (rotated in place): the pages of
# the mapped text past the cut raised SIGBUS when a message was opened (exit
# 135); now they read as NUL bytes and the browser stays up
cp "$TOP/examples/q850-cause/expressway-e.log" "$T/shrink.log"
start 100 30 "LC_ALL=$UTF8" "$T/shrink.log"
wait_for shrink-list ' Calls .* calls'
: > "$T/shrink.log"
keys Enter
wait_for shrink-ladder '^ Call 1 +INVITE'
keys Enter
wait_for shrink-message-as-nul '^ Call 1 +message 1/[0-9]+ +INVITE' && \
    { screen | grep -qF '^@^@^@' && ok shrink-text-empty || fail shrink-text-empty; }
lacks_now shrink-alive 'EXITED [0-9]'
keys Q
wait_for shrink-quit '^EXITED 0'

# --- 7: findings where the user looks. A TLS-only load (no call, an error of a
# connection) opens on the findings screen; Enter quotes the log lines that
# prove it, in their file, with their context.
start 120 40 "LC_ALL=$UTF8" "$TOP/examples/tls-untrusted-ca"
wait_for findings-first ' Findings +1/1 findings'
wait_for findings-row '^ A error +tls-untrusted-ca +amer-expressway01 +connection +amer-expressway01 rejected'
wait_for findings-detail-quote '^ +Event="Inbound TLS Negotiation Error" Service="SIP"'
keys Enter
wait_for proof-opens ' Proof +tls-untrusted-ca +quoted line 1/10'
wait_for proof-file-line 'tls-untrusted-ca/+expressway-e\.log:42 *$'
wait_for proof-quoted-line '^! +42  2017-09-20T10:49:18\.120-04:00 amer-expressway01 tvcs: '
screen | grep -qE '^ +41  2017-09-20T10:49:16' && ok proof-context || fail proof-context
keys n n
wait_for proof-proving-line '^! +45  .*Event="Inbound TLS Negotiation Error"'
screen | grep -qE '^! .*Detail="self signed certificate' && ok proof-quotes-the-error \
    || fail proof-quotes-the-error
keys q
wait_for proof-back ' Findings +1/1'
keys q
wait_for findings-under-list ' Calls .* 0/2 calls'
screen | grep -qE 'F lists the findings' && ok list-points-at-findings || fail list-points-at-findings
keys F
wait_for findings-key ' Findings +1/1'
keys Q
wait_for findings-quit '^EXITED 0'
# A call finding: the ladder at the flagged arrow, and over it the message
# view on the line that proves it (m=audio 0 of the answer).
start 120 40 "LC_ALL=$UTF8" "$TOP/examples/sdp-codec-mismatch"
wait_for call-load-lists ' Calls .* 1/[0-9]+ calls'
keys F
wait_for call-findings '^ M error +sdp-codec-mismatch +amer-expressway01 +call 1 '
screen | grep -qE '^ Q error +q850-cause .* call 1 ' && ok call-findings-both || fail call-findings-both
keys Enter
wait_for finding-message-title 'Call 1 +message 16/35 +200 OK'
wait_for finding-message-line '^>m=audio 0 RTP/SAVP 18 +\[G729\]'
keys q
wait_for finding-ladder-at-arrow '^ Call 1 +INVITE .* 10/21 '
screen | grep -qE '^ +M +│ 200 OK \(audio refuse' && ok finding-arrow-marked || fail finding-arrow-marked
screen | grep -qE 'times on amer-expressway01, others corrected by the estimated skew' \
    && ok ladder-says-clock || fail ladder-says-clock
keys Q
wait_for call-findings-quit '^EXITED 0'
# Legs told apart: a letter by each arrow, the legend under the ladder; a
# wide list shows the findings' ids.
start 200 30 "LC_ALL=$UTF8" "$TOP/examples/session-id-legs" "$CPS"
wait_for wide-list ' Calls '
wait_for wide-list-ids '^ +[0-9]+ .* contact-param-stripped *$'
keys Down Enter
wait_for legs-legend '^A 593b909a0fa4… \(the call.s own\)  B 4371c4c6-f15… \(session-id\)'
screen | grep -qE '^ B +│' && ok legs-letter || fail legs-letter
keys Q
wait_for legs-quit '^EXITED 0'
# A capture's connection rows among the arrows, dotted; w hides and shows
# them, keeping the selected message; a load without a capture says why w
# does nothing.
start 120 40 "LC_ALL=$UTF8" "$TOP/tests/data/captures/sip-tcp-call.pcap"
wait_for cap-list ' Calls '
keys Enter
wait_for cap-conn-rows 'TCP SYN/ACK'
screen | grep -qE '│·+>│|│\.+>│|│<·+│|│<\.+│' && ok cap-conn-dotted || fail cap-conn-dotted
keys w
wait_for cap-conn-hidden 'connection rows hidden'
lacks_now cap-conn-gone 'TCP (SYN|FIN)'
screen | grep -qE 'INVITE' && ok cap-conn-hidden-keeps-sip || fail cap-conn-hidden-keeps-sip
keys w
wait_for cap-conn-back 'TCP SYN/ACK'
keys Q
wait_for cap-quit '^EXITED 0'
start 120 40 "LC_ALL=$UTF8" "$CPS"
wait_for nocap-list ' Calls '
keys Enter
wait_for nocap-ladder '^ Call [0-9]+ '
keys w
wait_for nocap-w-says 'no connection rows: they come from a packet capture'
keys Q
wait_for nocap-quit '^EXITED 0'
