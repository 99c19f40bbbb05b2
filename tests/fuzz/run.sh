#!/usr/bin/env bash
# run.sh [SECONDS [NAME...]] - build every libFuzzer harness and run each for
# SECONDS (default 60). Objects of src/*.c (all but main.c) are built with
# clang -fsanitize=fuzzer-no-link,address,undefined into build-fuzz/obj; the
# corpus of each harness grows in build-fuzz/corpus/NAME (kept between runs,
# never in git), seeded by mkseeds.sh from the examples, the real sample and
# tests/fuzz/seeds/NAME. Crashes land in build-fuzz/artifacts/NAME/.
# Prints per harness runs, seconds and corpus size, then "ok NAME" or
# "FAIL NAME"; exits 1 when any harness failed.
# FUZZ_JOBS=2 runs two harnesses at a time; FUZZ_CC picks the compiler.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
secs=${1:-60}
[ $# -gt 0 ] && shift
names=${*:-scan sip sdp text xconf srule bundle export pcap tls}
jobs=${FUZZ_JOBS:-1}
cc=${FUZZ_CC:-$(command -v clang-14 || command -v clang)}
bf=build-fuzz
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="-O1 -g $san -fsanitize=fuzzer-no-link"

# max input length per harness: logs and dumps need room, patterns do not
maxlen() {
	case $1 in
	scan|xconf|bundle|pcap) echo 65536 ;;
	tls) echo 32768 ;;
	export) echo 32768 ;; # every output of every call per run: keep runs quick
	sip) echo 16384 ;;
	sdp) echo 8192 ;;
	*) echo 4096 ;;
	esac
}
# the dictionary per harness (scan gets log and SIP tokens together, export
# those and the markup that must never get through)
dict() {
	case $1 in
	scan) cat tests/fuzz/log.dict tests/fuzz/sip.dict > $bf/scan.dict; echo $bf/scan.dict ;;
	export) cat tests/fuzz/log.dict tests/fuzz/sip.dict tests/fuzz/export.dict > $bf/export.dict
		echo $bf/export.dict ;;
	bundle) echo tests/fuzz/log.dict ;;
	pcap) cat tests/fuzz/pcap.dict tests/fuzz/sip.dict > $bf/pcap.dict; echo $bf/pcap.dict ;;
	tls) echo tests/fuzz/tls.dict ;;
	sip|sdp|text) echo tests/fuzz/sip.dict ;;
	xconf) echo tests/fuzz/xconf.dict ;;
	srule) echo tests/fuzz/srule.dict ;;
	esac
}

# Builds the library objects through the Makefile's own rule into an archive
# (so a harness pulls only what it uses, and a file being rewritten by someone
# else breaks only the harnesses that need it), then harness $1.
build_lib() {
	local objs
	objs=$(ls src/*.c | grep -v '/main\.c$' | sed "s|^src/\(.*\)\.c$|$bf/obj/\1.o|")
	make -s -k BUILD=$bf/obj CC="$cc" CFLAGS="$cflags" $objs >&2 ||
		echo "warning: some objects did not build; harnesses that need them will not link" >&2
	rm -f $bf/libxw.a
	ar rcs $bf/libxw.a $(ls $objs 2>/dev/null)
}
build() {
	"$cc" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Iinclude -Itests/fuzz \
	    $(pkg-config --cflags libosip2 libpcre2-8) -O1 -g $san -fsanitize=fuzzer \
	    -o "$bf/fuzz_$1" "tests/fuzz/fuzz_$1.c" $bf/libxw.a \
	    $(pkg-config --libs ncursesw libosip2 libpcre2-8 libarchive zlib libpcap libcrypto) -pthread -lm >&2
}

# Runs harness $1 for $secs seconds; prints its summary and ok/FAIL.
run_one() {
	local n=$1 log=$bf/log/$1.txt
	mkdir -p "$bf/corpus/$n" "$bf/artifacts/$n" "$bf/log"
	LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 XW_FUZZ_NO_DIAG=${XW_FUZZ_NO_DIAG:-} \
	"$bf/fuzz_$n" -max_len="$(maxlen "$n")" -timeout=10 -rss_limit_mb=2048 \
	    -max_total_time="$secs" -print_final_stats=1 -dict="$(dict "$n")" \
	    -artifact_prefix="$bf/artifacts/$n/" "$bf/corpus/$n" "$bf/seeds/$n" > "$log" 2>&1
	local rc=$?
	local runs files kb took
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
	files=$(ls "$bf/corpus/$n" | wc -l)
	kb=$(du -sk "$bf/corpus/$n" | cut -f1)
	echo "$n: runs=${runs:-?} seconds=${took:-?} corpus=$files files (${kb} KB)"
	if [ $rc -eq 0 ] && ! grep -qE '^(==[0-9]+==ERROR|SUMMARY: )' "$log"; then
		echo "ok $n"
	else
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|fuzz_' "$log" | head -8 | sed 's/^/    /'
		echo "FAIL $n (log: $log)"
	fi
}

mkdir -p $bf
build_lib
built=
for n in $names; do
	if build "$n"; then built="$built $n"; else echo "FAIL $n (build)"; fi
done
tests/fuzz/mkseeds.sh $bf/seeds > /dev/null || { echo "FAIL seeds"; exit 1; }
export -f run_one maxlen dict
export bf secs
printf '%s\n' $built | xargs -P "$jobs" -I{} bash -c 'run_one {}' 2>/dev/null > $bf/summary.txt
cat $bf/summary.txt
[ "$(echo $built)" = "$(echo $names)" ] && ! grep -q '^FAIL' $bf/summary.txt
