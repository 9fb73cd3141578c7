#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
#
# The whole test suite, as `make test` runs it:
#   1. install what is missing (scripts/install-deps.sh test)
#   2. build three trees: build/ (release, what users run), build-asan/ (ASan + UBSan),
#      build-fuzz/ (clang, libFuzzer binaries)
#   3. run every suite in build/, the unit, fuzz-replay and pcap suites again under
#      ASan/UBSan, and the fuzz corpora through the libFuzzer binaries
#   4. print the failures' logs and, as the very last line, "N passed, N failed[, N skipped]"
#
# Environment: VPEP_TEST_JOBS (parallel tests, default: number of CPUs), VPEP_CORPUS_DIR.
set -u
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/install-deps.sh test || exit 1

jobs=${VPEP_TEST_JOBS:-$(nproc)}
status=0

setup() {
	dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || {
			cat "$dir.setup.log"
			echo "run-tests.sh: meson setup $dir failed" >&2
			return 1
		}
		rm -f "$dir.setup.log"
	fi
	ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

echo "== building build/ (release), build-asan/ (ASan+UBSan), build-fuzz/ (libFuzzer)"
setup build || exit 1
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized || exit 1
CC=clang setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbuildtype=debugoptimized || exit 1

# Each run writes its own testlog.json; keep them apart so the summary can count all three.
run_suites() {
	dir=$1
	label=$2
	shift 2
	echo "== $label"
	meson test -C "$dir" --num-processes "$jobs" --no-rebuild "$@" || status=1
	cp "$dir/meson-logs/testlog.json" "$dir/meson-logs/testlog-$label.json"
}

run_suites build release
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	run_suites build-asan asan --suite unit --suite fuzz --suite pcap
ASAN_OPTIONS=detect_leaks=1 run_suites build-fuzz libfuzzer --suite fuzz

python3 "$root/scripts/test-summary.py" \
	build/meson-logs/testlog-release.json \
	build-asan/meson-logs/testlog-asan.json \
	build-fuzz/meson-logs/testlog-libfuzzer.json || status=1
exit $status
