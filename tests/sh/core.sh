# core.sh - list and show on the real sample: input kinds, exit codes, goldens.
. "$TOP/tests/lib.sh"
REAL=$XW_SHARED/real-logs/mra_expressway_e_x8.11.txt
T=$XW_TMP/core; mkdir -p "$T"

# Prints the calls of list --json without file paths, for comparing inputs.
calls_of() { "$XW" list --json -q "$@" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["calls"], sort_keys=True))'; }

check version "$XW" --version
check help "$XW" --help
"$XW" >/dev/null 2>&1; [ $? -eq 2 ] && ok no-args-exit-2 || fail no-args-exit-2
"$XW" list "$T/missing.log" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$T/err")" -eq 1 ] && grep -q 'missing.log' "$T/err" && ok missing-file || fail missing-file "rc=$rc"

sum_before=$(sha256sum "$REAL")
calls_of "$REAL" > "$T/plain"
grep -q '"call_ids": \["e7e75ff9a67fb2435b25eab2a1498171", "22794c00-a4a17661-3a-6936510a@10.81.54.105"\]' "$T/plain" && ok real-two-legs-one-call || fail real-two-legs-one-call
grep -q '"by": "session-id"' "$T/plain" && ok real-linked-by-session-id || fail real-linked-by-session-id
"$XW" list --json "$REAL" | python3 -c 'import json,sys; d=json.load(sys.stdin); f=d["files"][0]; assert f["role"]=="expressway-e" and f["sip_messages"]==6 and f["host"]=="vm-bluck-fed-vcse1", f' && ok real-file-role || fail real-file-role

gzip -c "$REAL" > "$T/real.log.gz"
calls_of "$T/real.log.gz" > "$T/gz"; cmp -s "$T/plain" "$T/gz" && ok gz-same-calls || fail gz-same-calls
sed 's/$/\r/' "$REAL" > "$T/crlf.log"
calls_of "$T/crlf.log" > "$T/crlf"; cmp -s "$T/plain" "$T/crlf" && ok crlf-same-calls || fail crlf-same-calls
mkdir -p "$T/dir/sub" && cp "$REAL" "$T/dir/sub/log.txt" && head -c 4096 /dev/urandom > "$T/dir/capture.pcap"
calls_of "$T/dir" > "$T/dirc"; cmp -s "$T/plain" "$T/dirc" && ok directory-same-calls || fail directory-same-calls
mkdir -p "$T/b/diagnostic_logging" && cp "$REAL" "$T/b/diagnostic_logging/loggingsnapshot_vcse1.txt"
printf '*c xConfiguration SIP Domains Domain 1 Name: "cisco.com"\n' > "$T/b/xconfiguration.txt"
head -c 2048 /dev/urandom > "$T/b/diagnostic_logging/tcpdump.pcap"
tar -C "$T/b" -czf "$T/bundle.tar.gz" . 
calls_of "$T/bundle.tar.gz" > "$T/bund"; cmp -s "$T/plain" "$T/bund" && ok bundle-same-calls || fail bundle-same-calls
"$XW" list --json "$T/bundle.tar.gz" | grep -q 'bundle.tar.gz:./diagnostic_logging/loggingsnapshot_vcse1.txt' && ok bundle-member-path || fail bundle-member-path
[ "$(sha256sum "$REAL")" = "$sum_before" ] && ok input-unmodified || fail input-unmodified

"$XW" list "$REAL" > "$T/list.txt" 2>&1; golden real-list.txt "$T/list.txt"
# From inside the data folder: the evidence paths, and so the wrapping, do
# not depend on where the checkout is.
xw=$(realpath "$XW"); (cd "$(dirname "$REAL")" && "$xw" show 1 "$(basename "$REAL")") > "$T/show.txt" 2>&1; golden real-show.txt "$T/show.txt"
"$XW" list --json "$REAL" | sed "s|$XW_SHARED|SHARED|g" > "$T/list.json"; golden real-list.json "$T/list.json"
"$XW" show --json --raw 1 "$REAL" | python3 -c 'import json,sys; d=json.load(sys.stdin); m=d["messages"]; assert len(m)==6 and m[0]["raw"].startswith("INVITE sip:1004@") and m[0]["sdp"][0]["media"]=="audio", m[0]["label"]' && ok show-json-raw || fail show-json-raw
"$XW" show 22794c00 "$REAL" | grep -q '^Call 1 ' && ok show-by-prefix || fail show-by-prefix
"$XW" show e7e75ff9a67fb2435b25eab2a1498171 "$REAL" | grep -q '^Call 1 ' && ok show-by-call-id || fail show-by-call-id
"$XW" show nosuchcall "$REAL" >/dev/null 2>"$T/err"; [ $? -eq 2 ] && grep -q "no call 'nosuchcall'" "$T/err" && ok show-unknown-call || fail show-unknown-call
"$XW" list --role vm-bluck-fed-vcse1=c --json "$REAL" | grep -q '"role":"expressway-c"' && ok role-override || fail role-override
"$XW" list --role bogus "$REAL" >/dev/null 2>&1; [ $? -eq 2 ] && ok role-bad-usage || fail role-bad-usage

# Two logs of one call: twins merged, skew found, legs joined, ladder columns in order.
"$XW" show --wide 1 "$EX/healthy-inbound/" > "$T/hi.txt" 2>&1; golden healthy-inbound-show.txt "$T/hi.txt"
# the reference clock is the Expressway-E's: the C runs 350 ms ahead of it
grep -q 'Clock skew: rtp12-tpdmz-118-VCSC +350 ms against amer-expressway01' "$T/hi.txt" && ok skew-350ms || fail skew-350ms
head -6 "$T/hi.txt" | grep -qE 'Webex +amer-expressway01 +rtp12-tpdmz-118-VCSC +CUCM 192.168.1.21' && ok columns-outside-in || fail columns-outside-in
"$XW" list --json "$EX/session-id-legs/" | sed "s|$EX|EX|g" > "$T/sl.json"; golden session-id-legs-list.json "$T/sl.json"
python3 - "$T/sl.json" <<'PY' && ok session-id-legs-joined || fail session-id-legs-joined
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["calls"] if c["method"] == "INVITE"]
assert len(c) == 1 and len(c[0]["call_ids"]) >= 2, c
assert all(l["by"] == "session-id" for l in c[0]["links"]), c[0]["links"]
assert {f["role"] for f in d["files"] if f["taken_as"] == "Expressway log"} == {"expressway-c", "expressway-e"}
assert sorted(f["taken_as"] for f in d["files"]) == ["Expressway log"] * 2 + ["xConfiguration dump"] * 2
PY
"$XW" list --json --all "$EX/cpl-reject/" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert sum(c["method"]=="OPTIONS" for c in d["calls"])==2' && ok all-shows-options || fail all-shows-options
# A CALL argument carrying escape sequences comes back in the error, made visible.
"$XW" show "$(printf '\033]2;pwned\007')" "$REAL" >/dev/null 2>"$T/esc.err"
if grep -q '\^\[\]2;pwned\^G' "$T/esc.err" && ! grep -qP '\x1b|\x07' "$T/esc.err"; then ok show-error-escaped; else fail show-error-escaped; fi
"$XW" export --format text --call "$(printf '\033[31m')" "$REAL" >/dev/null 2>"$T/esc2.err"
if [ -s "$T/esc2.err" ] && ! grep -qP '\x1b' "$T/esc2.err"; then ok export-error-escaped; else fail export-error-escaped; fi
