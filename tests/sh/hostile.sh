# tests/sh/hostile.sh - logs from strangers: every trap of issue 7, built at
# run time (nothing big in git). For each input `list --json` must exit 0
# (2 only for input that cannot be read at all, with one stderr line naming
# the file), never crash (exit >= 128), name skipped blocks by line, and
# keep every message that could be read. Terminal safety: no control byte
# of the log reaches the output of list or show.
. "$TOP/tests/lib.sh"
case $XW in /*) ;; *) XW=$PWD/$XW ;; esac # some tests run in other directories
H=$XW_TMP/hostile
rm -rf "$H"
mkdir -p "$H"
OUT=$H/out.json ERR=$H/err.txt

# hdr SEC [HOST]: a DEBUG network.sip entry header at 17:56:SEC UTC.
hdr() {
	printf '2018-01-01T12:56:%s-05:00 %s tvcs: UTCTime="2018-01-01 17:56:%s" Module="network.sip" Level="DEBUG":  Action="Received" Local-ip="10.81.54.5" Local-port="5061" Src-ip="10.0.0.9" Src-port="47177"\n' \
	    "$1" "${2:-exp-e1}" "${1/./,}"
}
# req CALLID [EXTRA]: an unframed request (LF lines), EXTRA header lines added.
req() {
	printf 'INVITE sip:bob@example.com SIP/2.0\nVia: SIP/2.0/TLS 10.0.0.9:5061;branch=z9hG4bK%s\nCall-ID: %s\nCSeq: 1 INVITE\nFrom: <sip:alice@example.com>;tag=a1\nTo: <sip:bob@example.com>\nMax-Forwards: 70\n%sContent-Length: 0\n\n' \
	    "$1" "$1" "${2:-}"
}
# frame: frames stdin as the Expressway does (" |" first, " " each, " |" last).
frame() { sed '1s/^/|/; s/^/ /'; echo ' |'; }
# entry SEC CALLID [EXTRA]: a whole good logged message.
entry() { hdr "$1"; echo ' SIPMSG:'; req "$2" "${3:-}" | frame; echo; }

# jpy FILE EXPR: prints the Python expression EXPR over the JSON in FILE (as j);
# fails when FILE is not valid JSON.
jpy() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# callids FILE: every Call-ID of every call in a list --json output, one a line.
callids() { jpy "$1" '"\n".join(i for c in j["calls"] for i in c["call_ids"])'; }
# skipped FILE: the lines of every skipped block, space-separated.
skipped() { jpy "$1" '" ".join(str(p["line"]) for f in j["files"] for p in f["skipped"])'; }

# xlist NAME LOG...: runs list --json --all; ok when it exits 0 and prints JSON
# within a minute (a hang is a failure too). Returns non-zero (after a FAIL
# line) so that callers can skip dependent checks.
xlist() {
	local n=$1; shift
	timeout 60 "$XW" list --json --all "$@" >"$OUT" 2>"$ERR"
	local rc=$?
	if [ $rc -eq 124 ]; then fail "$n" "hung (killed after 60 s)"; return 1; fi
	if [ $rc -ge 128 ]; then fail "$n" "crashed (exit $rc)"; head -5 "$ERR" >&2; return 1; fi
	if [ $rc -ne 0 ]; then fail "$n" "exit $rc"; head -5 "$ERR" >&2; return 1; fi
	if ! jpy "$OUT" 1 >/dev/null 2>&1; then fail "$n" "output is not JSON"; return 1; fi
	ok "$n"
}
# skips NAME FILE SEC: ok when the block of the entry logged at second SEC
# (its message starts two lines below the header) is named in "skipped".
skips() {
	local l s
	l=$(( $(grep -an "T12:56:$3-05:00" "$2" | head -1 | cut -d: -f1) + 2 ))
	s=$(skipped "$OUT")
	if [[ " $s " == *" $l "* ]]; then ok "$1"; else fail "$1" "skipped lines '$s', want $l"; fi
}
# has_ids NAME ID...: ok when the last list output has a call with every ID.
has_ids() {
	local n=$1 ids; shift
	ids=$(callids "$OUT")
	for id in "$@"; do
		if ! grep -qxF -- "$id" <<<"$ids"; then fail "$n" "message $id lost"; return; fi
	done
	ok "$n"
}
# unreadable NAME LOG: exit 2 (not a crash) with one stderr line naming LOG.
unreadable() {
	"$XW" list --json "$2" >"$OUT" 2>"$ERR"
	local rc=$? lines
	lines=$(wc -l <"$ERR")
	if [ $rc -ne 2 ]; then fail "$1" "exit $rc, want 2"; return; fi
	if [ "$lines" -ne 1 ] || ! grep -qF -- "$(basename "$2")" "$ERR"; then
		fail "$1" "want one stderr line naming the file, got $lines"; cat "$ERR" >&2; return
	fi
	ok "$1"
}
# either NAME LOG: exit 0, or exit 2 with one or two stderr lines naming LOG; never a crash.
either() {
	"$XW" list --json "$2" >"$OUT" 2>"$ERR"
	local rc=$?
	# random bytes may inflate to some text first: then a note of the cut comes
	# before the error; every line names the file
	local n named
	n=$(wc -l <"$ERR"); named=$(grep -cF -- "$(basename "$2")" "$ERR")
	if [ $rc -eq 0 ]; then ok "$1"
	elif [ $rc -eq 2 ] && [ "$n" -ge 1 ] && [ "$n" -le 2 ] && [ "$named" -eq "$n" ]; then ok "$1"
	else fail "$1" "exit $rc, $n stderr lines, $named naming the file"; head -5 "$ERR" >&2; fi
}

# --- lines of several MB: between entries, and inside a message
f=$H/longline.log
{ entry 48.100 good-1; head -c 5000000 /dev/zero | tr '\0' x; echo; entry 48.200 good-2
  entry 48.300 huge-hdr "X-Long: $(head -c 3000000 /dev/zero | tr '\0' y)
"; entry 48.400 good-3; } > "$f"
xlist long-line "$f" && has_ids long-line-kept good-1 good-2 good-3

# --- NUL bytes: a run between entries, and inside a message between two good ones
f=$H/nul.log
{ entry 48.100 good-1; head -c 4096 /dev/zero; echo; entry 48.200 good-2
  hdr 48.300; echo ' SIPMSG:'; req nul-1 | sed 's/^Call-ID: nul-1/Call-ID: nu\x00l-1\x00\x00/;s/^To:/T\x00o:/' | frame; echo
  entry 48.400 good-3; } > "$f"
xlist nul-bytes "$f" && has_ids nul-bytes-kept good-1 good-2 good-3 && skips nul-bytes-skipped "$f" 48.300

# --- invalid UTF-8 in names and values: kept, and the JSON stays valid UTF-8
f=$H/utf8.log
{ entry 48.100 good-1 "$(printf 'User-Agent: bad \xff\xfe \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80\nSubject: \xe2\x82\n')
"; entry 48.200 "bad-$(printf '\xff\xc3')-id"; } > "$f"
sed -i 's/^From: <sip:alice/From: "\xc3\x28\xa0\xa1" <sip:alice/' "$f"
if xlist invalid-utf8 "$f"; then
	has_ids invalid-utf8-kept good-1
	check invalid-utf8-json-is-utf8 iconv -f UTF-8 -t UTF-8 "$OUT"
fi

# --- CR-only line ends (an old Mac editor) and CRLF
f=$H/cr.log
{ entry 48.100 cr-1; entry 48.200 cr-2; } | tr '\n' '\r' > "$f"
xlist cr-only "$f" && has_ids cr-only-kept cr-1 cr-2
f=$H/crlf.log
{ entry 48.100 crlf-1; entry 48.200 crlf-2; } | sed 's/$/\r/' > "$f"
xlist crlf "$f" && has_ids crlf-kept crlf-1 crlf-2

# --- a SIPMSG with no closing | at the end of the file
f=$H/unclosed-eof.log
{ entry 48.100 good-1; hdr 48.200; echo ' SIPMSG:'; req open-1 | sed '1s/^/|/; s/^/ /'; } > "$f"
xlist unclosed-at-eof "$f" && has_ids unclosed-at-eof-kept good-1 open-1

# --- a closing | missing before the next header line
f=$H/unclosed-next.log
{ entry 48.100 good-1; hdr 48.200; echo ' SIPMSG:'; req open-2 | sed '1s/^/|/; s/^/ /'
  entry 48.300 good-2; } > "$f"
xlist unclosed-before-header "$f" && has_ids unclosed-before-header-kept good-1 open-2 good-2
contains unclosed-before-header-noted "$ERR" 'unclosed-next.log:[0-9]+: .*closing'

# --- SIPMSG: and nothing after it; a lone pipe; a corrupt block between two good ones
f=$H/corrupt.log
{ entry 48.100 good-1; hdr 48.150; echo ' SIPMSG:'
  hdr 48.200; echo ' SIPMSG:'; printf ' |this is not SIP at all\n |\n\n'
  hdr 48.250; echo ' SIPMSG:'; printf ' |\n\n'
  entry 48.300 good-2; } > "$f"
ln=$(grep -n 'this is not SIP' "$f" | cut -d: -f1)
if xlist corrupt-block "$f"; then
	has_ids corrupt-block-kept good-1 good-2
	s=$(skipped "$OUT")
	if [[ " $s " == *" $ln "* ]]; then ok corrupt-block-skipped-names-line
	else fail corrupt-block-skipped-names-line "skipped lines: '$s', want $ln"; fi
	contains corrupt-block-stderr-line "$ERR" "corrupt.log:$ln: "
fi

# --- Content-Length lying both ways (too long and too short) between good messages
f=$H/cl.log
sdp=$'v=0\no=- 1 1 IN IP4 10.0.0.9\ns=-\nc=IN IP4 10.0.0.9\nt=0 0\nm=audio 5004 RTP/AVP 0 8\n'
{ entry 48.100 good-1
  hdr 48.200; echo ' SIPMSG:'; req cl-long | sed 's/^Content-Length: 0/Content-Type: application\/sdp\nContent-Length: 99999/'; printf '%s' "$sdp"; } > "$H/cl-long.txt"
{ hdr 48.300; echo ' SIPMSG:'; req cl-short | sed 's/^Content-Length: 0/Content-Type: application\/sdp\nContent-Length: 3/'; printf '%s' "$sdp"; } > "$H/cl-short.txt"
{ entry 48.100 good-1
  { req cl-long | sed 's/^Content-Length: 0/Content-Type: application\/sdp\nContent-Length: 99999/'; printf '%s' "$sdp"; } | { hdr 48.200; echo ' SIPMSG:'; frame; echo; }
  { req cl-short | sed 's/^Content-Length: 0/Content-Type: application\/sdp\nContent-Length: 3/'; printf '%s' "$sdp"; } | { hdr 48.300; echo ' SIPMSG:'; frame; echo; }
  entry 48.400 good-2; } > "$f"
if xlist content-length-lies "$f"; then
	has_ids content-length-lies-kept good-1 cl-long cl-short good-2
	n=$(jpy "$OUT" 'sum(1 for f in j["files"] for p in f["repaired"] if "Content-Length" in p["reason"])')
	if [ "$n" -ge 2 ]; then ok content-length-lies-repaired; else fail content-length-lies-repaired "repaired: $n"; fi
fi

# --- headers repeated thousands of times, and one folded over thousands of lines
f=$H/repeat.log
via=$(for i in $(seq 5000); do printf 'Via: SIP/2.0/TLS 10.0.0.%d:5061;branch=z9hG4bK%d\n' $((i % 250)) "$i"; done)
route=$(for i in $(seq 3000); do printf 'Record-Route: <sip:10.0.0.1:5061;lr;n=%d>\n' "$i"; done)
fold=$(printf 'Subject: start\n'; for i in $(seq 3000); do printf '\tfolded %d\n' "$i"; done)
{ entry 48.100 good-1; entry 48.200 many-via "$via
"; entry 48.300 many-rr "$route
"; entry 48.400 folded "$fold
"; entry 48.500 good-2; } > "$f"
xlist repeated-headers "$f" && has_ids repeated-headers-kept good-1 many-via many-rr good-2

# --- a body with no blank line before it, and a blank line with no body
f=$H/noblank.log
{ entry 48.100 good-1
  { req noblank | sed '/^$/d; s/^Content-Length: 0/Content-Type: application\/sdp\nContent-Length: 20/'; printf 'v=0\nm=audio 1 RTP/AVP 0\n'; } | { hdr 48.200; echo ' SIPMSG:'; frame; echo; }
  entry 48.300 good-2; } > "$f"
if xlist body-without-blank-line "$f"; then
	has_ids body-without-blank-line-kept good-1 good-2
	# the blank line is put back: the message is read with its SDP, and noted
	callids "$OUT" | grep -qx noblank && ok body-without-blank-line-read ||
		fail body-without-blank-line-read "the message was not kept"
	l=$(( $(grep -an 'T12:56:48.200-05:00' "$f" | cut -d: -f1) + 2 ))
	contains body-without-blank-line-noted "$ERR" ":$l: note: no blank line between the headers and the body"
	"$XW" show --json noblank "$f" 2>/dev/null | grep -q '"codecs":"PCMU"' &&
		ok body-without-blank-line-sdp || fail body-without-blank-line-sdp
fi

# --- a header whose host is NUL bytes: a ladder column with an empty name
# (fuzz_scan crash-5829f5c6: show crashed in ladder.c put() on a NULL string)
f=$H/nulhost.log
entry 48.100 nulhost-1 | sed '1s/ exp-e1 / \x00\x00\x00 /' > "$f"
xlist nul-host "$f" && has_ids nul-host-kept nulhost-1
"$XW" show 1 "$f" >"$H/show.out" 2>"$ERR"; rc=$?
if [ $rc -eq 0 ]; then ok nul-host-show; else fail nul-host-show "exit $rc"; fi

# --- a TLS failure whose peer address is empty (fuzz_scan timeout-97634832:
# diag_tls.c group_peer looped forever on strstr(p, "") with an empty label)
f=$H/tls-nopeer.log
{ entry 48.100 tls-1
  for ip in 10.0.0.9 ""; do # a known peer first, then the empty one joins its group
	printf '2018-01-01T12:56:49.000-05:00 exp-e1 tvcs: Event="Inbound TLS Negotiation Error" Service="SIP" Src-ip="%s" Src-port="5062" Dst-ip="10.81.54.5" Dst-port="5061" Detail="Peer'"'"'s TLS certificate identity was unacceptable" Protocol="TLS" UTCTime="2018-01-01 17:56:49,000"\n' "$ip"
  done; } > "$f"
xlist tls-empty-peer "$f" && has_ids tls-empty-peer-kept tls-1
if "$XW" --help 2>&1 | grep -q diagnose; then
	timeout 60 "$XW" diagnose "$f" >/dev/null 2>&1; rc=$?
	if [ $rc -lt 2 ]; then ok tls-empty-peer-diagnose; else fail tls-empty-peer-diagnose "exit $rc"; fi
fi

# --- an empty file, and a file of blank lines: nothing usable, said so (exit 2)
: > "$H/empty.log"
unreadable empty-file "$H/empty.log" && grep -q 'empty file' "$ERR" && ok empty-file-said \
    || fail empty-file-said
printf '\n\n\r\n\r\r' > "$H/blank.log"
unreadable blank-file "$H/blank.log"

# --- a .gz that is not gzip; a file with gzip magic and garbage; a cut gzip
{ entry 48.100 gz-1; } > "$H/plain.gz"
xlist gz-not-gzip "$H/plain.gz" && has_ids gz-not-gzip-read gz-1
{ printf '\037\213\010\000'; head -c 3000 /dev/urandom; } > "$H/garbage.gz"
either gz-garbage "$H/garbage.gz"
{ for i in $(seq 200); do entry "48.$((100 + i))" "cut-$i"; done; } | gzip -c > "$H/full.gz"
# cut by a mail gateway: what came before the cut is kept, and the cut is named
head -c $(( $(stat -c %s "$H/full.gz") / 2 )) "$H/full.gz" > "$H/cut.gz"
if xlist gz-truncated "$H/cut.gz"; then
	has_ids gz-truncated-kept cut-1 cut-50
	contains gz-truncated-noted "$ERR" 'cut.gz:[0-9]+: cut short'
fi
for i in 1 2 3; do entry "48.$((100 + i))" "member-$i" > "$H/m$i.log"; head -c 300000 /dev/urandom | base64 >> "$H/m$i.log"; done
tar -czf "$H/bundle.tar.gz" -C "$H" m1.log m2.log m3.log
head -c $(( $(stat -c %s "$H/bundle.tar.gz") * 2 / 3 )) "$H/bundle.tar.gz" > "$H/bundle-cut.tar.gz"
xlist bundle-truncated "$H/bundle-cut.tar.gz" && has_ids bundle-truncated-kept member-1 member-2

# --- nested bundles, deeper than anyone nests them
d=$H/nest
mkdir -p "$d"
entry 48.100 nest-0 > "$d/level0.log"
tar -czf "$d/b0.tar.gz" -C "$d" level0.log
for i in 1 2 3 4 5 6 7; do
	entry "48.$((100 + i))" "nest-$i" > "$d/level$i.log"
	tar -czf "$d/b$i.tar.gz" -C "$d" "level$i.log" "b$((i - 1)).tar.gz"
done
xlist nested-bundles "$d/b7.tar.gz" && has_ids nested-bundles-outer-read nest-7 nest-6

# --- a tar with ../ and absolute paths, symlinks and hard links: nothing written
d=$H/evil/a/b/c
mkdir -p "$d" "$H/evil/src"
entry 48.100 evil-1 > "$H/evil/src/x.log"
tag=xw-hostile-$$-$RANDOM
ln -s /etc/passwd "$H/evil/src/link-passwd"
ln -s "../../../../$tag-linked" "$H/evil/src/link-up"
ln "$H/evil/src/x.log" "$H/evil/src/hard.log"
(cd "$H/evil/src" && tar -cPf "$H/evil/evil.tar" \
	--transform "s|^x.log|../../../$tag-dotdot.log|;s|^hard.log|/tmp/$tag-abs.log|" \
	x.log link-passwd link-up hard.log 2>/dev/null)
gzip -kc "$H/evil/evil.tar" > "$H/evil/evil.tar.gz"
if tar -tPf "$H/evil/evil.tar" | grep -q '^\.\./'; then
	for t in evil.tar evil.tar.gz; do
		(cd "$d" && "$XW" list --json --all "$H/evil/$t" >"$OUT" 2>"$ERR"); rc=$?
		if [ $rc -eq 0 ] || [ $rc -eq 2 ]; then ok "tar-escape-$t"; else fail "tar-escape-$t" "exit $rc"; fi
		left=$(ls -d "$H/evil/$tag"* "$H/$tag"* "$XW_TMP/$tag"* "/tmp/$tag"* "$d/../../../$tag"* 2>/dev/null)
		if [ -z "$left" ]; then ok "tar-escape-$t-nothing-written"
		else fail "tar-escape-$t-nothing-written" "$left"; fi
		if grep -q 'root:' "$OUT"; then fail "tar-escape-$t-no-symlink-followed"
		else ok "tar-escape-$t-no-symlink-followed"; fi
	done
	has_ids tar-escape-members-read evil-1
else
	ok "tar-escape # skip: tar cannot write ../ members"
fi

# --- a directory of 10,000 tiny files (ten of them logs)
d=$H/many
mkdir -p "$d"
for i in $(seq 10000); do printf 'x\n' > "$d/f$i.txt"; done
for i in 1 1000 2000 3000 4000 5000 6000 7000 8000 9999; do entry 48.100 "many-$i" > "$d/f$i.txt"; done
xlist dir-10000-files "$d" && has_ids dir-10000-files-read many-1 many-5000 many-9999

# --- a file that grows while it is read (a live log being appended to)
f=$H/grow.log
entry 48.100 grow-0 > "$H/grow-entry"
for i in $(seq 2000); do cat "$H/grow-entry"; done > "$f"
( end=$((SECONDS + 20)); while [ $SECONDS -lt $end ]; do cat "$H/grow-entry" >> "$f"; done ) &
grower=$!
xlist growing-file "$f"
kill "$grower" 2>/dev/null; wait "$grower" 2>/dev/null

# --- input that cannot be read at all: exit 2 and one line naming it
unreadable missing-file "$H/no-such-file.log"
# --- a pipe named on the command line is read as a stream, to its end
mkfifo "$H/fifo.log"
( entry 48.100 fifo-1 > "$H/fifo.log" ) &
xlist fifo "$H/fifo.log" && has_ids fifo-read fifo-1
wait

# --- terminal safety: ESC sequences, C0, C1 and DEL in names, Call-ID, agents
f=$H/term.log
evil=$(printf '\033[2J\033]0;owned\007\033[31m\302\233\2337m\177\001\002\010\013\014\016\037')
{ entry 48.100 "term-$evil-id" "User-Agent: agent$evil
Server: srv$evil
Warning: 399 x \"$evil\"
Reason: Q.850;cause=16;text=\"$evil\"
" | sed "s/^From: </From: \"name$evil\" </"
  printf '2018-01-01T12:56:49.000-05:00 exp-e1 tvcs: Event="Search Attempted" Detail="%s" UTCTime="2018-01-01 17:56:49,000"\n' "$evil"; } > "$f"
cp "$f" "$H/term$evil.log"
# noctl NAME FILE: ok when FILE holds no C0 byte but LF, no DEL and no C1 (raw or UTF-8).
noctl() {
	if LC_ALL=C grep -qaP '[\x00-\x09\x0b-\x1f\x7f\x9b]|\xc2[\x80-\x9f]' "$2"; then
		fail "$1" "control byte in output"; LC_ALL=C grep -naP '[\x00-\x09\x0b-\x1f\x7f\x9b]|\xc2[\x80-\x9f]' "$2" | head -3 | od -c | head -5 >&2
	else ok "$1"; fi
}
for cmd in "list" "list --json" "list --all" "show 1" "show --json 1" "show --json --raw 1"; do
	"$XW" $cmd "$H/term$evil.log" >"$H/term.out" 2>"$H/term.err"; rc=$?
	n=${cmd// /-}
	if [ $rc -ne 0 ]; then fail "terminal-$n" "exit $rc"; continue; fi
	noctl "terminal-$n-stdout" "$H/term.out"
	noctl "terminal-$n-stderr" "$H/term.err"
done
"$XW" show 1 "$H/term$evil.log" >"$H/term.out" 2>/dev/null
contains terminal-show-names-the-call "$H/term.out" '^Call-ID: term-.*-id$'
# names of bundle members are untrusted too: the problem lines escape them
mkdir -p "$H/tm"
{ hdr 48.100; echo ' SIPMSG:'; printf ' |garbage\n |\n'; } > "$H/tm/member$evil.log"
tar -czf "$H/tm.tar.gz" -C "$H/tm" .
"$XW" list "$H/tm.tar.gz" >/dev/null 2>"$H/term.err"
contains terminal-member-name-reported "$H/term.err" 'member.*skipped'
noctl terminal-member-name "$H/term.err"
if "$XW" --help 2>&1 | grep -q diagnose; then
	"$XW" diagnose "$H/term$evil.log" >"$H/term.out" 2>"$H/term.err"
	[ $? -lt 128 ] && noctl terminal-diagnose-stdout "$H/term.out"
	noctl terminal-diagnose-stderr "$H/term.err"
	contains terminal-diagnose-escapes-visible "$H/term.out" 'term-\^\[\[2J'
	"$XW" diagnose --json "$H/term$evil.log" >"$H/term.out" 2>"$H/term.err"
	[ $? -lt 128 ] && noctl terminal-diagnose-json-stdout "$H/term.out"
	check terminal-diagnose-json-valid jpy "$H/term.out" 1
fi
# a name that fails to load is escaped in the error line too
"$XW" list "$H/missing$evil.log" >/dev/null 2>"$H/term.err"
noctl terminal-error-line "$H/term.err"
