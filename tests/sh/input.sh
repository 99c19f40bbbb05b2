# input.sh - never silently wrong: every input read or accounted for, exact
# call selection, pasted and mangled logs, standard input and pipes, command
# line conventions (--help per command, options before the command name,
# options that cannot apply refused by name, paths as typed, -o DIR).
. "$TOP/tests/lib.sh"
REAL=$XW_SHARED/real-logs/mra_expressway_e_x8.11.txt
T=$XW_TMP/input; mkdir -p "$T"
HI=$EX/healthy-inbound

# Prints the calls of list --json without file paths, for comparing inputs.
calls_of() { "$XW" list --json --all -q "$@" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["calls"], sort_keys=True))'; }
# run NAME WANT_RC ARGS...: the exit status is WANT_RC; stdout in $T/out, stderr in $T/err.
run() {
	local n=$1 want=$2; shift 2
	"$XW" "$@" >"$T/out" 2>"$T/err"; local rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$n"; else fail "$n" "exit $rc, want $want"; head -5 "$T/err" >&2; fi
}
calls_of "$REAL" > "$T/real.calls"

# --- CALL is exact: digits are a number and nothing else
run call-number-missing 2 show 5 "$HI"
grep -qx 'xwtrace: no call 5: calls are 1-4' "$T/err" && ok call-number-missing-said || fail call-number-missing-said
[ ! -s "$T/out" ] && ok call-number-missing-no-output || fail call-number-missing-no-output
run call-number-6 2 show 6 "$HI"
run call-number-ok 0 show 4 "$HI"
grep -q '^Call 4 ' "$T/out" && ok call-number-is-that-call || fail call-number-is-that-call
run call-prefix-short 2 show 5c3f "$HI"
grep -q 'at least 6 characters' "$T/err" && ok call-prefix-short-said || fail call-prefix-short-said
run call-prefix-unique 0 show 5c3fa3 "$HI"
grep -q '^Call 4 ' "$T/out" && ok call-prefix-is-that-call || fail call-prefix-is-that-call
mkdir -p "$T/amb"
sed 's/5c3fa3ea78d86520@/5c3fa3ea78d86521@/' "$HI/expressway-c.log" > "$T/amb/c.log"
cat "$HI/expressway-c.log" >> "$T/amb/c.log"
run call-prefix-ambiguous 2 show 5c3fa3ea "$T/amb/c.log"
grep -q "starts the Call-ID of more than one call: call [0-9]* (5c3fa3ea78d8652[01]@" "$T/err" \
    && ok call-prefix-ambiguous-lists || fail call-prefix-ambiguous-lists
run export-call-missing 2 export --format text --call 9 "$HI"

