# tests/sh/threads.sh - the parse crew under ThreadSanitizer, and results that
# do not depend on thread timing. A log of a few hundred 512 KB batches
# (written by the benchmark's generator, corrupted blocks included) is loaded
# by a -fsanitize=thread build of the same sources: no data race may be
# reported, and list, diagnose and the pcap export must come out byte for
# byte as from the normal build, run after run. The sanitizer pass of `make
# check` (XW_SANITIZED=1) skips this file: TSan and ASan do not mix.
. "$TOP/tests/lib.sh"
if [ "${XW_SANITIZED:-}" = 1 ]; then ok "threads # not under other sanitizers"; exit 0; fi
D=$XW_TMP/threads
mkdir -p "$D"

# the data: 24 MB of C and E logs, 4 per mille of the blocks corrupted
if ! cc -O2 -std=c11 -o "$D/genlogs" "$TOP/tests/bench/genlogs.c" 2>"$D/cc.err" ||
    ! "$D/genlogs" -o "$D" -s 24 -seed 7 -corrupt 4000 >/dev/null 2>&1; then
	fail threads-data "cannot build the logs"; head -5 "$D/cc.err" >&2; exit 0
fi
LOGS=("$D/expressway-c.log" "$D/expressway-e.log")
ok threads-data

# the normal build, twice: the same bytes every time
for run in 1 2; do
	"$XW" list --json --all "${LOGS[@]}" >"$D/list$run.json" 2>"$D/list$run.err"
	"$XW" diagnose --json "${LOGS[@]}" >"$D/diag$run.json" 2>/dev/null
done
cmp -s "$D/list1.json" "$D/list2.json" && cmp -s "$D/list1.err" "$D/list2.err" &&
    cmp -s "$D/diag1.json" "$D/diag2.json" && ok threads-repeatable || fail threads-repeatable
grep -q 'SIP message skipped' "$D/list1.err" && ok threads-data-has-bad-blocks || fail threads-data-has-bad-blocks

# the TSan build, in a build directory of its own
TS=$D/build-tsan
if ! command -v clang >/dev/null 2>&1; then ok "threads-tsan # skip: no clang"; exit 0; fi
if ! make -s -C "$TOP" BUILD="$TS" CC=clang CFLAGS="-O1 -g -fsanitize=thread" \
    LDFLAGS="-fsanitize=thread" "$TS/xwtrace" >"$D/make.out" 2>&1; then
	fail threads-tsan-build; tail -5 "$D/make.out" >&2; exit 0
fi
ok threads-tsan-build
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 report_signal_unsafe=0"

# tsan NAME OUT ARGS...: ok when the TSan build runs ARGS without a report
tsan() {
	local n=$1 out=$2; shift 2
	"$TS/xwtrace" "$@" >"$out" 2>"$D/tsan.err"
	local rc=$?
	if [ $rc -eq 66 ] || grep -q 'ThreadSanitizer' "$D/tsan.err"; then
		fail "$n" "data race"; grep -A12 'WARNING: ThreadSanitizer' "$D/tsan.err" | head -30 >&2
	elif [ $rc -ge 2 ]; then fail "$n" "exit $rc"; tail -3 "$D/tsan.err" >&2
	else ok "$n"; fi
}
tsan threads-tsan-list "$D/tlist.json" list --json --all "${LOGS[@]}"
cmp -s "$D/tlist.json" "$D/list1.json" && ok threads-tsan-same-list || fail threads-tsan-same-list
tsan threads-tsan-diagnose "$D/tdiag.json" diagnose --json "${LOGS[@]}"
cmp -s "$D/tdiag.json" "$D/diag1.json" && ok threads-tsan-same-diagnose || fail threads-tsan-same-diagnose
tsan threads-tsan-pcap "$D/t.out" export --format pcap --all -o "$D/t.pcap" "${LOGS[@]}"
"$XW" export --format pcap --all -o "$D/n.pcap" "${LOGS[@]}" 2>/dev/null
cmp -s "$D/t.pcap" "$D/n.pcap" && ok threads-tsan-same-pcap || fail threads-tsan-same-pcap
