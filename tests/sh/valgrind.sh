# tests/sh/valgrind.sh - list and diagnose under valgrind on the examples and
# the real sample: no invalid read or write, no use of uninitialised memory,
# no definite or indirect leak. ASan binaries cannot run under valgrind, so
# the sanitizer pass of `make check` (XW_SANITIZED=1) skips this file.
. "$TOP/tests/lib.sh"
if [ "${XW_SANITIZED:-}" = 1 ]; then ok "valgrind # not under sanitizers"; exit 0; fi
if ! command -v valgrind >/dev/null 2>&1; then ok "valgrind # skip: valgrind is not installed"; exit 0; fi
REAL=${XW_REAL_LOGS:-$TOP/tests/data/real-logs}
VG=$XW_TMP/valgrind.txt

# vg NAME ARGS...: ok when xwtrace ARGS runs clean under valgrind (diagnose
# exits 1 when it found errors in the logs: that is a result, not a failure).
vg() {
	local n=$1; shift
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --show-leak-kinds=definite,indirect --track-origins=yes \
	    "$XW" "$@" >"$XW_TMP/valgrind.out" 2>"$VG"
	local rc=$?
	if [ $rc -eq 99 ]; then fail "$n" "valgrind found errors"; grep '^==' "$VG" | head -40 >&2
	elif [ $rc -ge 128 ] || { [ $rc -eq 1 ] && [ "$1" != diagnose ]; }; then
		fail "$n" "exit $rc"; tail -5 "$VG" >&2
	else ok "$n"; fi
}

has_diagnose=false
"$XW" --help 2>&1 | grep -q '^ *xwtrace diagnose' && has_diagnose=true
if [ -d "$EX" ] && ls "$EX"/*/ >/dev/null 2>&1; then
	vg valgrind-list-examples list --json --all "$EX"
	vg valgrind-show-examples show --json --raw 1 "$EX/healthy-inbound"
	$has_diagnose && vg valgrind-diagnose-examples diagnose --json "$EX"
	# each case on its own too, so that every diagnosis runs with its own dumps
	for d in "$EX"/*/; do
		$has_diagnose && vg "valgrind-diagnose-$(basename "$d")" diagnose --json "$d"
	done
else
	ok "valgrind-examples # skip: no examples"
fi
if ls "$REAL"/*.txt >/dev/null 2>&1; then
	vg valgrind-list-real list --json --all "$REAL"
	$has_diagnose && vg valgrind-diagnose-real diagnose --json "$REAL"
else
	ok "valgrind-real # skip: no real sample in $REAL"
fi
# a bundle, a .gz and a cut .gz go through libarchive and zlib
if [ -d "$EX/healthy-inbound" ]; then
	tar -czf "$XW_TMP/vg-bundle.tar.gz" -C "$EX" healthy-inbound
	gzip -c "$EX/healthy-inbound/expressway-e.log" > "$XW_TMP/vg-e.log.gz"
	head -c 9000 "$XW_TMP/vg-e.log.gz" > "$XW_TMP/vg-cut.log.gz"
	vg valgrind-list-bundle list --json "$XW_TMP/vg-bundle.tar.gz"
	vg valgrind-list-gz list --json "$XW_TMP/vg-e.log.gz" "$XW_TMP/vg-cut.log.gz"
fi
