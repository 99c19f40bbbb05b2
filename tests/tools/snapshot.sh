#!/usr/bin/env bash
# snapshot.sh BIN DIR - every output of BIN over the examples and the real
# sample, one file per command, into DIR; `diff -r` two snapshots to prove a
# refactoring changed no byte (stdout, stderr and exit status are kept).
set -u
bin=$(realpath "$1"); out=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
cd "$top" || exit 2
run() { # NAME ARGS...
	local name=$1; shift
	"$bin" "$@" >"$out/$name.out" 2>"$out/$name.err"
	echo "rc=$?" >>"$out/$name.out"
}
inputs=(examples/*/ tests/data/real-logs/)
for d in "${inputs[@]}"; do
	n=$(basename "$d")
	run "$n.list" list "$d"
	run "$n.list-all-json" list --all --json "$d"
	run "$n.diagnose" diagnose "$d"
	run "$n.diagnose-json" diagnose --json "$d"
	calls=$("$bin" list --all --json "$d" 2>/dev/null | grep -o '"number":[0-9]*' | cut -d: -f2)
	for c in $calls; do
		run "$n.show-$c" show "$c" "$d"
		run "$n.show-$c-json" show --json "$c" "$d"
		for f in text plantuml mermaid json html; do
			run "$n.export-$c.$f" export --format "$f" --call "$c" "$d"
		done
	done
done
