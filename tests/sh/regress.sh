# regress.sh - inputs found by the fuzzers that once crashed or hung xwtrace.
. "$TOP/tests/lib.sh"
for f in "$TOP"/tests/data/regress/*; do
	n=$(basename "$f")
	for cmd in list diagnose; do
		timeout 20 "$XW" "$cmd" -q "$f" > /dev/null 2>&1; rc=$?
		# 0 or 1 (diagnose found an error) are results; 124 is the hang, >= 128 a crash
		if [ $rc -le 1 ]; then ok "regress-$cmd-$n"; else fail "regress-$cmd-$n" "exit $rc"; fi
	done
done
