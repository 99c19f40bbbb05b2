# regress.sh - inputs found by the fuzzers that once crashed or hung xwtrace,
# or made it write what a terminal should not get.
. "$TOP/tests/lib.sh"
# Exits 1 unless stdin is valid UTF-8 with no control character but \n and \t.
terminal_safe() {
	python3 -c 'import sys
t = sys.stdin.buffer.read().decode("utf-8")
sys.exit(any((c < " " and c not in "\n\t") or "\x7f" <= c < "\xa0" for c in t))' 2>/dev/null
}
for f in "$TOP"/tests/data/regress/*; do
	n=$(basename "$f")
	for cmd in list diagnose; do
		timeout 20 "$XW" "$cmd" -q "$f" > /dev/null 2>&1; rc=$?
		# 0 or 1 (diagnose found an error) are results; 124 is the hang, >= 128 a crash
		if [ $rc -le 1 ]; then ok "regress-$cmd-$n"; else fail "regress-$cmd-$n" "exit $rc"; fi
	done
	# the table cuts long cells between characters (list-cell-utf8-cut.log)
	if timeout 20 "$XW" list -q --all "$f" 2>/dev/null | terminal_safe; then
		ok "regress-list-terminal-safe-$n"
	else
		fail "regress-list-terminal-safe-$n" "invalid UTF-8 or a control character"
	fi
done
