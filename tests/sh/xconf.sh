# tests/sh/xconf.sh - check-pattern and locate on xConfiguration fixtures.
. "$TOP/tests/lib.sh"
D=$TOP/tests/data/xconfig
OUT=$XW_TMP/xconf.out ERR=$XW_TMP/xconf.err

# rc NAME WANT COMMAND...: runs COMMAND (output in $OUT, $ERR); ok when it
# exits with WANT.
rc() {
	local n=$1 want=$2; shift 2
	"$@" >"$OUT" 2>"$ERR"; local got=$?
	if [ "$got" -eq "$want" ]; then ok "$n"; else fail "$n" "exit $got, want $want"; sed 's/^/    /' "$ERR" >&2; fi
}
# raw NAME FILE: ok when FILE holds no raw ESC byte.
raw() { if LC_ALL=C grep -q "$(printf '\033')" "$2"; then fail "$1" "raw ESC in output"; else ok "$1"; fi; }
# oneline NAME: ok when stderr is a single line.
oneline() { if [ "$(wc -l <"$ERR")" -eq 1 ]; then ok "$1"; else fail "$1" "stderr has $(wc -l <"$ERR") lines"; fi; }

# check-pattern
rc cp-regex-match 0 "$XW" check-pattern --alias pstojano-test@dmzlab.call.ciscospark.com \
	--type regex --pattern '.*@.*\.ciscospark\.com'
contains cp-regex-match-says "$OUT" '^result: succeeded'
rc cp-regex-whole 1 "$XW" check-pattern --alias bob@x.ciscospark.com.evil --type regex \
	--pattern '.*@.*\.ciscospark\.com'
contains cp-regex-whole-says "$OUT" '^result: failed'
rc cp-prefix-leave 0 "$XW" check-pattern --alias cucm.rtp.ciscotac.net --type prefix \
	--pattern cucm.rtp.ciscotac.net --behavior leave
rc cp-prefix-strip 0 "$XW" check-pattern --alias 9123 --type prefix --pattern 9 --behavior strip
contains cp-prefix-strip-out "$OUT" "alias out: '123'"
rc cp-suffix-replace 0 "$XW" check-pattern --alias bob@old.com --type suffix --pattern @old.com \
	--behavior replace --replace @new.com
contains cp-suffix-replace-out "$OUT" "alias out: 'bob@new.com'"
rc cp-exact-case 0 "$XW" check-pattern --alias Alice@Example.COM --type exact --pattern alice@example.com
rc cp-localdomains 0 "$XW" check-pattern --alias alice@example.com --type regex \
	--pattern '(.*)@%localdomains%' --replace '\1@cucm.rtp.ciscotac.net' --xconfig "$D/healthy-c.txt"
contains cp-localdomains-expanded "$OUT" 'expanded: .*rtp\\\.ciscotac\\\.net\|example\\\.com'
contains cp-localdomains-out "$OUT" "alias out: 'alice@cucm.rtp.ciscotac.net'"
rc cp-localdomains-none 1 "$XW" check-pattern --alias alice@example.com --type regex \
	--pattern '.*@%localdomains%'
contains cp-localdomains-note "$OUT" 'without --xconfig'
rc cp-bad-regex 2 "$XW" check-pattern --alias a --type regex --pattern 'ab(c'
contains cp-bad-regex-offset "$ERR" 'offset 4'
oneline cp-bad-regex-oneline
rc cp-usage-missing 2 "$XW" check-pattern --alias a --type regex
oneline cp-usage-missing-oneline
rc cp-usage-type 2 "$XW" check-pattern --alias a --type glob --pattern a
rc cp-usage-replace 2 "$XW" check-pattern --alias a --type exact --pattern a --behavior strip --replace b
rc cp-usage-option 2 "$XW" check-pattern --frobnicate
rc cp-help 0 "$XW" check-pattern --help
contains cp-help-text "$OUT" '^usage: xwtrace check-pattern'
rc cp-backtracking 2 timeout 10 "$XW" check-pattern --alias "$(printf 'a%.0s' $(seq 40))!" \
	--type regex --pattern '(a+)+'
contains cp-backtracking-says "$OUT" 'too costly'
rc cp-control-bytes 0 "$XW" check-pattern --alias "$(printf 'x\033[2Jy')" --type prefix --pattern x
raw cp-control-bytes-escaped "$OUT"
contains cp-control-bytes-visible "$OUT" 'x\^\[\[2Jy'

