# diagnose.sh - `xwtrace diagnose` on every example: ids, severities, evidence
# lines, exit codes, xConfiguration options, output safety, one text golden.
. "$TOP/tests/lib.sh"
cd "$TOP" || exit 2
T=$XW_TMP/diag; mkdir -p "$T"

# Checks a diagnose --json output (file $1) against the expected findings
# ("id:severity" words in $2): each is present with that severity, no other
# error or warning is, every finding has a fix and summary, call findings a
# call number and Call-ID, and every evidence line exists in its file.
verify() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
out, want = sys.argv[1], sys.argv[2].split()
d = json.load(open(out))
fs = d["findings"]
assert set(d) == {"files", "findings"}, d.keys()
assert all(f["blocks"]["seen"] == f["blocks"]["read"] + f["blocks"]["reported"] for f in d["files"])
keys = {"id", "severity", "call", "call_id", "host", "summary", "fix", "evidence"}
exp = {}
for w in want:
    i, s = w.split(":")
    exp[i] = s
lines = {}
for f in fs:
    assert keys <= set(f) <= keys | {"link", "candidates"}, f.keys()
    assert "candidates" not in f or f["call"] is None, f["id"]
    assert f["severity"] in ("error", "warning", "info"), f
    assert f["summary"] and f["fix"], f["id"]
    assert (f["call"] is None) == (f["call_id"] is None), f["id"]
    if f["severity"] != "info":
        assert f["id"] in exp, "unexpected %s %s" % (f["severity"], f["id"])
    assert f["evidence"], "no evidence for " + f["id"]
    for e in f["evidence"]:
        if e["file"] not in lines:
            lines[e["file"]] = open(e["file"], errors="replace").read().split("\n")
        n = e["line"]
        assert 1 <= n <= len(lines[e["file"]]) and lines[e["file"]][n - 1].strip(), \
            "%s: bad evidence %s:%d" % (f["id"], e["file"], n)
for i, s in exp.items():
    got = [f["severity"] for f in fs if f["id"] == i]
    assert s in got, "%s: want %s, got %s" % (i, s, got)
EOF
}

# case NAME RC ID:SEVERITY...: diagnose examples/NAME, check exit status and findings.
case_() {
	local name=$1 want_rc=$2; shift 2
	"$XW" diagnose --json -q "examples/$name/" > "$T/$name.json" 2> "$T/$name.err"
	local rc=$?
	[ "$rc" -eq "$want_rc" ] && ok "$name-exit-$want_rc" || fail "$name-exit-$want_rc" "rc=$rc"
	if verify "$T/$name.json" "$*" 2> "$T/$name.why"; then ok "$name-findings"
	else fail "$name-findings" "$(tail -1 "$T/$name.why")"; fi
}

case_ healthy-inbound 0
case_ healthy-outbound 0
case_ session-id-legs 0
case_ contact-param-stripped 0 contact-param-stripped:warning xconfig-parameter-preservation-off:warning
case_ preloaded-route-rejected 1 preloaded-route-rejected:error xconfig-preloaded-routes-off:error
case_ cpl-reject 1 cpl-reject:error
case_ webex-srv-wrong-domain 1 webex-srv-wrong-domain:error xconfig-dns-override-off:error tcp-connect-failed:error
case_ tcp-connect-failed 1 tcp-connect-failed:error
case_ tls-untrusted-ca 1 tls-untrusted-ca:error
case_ tls-identity-unacceptable 1 tls-identity-unacceptable:error xconfig-tls-subject-name:error
case_ tls-inbound-classification-off 1 tls-identity-unacceptable:error xconfig-inbound-classification-off:error
case_ tls-cert-unknown 1 tls-cert-unknown:error
case_ tls-remote-disconnect 1 tls-remote-disconnect:error
case_ sdp-codec-mismatch 1 sdp-codec-mismatch:error q850-cause:error
case_ cucm-message-too-large 1 cucm-message-too-large:error
case_ no-final-response 0 no-final-response:warning
case_ search-rule-shadowed 1 xconfig-search-rule-shadowed:error webex-srv-wrong-domain:error
case_ mtls-not-listening 1 xconfig-mtls-off:error
case_ q850-cause 0 q850-cause:warning

