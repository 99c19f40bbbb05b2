#!/usr/bin/env bash
# tests/bench/run.sh - the scale benchmark (`make bench`; see README.md here).
#
# For each size (MiB of Expressway-C + Expressway-E log together) it builds
# or reuses synthetic logs, warms the page cache, then times on the same
# files: the floor (LC_ALL=C grep -c 'SIPMSG:', one pass over the bytes),
# `xwtrace list --json`, `xwtrace diagnose --json`, the TUI's first screen
# (xwtrace FILES in tmux, polled until the call list shows), and for
# comparison a pcap export of the same calls loaded by sngrep and tshark,
# and read back by xwtrace itself (list --json of the capture: its speed
# against theirs, and its peak memory against the capture's size).
# Prints one table row per size; times are also given as a ratio to the
# floor measured in the same run. A step whose command is missing or fails
# shows n/a; the table is printed anyway.
#
# Environment: BENCH_SIZES ("100 500 1000"), BENCH_SEED (1), BENCH_DIR
# (/tmp/xwbench), BENCH_REPEAT (1: best of N runs per step), XW (./xwtrace),
# BENCH_TUI_TIMEOUT (600 s), BENCH_TUI_READY / BENCH_TUI_BUSY (regexes, below).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2

XW=${XW:-$top/xwtrace}
BENCH_DIR=${BENCH_DIR:-/tmp/xwbench}
BENCH_SIZES=${BENCH_SIZES:-100 500 1000}
BENCH_SEED=${BENCH_SEED:-1}
BENCH_REPEAT=${BENCH_REPEAT:-1}
BENCH_TUI_TIMEOUT=${BENCH_TUI_TIMEOUT:-600}
# The first screen counts once the pane shows a number followed by "calls"
# (the status line) and nothing that looks like a progress screen.
BENCH_TUI_READY=${BENCH_TUI_READY:-[0-9] calls}
BENCH_TUI_BUSY=${BENCH_TUI_BUSY:-[Ll]oading|[Rr]eading|[Pp]arsing|[Ii]ndexing}
CC=${CC:-cc}

tmp=$(mktemp -d /tmp/xwbench-run.XXXXXX) || exit 2
tmux_sock=xwbench$$
notes=()
SIZE=

