# scenarios.sh - busy, untidy logs from tests/tools/mkscenarios.py (many
# overlapping calls, one of two calls failing, forks, every dialog shape,
# multipart and Reason variants, INFO-only and cut logs, a 2 C + 2 E cluster,
# IPv6, unloaded neighbours), checked by tests/tools/checkscenarios.py: each
# call carries its own findings and no other, no false retransmission, the
# same output whatever the file order, the same calls with the logs read
# twice, compressed or overlapping. Several seeds; the duplicated-input runs
# on the first only (and one seed under the sanitizers, which are slow).
. "$TOP/tests/lib.sh"
seeds="11 12 13"
[ -n "${XW_SANITIZED:-}" ] && seeds="11"
opt=
for seed in $seeds; do
	d="$XW_TMP/scenarios-$seed"
	if ! python3 "$TOP/tests/tools/mkscenarios.py" --seed "$seed" --out "$d" >/dev/null; then
		fail "scenarios-generate-$seed"
		continue
	fi
	# ok/FAIL lines to the runner, the counts behind them to stderr
	python3 "$TOP/tests/tools/checkscenarios.py" "$XW" "$d" --stats $opt |
		sed "s|scenarios-$seed/|scenarios-$seed-|" | tee "$XW_TMP/scenarios.out" | grep -E '^(ok|FAIL) '
	grep '^#' "$XW_TMP/scenarios.out" >&2
	opt=--no-variants
done