# What the findings say: the details a reader needs to act.
# has CASE ID PYTHON-EXPR: some finding with ID in CASE's output satisfies the
# expression over f (the finding).
has() {
	python3 -c '
import json, sys
fs = [f for f in json.load(open(sys.argv[1]))["findings"] if f["id"] == sys.argv[2]]
sys.exit(0 if any(eval(sys.argv[3], {}, {"f": f}) for f in fs) else 1)' "$T/$1.json" "$2" "$3" \
	&& ok "$1-$4" || fail "$1-$4"
}
has contact-param-stripped contact-param-stripped '"Hybrid Call Service Traversal" in f["summary"] and f["host"] == "amer-expressway01" and f["call"] is not None' names-zone-and-host
has contact-param-stripped contact-param-stripped 'any(e["file"].endswith("xconfig-e.txt") for e in f["evidence"])' cites-dump
has preloaded-route-rejected preloaded-route-rejected '"cucm.rtp.ciscotac.net" in f["summary"] and f["host"] == "rtp12-tpdmz-118-VCSC"' names-route
has cpl-reject cpl-reject '".*@dmzlab\\.call\\.ciscospark\\.com.*" in f["summary"] and "swapped" in f["fix"]' quotes-rule
has webex-srv-wrong-domain webex-srv-wrong-domain '"_sips._tcp.dmzlab.call.ciscospark.com" in f["summary"] and "Hybrid Call Services DNS" in f["summary"] and "first cause" in f["fix"]' names-rule-zone
has webex-srv-wrong-domain tcp-connect-failed '"5061" in f["summary"] and "146.20.193.64" in f["summary"]' port-5061
has search-rule-shadowed webex-srv-wrong-domain '"to DNS" in f["summary"] and "second cause" in f["fix"]' shadow-cause
has tcp-connect-failed tcp-connect-failed '"5062" in f["summary"] and "146.20.193.70" in f["summary"] and "146.20.193.64" in f["summary"] and "firewall" in f["fix"]' both-targets
has tls-untrusted-ca tls-untrusted-ca 'f["call"] is None and f["host"] == "amer-expressway01" and "Cloud Certificate" in f["fix"]' connection
has tls-identity-unacceptable tls-identity-unacceptable '"cause (1)" in f["fix"] and "cause (2)" not in f["fix"] and "calllservice" in f["fix"]' dump-picks-subject
has tls-inbound-classification-off tls-identity-unacceptable '"cause (2)" in f["fix"] and "cause (1):" not in f["fix"]' dump-picks-inbound
has tls-remote-disconnect tls-remote-disconnect 'f["call"] is not None and "firewall" in f["fix"]' tied-to-call
has tls-cert-unknown tls-cert-unknown 'f["call"] is None and "chain" in f["fix"]' cert-unknown-fix
has sdp-codec-mismatch sdp-codec-mismatch '"G729" in f["summary"] and "m=audio 0" in f["summary"]' names-codecs
has sdp-codec-mismatch q850-cause '"47 (Resource unavailable, unspecified)" in f["summary"] and "Cisco-CUCM" in f["summary"]' decodes-47
has q850-cause q850-cause '"31 (Normal, unspecified)" in f["summary"] and "Cisco-L2SIP" in f["summary"]' decodes-31
has cucm-message-too-large cucm-message-too-large 'int(f["summary"].split("-byte")[0].split()[-1]) > 5000 and "18000" in f["fix"]' size-and-fix

# list --json fills each call's findings with the ids.
"$XW" list --json -q examples/cpl-reject/ | python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin)["calls"] if "cpl-reject" in c["findings"]]
sys.exit(0 if len(c) == 1 else 1)' && ok list-json-findings || fail list-json-findings

# xConfiguration: from --xconfig, the same dump twice counts once, missing dump is exit 2.
E=examples/tls-identity-unacceptable
"$XW" diagnose --json -q "$E/expressway-e.log" > "$T/nodump.json"; rc=$?
[ $rc -eq 1 ] && python3 -c '
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
t = [f for f in fs if f["id"] == "tls-identity-unacceptable"]
assert t and not any(f["id"].startswith("xconfig-") for f in fs)
assert "(1)" in t[0]["fix"] and "(2)" in t[0]["fix"] and "shows" not in t[0]["fix"]' "$T/nodump.json" \
	&& ok log-only-lists-both-causes || fail log-only-lists-both-causes
"$XW" diagnose --json -q --xconfig "$E/xconfig-e.txt" "$E/expressway-e.log" > "$T/dump.json"
grep -q '"xconfig-tls-subject-name"' "$T/dump.json" && grep -q 'cause (1)' "$T/dump.json" \
	&& ok xconfig-option || fail xconfig-option
"$XW" diagnose --json -q --xconfig "$E/xconfig-e.txt" "$E/" > "$T/twice.json"
[ "$(grep -o '"xconfig-tls-subject-name"' "$T/twice.json" | wc -l)" -eq 1 ] \
	&& ok xconfig-dedup || fail xconfig-dedup
# Mutual TLS off on the E (guide: "Expressway-E is not Listening on Port 5062"):
# nothing from Webex reaches the log, so only the dump can tell
"$XW" diagnose --json -q --xconfig tests/data/xconfig/e-mtls-off.txt examples/healthy-outbound/ \
    > "$T/mtls.json"; rc=$?