cleanup() {
	if [ -n "${tmux_started:-}" ]; then
		tmux -L "$tmux_sock" kill-server >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# note TEXT: adds a line under the table, prefixed with the size being run.
note() { notes+=("${SIZE:+$SIZE MB: }$*"); }
have() { command -v "$1" >/dev/null 2>&1; }

# build: compiles the generator and the rusage wrapper into $tmp.
build() {
	local f
	for f in genlogs rusage; do
		if ! "$CC" -O2 -std=c11 -Wall -Wextra -Werror -o "$tmp/$f" "tests/bench/$f.c"; then
			echo "bench: cannot build tests/bench/$f.c" >&2
			exit 2
		fi
	done
}

# now: prints the wall clock in seconds with a fraction.
now() {
	if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi
}

# calc FMT EXPR A [B]: prints awk's EXPR of a (and b) with printf FMT; n/a
# when an operand is n/a or the result is not a number.
calc() {
	local fmt=$1 expr=$2 v; shift 2
	for v in "$@"; do [ "$v" = n/a ] && { echo n/a; return; }; done
	awk -v fmt="$fmt" -v a="${1:-0}" -v b="${2:-0}" \
	    "BEGIN { v = $expr; if (v != v || v < 0) print \"n/a\"; else printf fmt, v }" 2>/dev/null || echo n/a
}
ratio() { [ "$2" != n/a ] && awk "BEGIN { exit !($2 > 0) }" && calc '%.1f' 'a / b' "$1" "$2" || echo n/a; }

# timed NAME OUT CMD...: runs CMD (stdout to OUT) BENCH_REPEAT times under
# rusage; sets T (best wall seconds) and RSS (its peak KB), or n/a when it fails.
timed() {
	local name=$1 out=$2; shift 2
	local i t rss rc
	T=n/a RSS=n/a
	for ((i = 0; i < BENCH_REPEAT; i++)); do
		"$tmp/rusage" -o "$tmp/ru" "$@" >"$out" 2>"$tmp/$name.err"
		rc=$?
		# diagnose exits 1 when it found an error: a result, not a failure
		if [ "$rc" -ne 0 ] && ! { [ "$name" = diag ] && [ "$rc" -eq 1 ]; }; then
			note "$name: exit $rc: $(head -c 200 "$tmp/$name.err" | tr '\n' ' ')"
			T=n/a RSS=n/a
			return 1
		fi
		read -r t rss <"$tmp/ru"
		if [ "$T" = n/a ] || awk "BEGIN { exit !($t < $T) }"; then T=$t RSS=$rss; fi
	done
	return 0
}

# dataset SIZE: makes or reuses the logs of SIZE MiB; sets C, E, MSGS, CALLS, BYTES.
dataset() {
	local size=$1 d="$BENCH_DIR/${1}mb-seed$BENCH_SEED" stamp out
	stamp="size=$size seed=$BENCH_SEED genlogs=$(cksum <tests/bench/genlogs.c | cut -d' ' -f1)"
	C=$d/expressway-c.log E=$d/expressway-e.log
	if ! { [ -f "$d/genlogs.out" ] && [ "$(head -1 "$d/genlogs.out")" = "$stamp" ] &&
	    [ -f "$C" ] && [ -f "$E" ]; } || ! grep -q "bytes=$(($(stat -c %s "$C") + $(stat -c %s "$E")))\$" \
	    "$d/genlogs.out"; then
		mkdir -p "$d" && rm -f "$d/genlogs.out" || return 1
		local t0=$(now)
		out=$("$tmp/genlogs" -o "$d" -s "$size" -seed "$BENCH_SEED" 2>"$d/genlogs.err") || return 1
		printf '%s\n%s\n' "$stamp" "$out" >"$d/genlogs.out"
		echo "bench: generated $d in $(calc '%.1f' 'a - b' "$(now)" "$t0") s: $out" >&2
	else
		echo "bench: reusing $d" >&2
	fi
	out=$(sed -n 2p "$d/genlogs.out")
	MSGS=$(sed 's/.*messages=\([0-9]*\).*/\1/' <<<"$out")
	CALLS=$(sed 's/.*calls=\([0-9]*\).*/\1/' <<<"$out")
	BYTES=$(sed 's/.*bytes=\([0-9]*\).*/\1/' <<<"$out")
}

# warm: reads the files once so every step finds them in the page cache.
warm() {
	local avail
	avail=$(awk '/^MemAvailable:/ { printf "%.0f", $2 * 1024 }' /proc/meminfo 2>/dev/null)
	if [ -n "$avail" ] && [ "$BYTES" -gt "$avail" ]; then
		note "input is larger than available memory; times include disk reads"
	fi
	cat "$C" "$E" >/dev/null
}

# floor: times the grep pass; sets GREP_T and checks its count against the generator's.
floor() {
	GREP_T=n/a
	timed grep "$tmp/grep.out" env LC_ALL=C grep -c 'SIPMSG:' "$C" "$E" || return
	GREP_T=$T
	local n
	n=$(awk -F: '{ s += $NF } END { print s }' "$tmp/grep.out")
	[ "$n" = "$MSGS" ] || note "grep counted $n SIPMSG: blocks, genlogs reported $MSGS"
}

# xw_step NAME ARGS...: times an xwtrace command; sets <NAME>_T and <NAME>_RSS.
xw_step() {
	local name=$1; shift
	printf -v "${name}_T" n/a
	printf -v "${name}_RSS" n/a
	[ -x "$XW" ] || return 1
	timed "$name" "$tmp/$name.out" "$XW" "$@" || return 1
	printf -v "${name}_T" %s "$T"
	printf -v "${name}_RSS" %s "$RSS"
}

# list_calls: prints how many calls `xwtrace list --json` returned, if jq can tell.
list_calls() {
	have jq || return
	jq -r 'if type == "array" then length elif (type == "object" and has("calls")) then (.calls | length)
	    else empty end' "$tmp/list.out" 2>/dev/null | head -1
}

# tui_pane: prints the TUI pane's text.
tui_pane() { tmux -L "$tmux_sock" capture-pane -p -t xwtui 2>/dev/null; }

# tui_first_screen: starts `xwtrace C E` in a 200x50 tmux pane and polls the
# pane (every 50 ms) until the call list is up: the pane is alive, on the
# alternate screen, shows BENCH_TUI_READY and not BENCH_TUI_BUSY. Sets
# TUI_T (seconds from start) or n/a.
tui_first_screen() {
	TUI_T=n/a
	[ -x "$XW" ] || return
	if ! have tmux; then note "tmux not installed: TUI column is n/a"; return; fi
	if [ -z "${tmux_started:-}" ]; then
		# a server with an idle session first, so its start-up is not timed
		tmux -L "$tmux_sock" -f /dev/null new-session -d -s idle -x 200 -y 50 'sleep 86400' || return
		tmux -L "$tmux_sock" set-option -g remain-on-exit on >/dev/null
		tmux_started=1
	fi
	local cmd t0 t screen state
	cmd=$(printf 'exec %q %q %q' "$XW" "$C" "$E")
	t0=$(now)
	tmux -L "$tmux_sock" new-session -d -s xwtui -x 200 -y 50 "$cmd" || return
	while :; do
		screen=$(tui_pane)
		# "dead alternate": a curses UI runs on the alternate screen; a program
		# that prints a list and exits is not a first screen
		state=$(tmux -L "$tmux_sock" display-message -p -t xwtui '#{pane_dead} #{alternate_on}' 2>/dev/null)
		t=$(now)
		if [ "${state% *}" != 0 ]; then
			note "TUI: xwtrace exited without a full-screen call list: $(tui_pane | grep -v '^$' |
			    tail -2 | tr -s ' \n' ' ' | head -c 160)"
			break
		fi
		if [ "${state#* }" = 1 ] && grep -Eq -- "$BENCH_TUI_READY" <<<"$screen" &&
		    ! grep -Eq -- "$BENCH_TUI_BUSY" <<<"$screen"; then
			TUI_T=$(calc '%.3f' 'a - b' "$t" "$t0")
			break
		fi
		if awk "BEGIN { exit !($t - $t0 > $BENCH_TUI_TIMEOUT) }"; then
			note "TUI: no call list after $BENCH_TUI_TIMEOUT s"
			break
		fi
		sleep 0.05
	done
	tmux -L "$tmux_sock" kill-session -t xwtui >/dev/null 2>&1
}