# --- nothing usable: what each file looked like, exit 2, never "0 findings"
printf 'root:x:0:0:root:/root:/bin/bash\n' > "$T/passwd"
head -c 5000 /dev/urandom > "$T/random.bin"
mkdir -p "$T/empty" "$T/pcaps"
cp "$XW_SHARED/captures/sip-udp-call.pcap" "$XW_SHARED/captures/tls-healthy-inbound.pcapng" "$T/pcaps/"
for c in "passwd:text without" "random.bin:binary data" "empty:no file" "$TOP/README.md:text without"; do
	f=${c%%:*} want=${c#*:}
	case $f in /*) p=$f ;; *) p=$T/$f ;; esac
	n=nothing-usable-$(basename "$f")
	run "$n" 2 diagnose "$p"
	grep -q "nothing usable in the input.*$want" "$T/err" && ok "$n-said" || fail "$n-said" "$(cat "$T/err")"
	grep -q 'findings' "$T/out" && fail "$n-no-findings-line" || ok "$n-no-findings-line"
done
# captures are ignored until a reader takes them: said so, not "0 findings"
"$XW" diagnose "$T/pcaps" >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 2 ]; then
	grep -q 'sip-udp-call.pcap: packet capture' "$T/err" && ok pcaps-said || fail pcaps-said
else
	grep -q 'ignored' "$T/err" || "$XW" list --json "$T/pcaps" | grep -q '"taken_as":"packet capture' \
	    && ok pcaps-said || fail pcaps-said "exit $rc"
fi
# a log plus an unknown file: the log is read, the other accounted for
run log-and-junk 0 list --json "$REAL" "$T/random.bin"
python3 - "$T/out" <<'EOF' && ok log-and-junk-accounted || fail log-and-junk-accounted
import json, sys
f = json.load(open(sys.argv[1]))["files"]
# files come in path order, whatever the command line's
f.sort(key=lambda x: not x["path"].endswith("random.bin"))
assert [x["taken_as"] for x in f] == ["ignored", "Expressway log"], f
assert f[0]["ignored"] == "binary data", f[0]
EOF
grep -q 'random.bin: ignored: binary data' "$T/err" && ok log-and-junk-reported || fail log-and-junk-reported

# --- an xConfiguration dump given as LOG is used as one
X=$XW_SHARED/xconfig/e-mtls-off.txt
run xconfig-as-log 1 diagnose "$X"
grep -q '^error xconfig-mtls-off' "$T/out" && ok xconfig-as-log-linted || fail xconfig-as-log-linted
run xconfig-as-log-list 2 list "$X"
grep -q 'xConfiguration dump' "$T/err" && ok xconfig-as-log-list-said || fail xconfig-as-log-list-said
run xconfig-as-log-json 0 diagnose --json "$HI"
python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["files"]; assert sum(x["taken_as"]=="xConfiguration dump" for x in f)==2, f' "$T/out" \
    && ok xconfig-as-log-in-files || fail xconfig-as-log-in-files
# several settings run together on one line are each read, and noted
printf '*c xConfiguration SIP MTLS Mode: "Off" *c xConfiguration SIP MTLS Port: "5062" *c xConfiguration Zones Zone 2 Name: "Webex" *c xConfiguration Zones Zone 2 Type: "ClientZone"\n' > "$T/oneline.txt"
tr -d '\n' < "$X" > "$T/oneline-real.txt"; echo >> "$T/oneline-real.txt"
run xconfig-one-line 1 diagnose "$T/oneline-real.txt"
grep -q '^error xconfig-mtls-off' "$T/out" && ok xconfig-one-line-linted || fail xconfig-one-line-linted
grep -q 'several settings on one line' "$T/err" && ok xconfig-one-line-noted || fail xconfig-one-line-noted

# --- stdin, pipes, process substitution, gzip by content
calls_of - < "$REAL" > "$T/c" && cmp -s "$T/c" "$T/real.calls" && ok stdin-file || fail stdin-file
cat "$REAL" | calls_of - > "$T/c" && cmp -s "$T/c" "$T/real.calls" && ok stdin-pipe || fail stdin-pipe
cat "$REAL" | calls_of /dev/stdin > "$T/c" && cmp -s "$T/c" "$T/real.calls" && ok dev-stdin-pipe || fail dev-stdin-pipe
calls_of <(cat "$REAL") > "$T/c" && cmp -s "$T/c" "$T/real.calls" && ok process-substitution || fail process-substitution
gzip -c "$REAL" | calls_of - > "$T/c" && cmp -s "$T/c" "$T/real.calls" && ok stdin-gzip || fail stdin-gzip
gzip -c "$REAL" > "$T/real.txt"
calls_of "$T/real.txt" > "$T/c" && cmp -s "$T/c" "$T/real.calls" && ok gzip-without-suffix || fail gzip-without-suffix
cat "$REAL" | "$XW" list --json - 2>/dev/null | grep -q '"path":"(stdin)"' && ok stdin-named || fail stdin-named
"$XW" list - < /dev/null >/dev/null 2>"$T/err"; [ $? -eq 2 ] && grep -q '(stdin): empty file' "$T/err" \
    && ok stdin-empty || fail stdin-empty

# --- folded logs: every line, header lines only; never silently empty
fold -w 200 "$REAL" > "$T/fold200.log"
calls_of "$T/fold200.log" > "$T/c" && cmp -s "$T/c" "$T/real.calls" && ok folded-200 || fail folded-200
"$XW" list "$T/fold200.log" 2>"$T/err" >/dev/null
grep -q 'cut at 200 columns .* joined back' "$T/err" && ok folded-noted || fail folded-noted
awk '/^[0-9]{4}-/ { while (length($0) > 150) { print substr($0, 1, 150); $0 = substr($0, 151) } } { print }' "$REAL" > "$T/foldhead.log"
calls_of "$T/foldhead.log" > "$T/c" && cmp -s "$T/c" "$T/real.calls" && ok folded-headers-only || fail folded-headers-only
"$XW" list "$T/foldhead.log" 2>"$T/err" >/dev/null
grep -q 'network.sip to DEBUG' "$T/err" && fail folded-no-wrong-advice || ok folded-no-wrong-advice
# a SIPMSG block whose header line is lost is reported, not dropped in silence
grep -v 'Level="DEBUG"' "$REAL" > "$T/noheader.log"
"$XW" list --json "$T/noheader.log" >"$T/out" 2>"$T/err"
python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["files"][0]["blocks"]; assert f=={"seen":6,"read":0,"reported":6}, f' "$T/out" \
    && ok lost-headers-accounted || fail lost-headers-accounted
grep -q 'read 0 of 6 SIPMSG blocks' "$T/err" && ok lost-headers-said || fail lost-headers-said
grep -q 'network.sip to DEBUG' "$T/err" && fail lost-headers-no-wrong-advice || ok lost-headers-no-wrong-advice

# --- values padded inside their quotes: one machine, one column, real addresses
sed -E 's/Src-ip="([^"]*)"/Src-ip=" \1 "/g; s/Dst-ip="([^"]*)"/Dst-ip=" \1 "/g; s/Event="([^"]*)"/Event=" \1 "/g' \
    "$EX/tls-cert-unknown/expressway-e.log" > "$T/padded1.log"
cp "$EX/tls-cert-unknown/expressway-e.log" "$T/padded0.log" # names of one length: one wrapping
"$XW" diagnose -q "$T/padded0.log" > "$T/d1"
"$XW" diagnose -q "$T/padded1.log" | sed "s|$T/padded1.log|$T/padded0.log|" > "$T/d2"
# the same findings and evidence; the quoted lines (indented 6) show each file as it is
grep -v '^      ' "$T/d1" > "$T/d1.nq"; grep -v '^      ' "$T/d2" > "$T/d2.nq"
cmp -s "$T/d1.nq" "$T/d2.nq" && ok padded-same-findings || fail padded-same-findings
mkdir -p "$T/pad2"
for f in "$HI"/*.log; do sed -E 's/(Src|Dst)-ip="([^"]*)"/\1-ip=" \2 "/g' "$f" > "$T/pad2/$(basename "$f")"; done
"$XW" export --format pcap -o "$T/pad.pcap" --call 1 "$T/pad2" 2>/dev/null
"$XW" export --format pcap -o "$T/clean.pcap" --call 1 "$HI/expressway-c.log" "$HI/expressway-e.log" 2>/dev/null
cmp -s "$T/pad.pcap" "$T/clean.pcap" && ok padded-pcap-same || fail padded-pcap-same
"$XW" show 1 "$T/pad2" 2>/dev/null | head -3 > "$T/s1"; "$XW" show 1 "$HI/expressway-c.log" "$HI/expressway-e.log" | head -3 > "$T/s2"
cmp -s "$T/s1" "$T/s2" && ok padded-same-columns || fail padded-same-columns

# --- every pasted form of the real sample and of every example reads as the clean file
args=("real=$REAL")
for d in "$EX"/*/; do args+=("$(basename "$d")=$d"); done
python3 "$TOP/tests/tools/checkpasted.py" "$XW" "$T/pasted" "${args[@]}" | sed 's/ (.*)$//'

# --- the account: for every input in the test data, blocks seen = read + reported,
# and seen = the SIPMSG lines grep counts in a log
find "$EX" "$XW_SHARED" -type f | sort > "$T/inputs"
python3 - "$XW" "$T/inputs" <<'EOF'
import json, subprocess, sys
xw, inputs = sys.argv[1], open(sys.argv[2]).read().split('\n')
bad = []
n = 0
for p in filter(None, inputs):
    r = subprocess.run([xw, 'list', '--json', '-q', p], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if r.returncode == 2:
        continue  # nothing usable: said so on stderr (checked above)
    for f in json.loads(r.stdout)['files']:
        n += 1
        for k in ('blocks', 'info_summaries', 'events'):
            a = f[k]
            if a['seen'] != a['read'] + a['reported']:
                bad.append('%s %s %s' % (f['path'], k, a))
        if f['taken_as'] == 'Expressway log' and not p.endswith('.gz'):
            with open(p, 'rb') as fh:
                lines = sum(1 for l in fh if b'SIPMSG:' in l)
            if lines != f['blocks']['seen']:
                bad.append('%s: %d SIPMSG lines, %d blocks seen' % (p, lines, f['blocks']['seen']))
print(('FAIL account-every-input: ' + '; '.join(bad[:5])) if bad else 'ok account-every-input (%d files)' % n)
EOF

# --- the command line
for c in list show diagnose export check-pattern locate; do
	"$XW" "$c" --help >"$T/out" 2>"$T/err"; rc=$?
	[ $rc -eq 0 ] && [ ! -s "$T/err" ] && grep -q "usage: xwtrace $c" "$T/out" && ok "help-$c" || fail "help-$c" "exit $rc"
	"$XW" "$c" -h >"$T/out" 2>&1 && grep -q "usage: xwtrace $c" "$T/out" && ok "help-short-$c" || fail "help-short-$c"
done
for c in list show diagnose export; do
	"$XW" "$c" --help | grep -q '^Exit status: 0 success; 1 ' && ok "help-exit-status-$c" || fail "help-exit-status-$c"
done
"$XW" --help | grep -q '^Exit status' && ok help-exit-status || fail help-exit-status
run global-before-command 0 --no-color list "$REAL"
grep -q '^1 call ' "$T/out" && ok global-before-command-ran || fail global-before-command-ran
run globals-before-command 0 -q --role vm-bluck-fed-vcse1=c --json list "$REAL"
grep -q '"role":"expressway-c"' "$T/out" && ok globals-before-command-ran || fail globals-before-command-ran
run role-unknown-host 2 list --role nohost=c "$REAL"
grep -q "no host 'nohost'.*vm-bluck-fed-vcse1" "$T/err" && ok role-unknown-host-said || fail role-unknown-host-said
run xconfig-not-a-dump 2 diagnose --xconfig "$REAL" "$REAL"
grep -q -- "--xconfig .*mra_expressway_e_x8.11.txt: not an xConfiguration dump (it looks like Expressway log)" "$T/err" \
    && ok xconfig-not-a-dump-said || fail xconfig-not-a-dump-said
run raw-without-json 2 show --raw 1 "$REAL"
grep -q -- '--raw needs --json' "$T/err" && ok raw-without-json-said || fail raw-without-json-said
run option-not-for-command 2 show --all 1 "$REAL"
grep -q -- 'show: -a/--all does not apply to show' "$T/err" && ok option-not-for-command-said || fail option-not-for-command-said
run option-unknown 2 list --bogus "$REAL"
grep -q "bogus" "$T/err" && ok option-unknown-said || fail option-unknown-said

# --- paths as typed, normalised; -o DIR writes into it
"$XW" list --json "$HI/" > "$T/out" 2>&1
grep -q '//' "$T/out" && fail no-double-slash || ok no-double-slash
grep -q "\"path\":\"$HI/expressway-c.log\"" "$T/out" && ok path-as-typed || fail path-as-typed
"$XW" diagnose "$EX/cpl-reject//" 2>&1 | grep -q '//' && fail no-double-slash-diagnose || ok no-double-slash-diagnose
mkdir -p "$T/outdir"
run export-to-dir 0 export --format html --call 1 -o "$T/outdir" "$HI"
[ -s "$T/outdir/call-1.html" ] && ok export-to-dir-file || fail export-to-dir-file
grep -q "wrote $T/outdir/call-1.html" "$T/err" && ok export-to-dir-said || fail export-to-dir-said
run export-to-dir-slash 0 export --format mermaid -o "$T/outdir/" "$HI"
[ -s "$T/outdir/call-1.mmd" ] && ok export-to-dir-slash-file || fail export-to-dir-slash-file
