# tests/lib.sh - helpers for shell tests; source it.
# $XW is the binary, $EX the examples, $XW_TMP a scratch directory.
ok()   { echo "ok $1"; }
fail() { echo "FAIL $1${2:+: $2}"; }
# check NAME COMMAND...: ok when the command succeeds.
check() { local n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else fail "$n"; fi; }
# golden NAME FILE: compare FILE with tests/golden/NAME; UPDATE_GOLDEN=1 rewrites it.
golden() {
	local g="$TOP/tests/golden/$1"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then cp "$2" "$g"; ok "$1 (updated)"; return; fi
	if [ ! -f "$g" ]; then fail "$1" "no golden file $g"; return; fi
	if diff -u "$g" "$2" > "$XW_TMP/golden.diff"; then ok "$1"
	else fail "$1" "differs from golden"; head -30 "$XW_TMP/golden.diff" >&2; fi
}
# contains NAME FILE REGEX: ok when FILE has a line matching REGEX.
contains() { if grep -qE -- "$3" "$2"; then ok "$1"; else fail "$1" "no match for $3"; fi; }
# lacks NAME FILE REGEX: ok when no line of FILE matches REGEX.
lacks() { if grep -qE -- "$3" "$2"; then fail "$1" "unexpected match for $3"; else ok "$1"; fi; }