# locate, Expressway-E: the Webex rule is reached from the traversal zone
rc lo-e-found 0 "$XW" locate --xconfig "$D/healthy-e.txt" \
	--alias pstojano-test@dmzlab.call.ciscospark.com --source 'Hybrid Call Service Traversal'
contains lo-e-target "$OUT" "^result: found, target zone 'Hybrid Call Services DNS' \(rule 6"
contains lo-e-source-filter "$OUT" "rule 3 +'Webex Hybrid': ignored due to source filtering"
contains lo-e-no-match "$OUT" "rule 2 +'B2B calls to VCS-C': did not match"
contains lo-e-disabled "$OUT" "rule 4 +'Legacy H323 prefix': disabled"
contains lo-e-cites "$OUT" "healthy-e.txt:[0-9]+\]$"
contains lo-e-kind "$OUT" 'Expressway-E'
# the same with a shadowing "to DNS" rule
rc lo-e-shadowed 0 "$XW" locate --xconfig "$D/e-shadowed.txt" \
	--alias sip:pstojano-test@dmzlab.call.ciscospark.com --source HybridCallServiceTraversal
contains lo-e-shadowed-target "$OUT" "^result: found, target zone 'DNS' \(rule 1 'to DNS', priority 100, stop\)"
contains lo-e-shadowed-why "$OUT" "rule 6 +'Webex Hybrid - to Webex Cloud': not reached.*would have matched"
# a mangled copy (CRLF, wrapped and unquoted values) routes the same way
rc lo-mangled 0 "$XW" locate --xconfig "$D/mangled-e.txt" \
	--alias pstojano-test@dmzlab.call.ciscospark.com --source 7
contains lo-mangled-target "$OUT" "^result: found, target zone 'Hybrid Call Services DNS'"
contains lo-mangled-warns "$ERR" 'mangled-e.txt:[0-9]+: missing closing quote'

# locate, Expressway-C: inbound Route header alias to the Unified CM
rc lo-c-found 0 "$XW" locate --xconfig "$D/healthy-c.txt" --alias 'cucm.rtp.ciscotac.net;lr' \
	--source 'Hybrid Call Service Traversal'
contains lo-c-local "$OUT" "^result: found, target zone 'LocalZone' \(rule 1 'as is local', priority 1, continue\)"
contains lo-c-then "$OUT" "then, if not found there: 'CUCM11' \(rule 2"
contains lo-c-kind "$OUT" 'Expressway-C'
rc lo-c-default 0 "$XW" locate --xconfig "$D/healthy-c.txt" --alias 'cucm.rtp.ciscotac.net'
contains lo-c-default-filtered "$OUT" "rule 2 +'Hybrid Call Service Inbound Routing': ignored due to source filtering"

# not found, bad usage, hostile text
cat >"$XW_TMP/one-rule.txt" <<'EOF'
*c xConfiguration Zones Policy SearchRules Rule 1 Name: "only example.com"
*c xConfiguration Zones Policy SearchRules Rule 1 Pattern String: "@example.com"
*c xConfiguration Zones Policy SearchRules Rule 1 Pattern Type: "Suffix"
*c xConfiguration Zones Policy SearchRules Rule 1 Target Name: "Z"
EOF
rc lo-not-found 1 "$XW" locate --xconfig "$XW_TMP/one-rule.txt" --alias bob@other.org
contains lo-not-found-says "$OUT" '^result: not found'
rc lo-unknown-source 2 "$XW" locate --xconfig "$D/healthy-e.txt" --alias a --source 'No Such Zone'
oneline lo-unknown-source-oneline
rc lo-missing-file 2 "$XW" locate --xconfig "$XW_TMP/none.txt" --alias a
contains lo-missing-file-names "$ERR" 'none.txt'
rc lo-usage 2 "$XW" locate --alias a
rc lo-help 0 "$XW" locate --help
printf '*c xConfiguration Zones Policy SearchRules Rule 1 Name: "evil\033]0;title\007"\n*c xConfiguration Zones Policy SearchRules Rule 1 Mode: "AnyAlias"\n*c xConfiguration Zones Policy SearchRules Rule 1 Target Name: "T\033[31m"\n' >"$XW_TMP/evil.txt"
rc lo-control-bytes 0 "$XW" locate --xconfig "$XW_TMP/evil.txt" --alias "$(printf 'a\033[2J')"
raw lo-control-bytes-escaped "$OUT"
head -c 100000 /dev/urandom >"$XW_TMP/noise.txt"
rc lo-noise 1 "$XW" locate --xconfig "$XW_TMP/noise.txt" --alias a
exit 0