[ $rc -eq 1 ] && python3 -c '
import json, sys
fs = json.load(open(sys.argv[1]))["findings"]
m = [f for f in fs if f["id"] == "xconfig-mtls-off"]
assert len(m) == 1 and m[0]["severity"] == "error" and "5062" in m[0]["fix"]
assert [e["line"] for e in m[0]["evidence"]] == [7, 8]' "$T/mtls.json" \
	&& ok xconfig-mtls-off || fail xconfig-mtls-off "rc=$rc"
"$XW" diagnose -q --xconfig "$T/missing.txt" "$E/" > /dev/null 2> "$T/err"; rc=$?
[ $rc -eq 2 ] && grep -q missing.txt "$T/err" && ok xconfig-missing-exit-2 || fail xconfig-missing-exit-2 "rc=$rc"

# Usage errors and unreadable input.
"$XW" diagnose --bogus examples/cpl-reject/ > /dev/null 2>&1; [ $? -eq 2 ] && ok bad-option-exit-2 || fail bad-option-exit-2
"$XW" diagnose > /dev/null 2>&1; [ $? -eq 2 ] && ok no-log-exit-2 || fail no-log-exit-2
"$XW" diagnose "$T/none.log" > /dev/null 2>&1; [ $? -eq 2 ] && ok missing-log-exit-2 || fail missing-log-exit-2
"$XW" diagnose --role bogus examples/cpl-reject/ > /dev/null 2>&1; [ $? -eq 2 ] && ok bad-role-exit-2 || fail bad-role-exit-2
"$XW" diagnose -q --role amer-expressway01=e --role rtp12-tpdmz-118-VCSC=c examples/cpl-reject/ > /dev/null 2>&1
[ $? -eq 1 ] && ok role-option || fail role-option

# Text output: one block per finding and a total; exit status follows severity.
"$XW" diagnose -q examples/healthy-outbound/ > "$T/healthy.txt"; rc=$?
[ $rc -eq 0 ] && grep -qx '0 findings: 0 errors, 0 warnings, 0 info' "$T/healthy.txt" \
	&& ok healthy-text || fail healthy-text "rc=$rc"
"$XW" diagnose -q examples/cpl-reject/ > "$T/cpl.txt" 2>&1; golden diagnose-cpl-reject.txt "$T/cpl.txt"
"$XW" diagnose -q examples/tls-cert-unknown/ > "$T/tls.txt"
grep -q '^error tls-cert-unknown  connection amer-expressway01 146\.20\.193\.' "$T/tls.txt" \
	&& ok connection-head || fail connection-head
"$XW" diagnose -q --wide examples/contact-param-stripped/ > "$T/cps.txt"
grep -q '^warning xconfig-parameter-preservation-off  configuration examples/contact-param-stripped/' \
	"$T/cps.txt" && grep -q '^warning contact-param-stripped  call [0-9]* (' "$T/cps.txt" \
	&& ok config-and-call-heads || fail config-and-call-heads

# Log text is untrusted: escape sequences never reach the terminal raw, and
# JSON stays valid.
printf '2017-09-19T11:12:09.721-04:00 evil\033]0;x\007host tvcs: Event="Inbound TLS Negotiation Error" Service="SIP" Src-ip="146.20.193.45\033[2J" Src-port="33441" Dst-ip="172.16.2.2" Dst-port="5062" Detail="sslv3 alert certificate unknown" Protocol="TLS" Level="1" UTCTime="2017-09-19 15:12:09,721"\n' > "$T/evil.log"
"$XW" diagnose -q "$T/evil.log" > "$T/evil.txt"; rc=$?
[ $rc -eq 1 ] && ! grep -q $'\033' "$T/evil.txt" && grep -q 'tls-cert-unknown' "$T/evil.txt" \
	&& ok escapes-made-safe || fail escapes-made-safe "rc=$rc"
"$XW" diagnose -q --json "$T/evil.log" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["findings"][0]["id"]=="tls-cert-unknown"' \
	&& ok escapes-json-valid || fail escapes-json-valid

# The man page lists every id of the table (the rows of the check files),
# inside its own markers.
ids=$(cat src/diag*.c src/xconf_lint.c | grep -o '\.id = "[a-z0-9-]*"' | cut -d'"' -f2)
sect=$(sed -n '/^\.\\" BEGIN diagnose/,/^\.\\" END diagnose/p' man/xwtrace.1 | sed 's/\\-/-/g')
n=0; missing=
for i in $ids; do n=$((n + 1)); printf '%s\n' "$sect" | grep -qx ".B $i" || missing="$missing $i"; done
[ "$n" -ge 20 ] && [ -z "$missing" ] && ok man-lists-every-id || fail man-lists-every-id "n=$n missing:$missing"