# others: exports a pcap of every call and times sngrep, tshark and xwtrace
# reading it; sets PCAP_T, PCAP_MB, SNGREP_T, TSHARK_T, XWCAP_T, XWCAP_RSS.
others() {
	local pcap=$tmp/calls.pcap
	PCAP_T=n/a PCAP_MB=n/a SNGREP_T=n/a TSHARK_T=n/a XWCAP_T=n/a XWCAP_RSS=n/a
	rm -f "$pcap"
	xw_step pcap export --format pcap --all -o "$pcap" "$C" "$E" || return
	if [ ! -s "$pcap" ]; then
		note "export: $pcap is empty"
		return
	fi
	PCAP_T=$pcap_T
	PCAP_MB=$(calc '%.1f' 'a / 1048576' "$(stat -c %s "$pcap")")
	cat "$pcap" >/dev/null
	if xw_step xwcap list --json --all -q "$pcap"; then
		XWCAP_T=$xwcap_T
		XWCAP_RSS=$(calc '%.1f' 'a * 102400 / b' "$xwcap_RSS" "$(stat -c %s "$pcap")")
		capture_counts "$pcap"
	fi
	if have sngrep; then
		# -N -q: load without the UI; -l: keep every dialog (the default stops at 20000)
		timed sngrep /dev/null sngrep -I "$pcap" -N -q -l 100000000 && SNGREP_T=$T
	else
		note "sngrep not installed: sngrep column is n/a"
	fi
	if have tshark; then
		timed tshark "$tmp/tshark.out" tshark -r "$pcap" -Y sip && TSHARK_T=$T
		[ "$XWCAP_T" != n/a ] && [ "$(wc -l < "$tmp/tshark.out")" != "$CAP_MSGS" ] &&
			note "xwtrace read $CAP_MSGS SIP messages from the capture, tshark $(wc -l < "$tmp/tshark.out")"
	else
		note "tshark not installed: tshark column is n/a"
	fi
	rm -f "$pcap"
}

