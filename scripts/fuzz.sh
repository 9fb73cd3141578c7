#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
#
# Run every libFuzzer target for SECONDS (default 60) each, starting from its committed
# corpus (tests/fuzz/corpus/<target>) in a working copy under build-fuzz/fuzz-work/. A crash
# leaves its input in build-fuzz/fuzz-work/<target>/ and makes the run fail.
# FUZZ_MERGE=1 minimises what was found into the committed corpus afterwards.
set -u
cd "$(dirname "$0")/.."
secs=${1:-60}
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized >/dev/null || exit 1
fi
ninja -C build-fuzz >/dev/null || exit 1
status=0
for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	name=${t#fuzz_}
	work=build-fuzz/fuzz-work/$name
	mkdir -p "$work/corpus"
	cp -n tests/fuzz/corpus/"$name"/* "$work/corpus/" 2>/dev/null
	echo "== $t for ${secs}s"
	if ! (cd "$work" && ASAN_OPTIONS=detect_leaks=1 "$OLDPWD/build-fuzz/tests/fuzz/$t" corpus \
		-max_total_time="$secs" -print_final_stats=1 2>&1 | tail -4); then
		status=1
	fi
	if ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* >/dev/null 2>&1; then
		echo "fuzz.sh: $t found a problem: $(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null)"
		status=1
	elif [ "${FUZZ_MERGE:-0}" = 1 ]; then
		build-fuzz/tests/fuzz/"$t" -merge=1 tests/fuzz/corpus/"$name" "$work/corpus" >/dev/null 2>&1
	fi
done
exit $status
