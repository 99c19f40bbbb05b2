#!/usr/bin/env bash
# The test runner: every unit binary in $XW_UNIT, then every tests/sh/*.sh.
# Each prints "ok NAME" or "FAIL NAME" lines; this counts them and ends with
# "N passed, N failed". A script that exits non-zero without a FAIL line
# counts as one failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
export XW=${XW:-build/xwtrace} XW_UNIT=${XW_UNIT:-build/tests}
export TOP=$top EX=$top/examples
# the real X8.11 sample travels with the tests (tests/data/real-logs/)
export XW_SHARED=${XW_SHARED:-$top/tests/data}
export XW_TMP=$(mktemp -d /tmp/xwtest.XXXXXX)
trap 'rm -rf "$XW_TMP"' EXIT
passed=0 failed=0
: >"$XW_TMP/failures"

run_one() { # name, command...
	local name=$1; shift
	local out rc p f
	out=$("$@" 2>"$XW_TMP/stderr"); rc=$?
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
	printf '%s\n' "$out" | grep -E '^(ok|FAIL) ' | sed "s|^|[$name] |"
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		sed 's/^/    /' "$XW_TMP/stderr" | head -40
		# kept for the end: CI shows only the tail of a long run
		{ printf '%s\n' "$out" | grep '^FAIL ' | sed "s|^|[$name] |"
		  sed 's/^/    /' "$XW_TMP/stderr" | head -20; } >>"$XW_TMP/failures"
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL [$name] exited $rc"; f=1
		echo "FAIL [$name] exited $rc" >>"$XW_TMP/failures"
	fi
	passed=$((passed + p)); failed=$((failed + f))
}

for t in "$XW_UNIT"/test_*; do
	[ -x "$t" ] || continue
	run_one "$(basename "$t")" "$t"
done
for s in tests/sh/*.sh; do
	[ -f "$s" ] || continue
	if [ -n "${XW_ONLY:-}" ] && [[ "$s" != *"$XW_ONLY"* ]]; then continue; fi
	run_one "$(basename "$s" .sh)" bash "$s"
done
if [ -s "$XW_TMP/failures" ]; then
	echo "--- the failures again:"
	cat "$XW_TMP/failures"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