# capture_counts PCAP: sets CAP_MSGS, the SIP messages xwtrace read from it.
capture_counts() {
	CAP_MSGS=$(python3 -c 'import json,sys; print(sum(f["sip_messages"] for f in json.load(open(sys.argv[1]))["files"]))' \
	    "$tmp/xwcap.out" 2>/dev/null || echo '?')
}

# row SIZE: runs every step on one size and adds its table row to ROWS.
row() {
	local size=$1 mb n
	if ! dataset "$size"; then
		note "cannot generate data in $BENCH_DIR (see its genlogs.err)"
		return
	fi
	warm
	floor
	xw_step list list --json "$C" "$E" && n=$(list_calls) && [ -n "$n" ] &&
		note "xwtrace list returned $n calls (genlogs wrote $CALLS calls plus OPTIONS keepalives)"
	xw_step diag diagnose --json "$C" "$E"
	tui_first_screen
	others
	mb=$(calc '%.1f' 'a / 1048576' "$BYTES")
	ROWS+=("$(printf "$FMT" "$mb" "$MSGS" "$CALLS" "$GREP_T" \
	    "$list_T" "$(ratio "$list_T" "$GREP_T")" \
	    "$(calc '%.1f' 'a / 1048576 / b' "$BYTES" "$list_T")" "$(calc '%.0f' 'a / b' "$MSGS" "$list_T")" \
	    "$diag_T" "$(ratio "$diag_T" "$GREP_T")" "$TUI_T" "$(ratio "$TUI_T" "$GREP_T")" \
	    "$(calc '%.1f' 'a * 102400 / b' "$list_RSS" "$BYTES")" "$(calc '%.1f' 'a * 102400 / b' "$diag_RSS" "$BYTES")" \
	    "$PCAP_T" "$PCAP_MB" "$SNGREP_T" "$TSHARK_T" "$XWCAP_T" "$XWCAP_RSS")")
}

FMT='%8s %9s %6s %7s %7s %6s %8s %9s %7s %6s %7s %6s %7s %7s %7s %7s %8s %8s %7s %7s\n'

main() {
	build
	mkdir -p "$BENCH_DIR" || exit 2
	[ -x "$XW" ] || note "no xwtrace at $XW (run make, or set XW): xwtrace columns are n/a"
	local h
	h=$(printf "$FMT" size_MB messages calls grep_s list_s list_x list_MB/s list_msg/s diag_s diag_x \
	    tui_s tui_x rss_lst% rss_dia% pcap_s pcap_MB sngrep_s tshark_s xwcap_s rss_cap%)
	ROWS=()
	for SIZE in $BENCH_SIZES; do
		row "$SIZE"
	done
	SIZE=
	echo
	echo "xwtrace scale benchmark: seed $BENCH_SEED, data in $BENCH_DIR, xwtrace $XW"
	echo "floor = LC_ALL=C grep -c 'SIPMSG:' on both files, page cache warm; _x = time / floor;"
	echo "rss_* = peak resident memory as % of input size; pcap_s = xwtrace export --format pcap --all;"
	echo "sngrep_s, tshark_s, xwcap_s = sngrep -I, tshark -r -Y sip, xwtrace list --json reading that capture;"
	echo "rss_cap% = xwtrace's peak memory reading it, as % of the capture's size"
	echo "$h"
	if [ "${#ROWS[@]}" -gt 0 ]; then printf '%s\n' "${ROWS[@]}"; fi
	if [ "${#notes[@]}" -gt 0 ]; then
		echo "notes:"
		printf '  %s\n' "${notes[@]}"
	fi
	return 0
}

main "$@"
