#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Sum meson's testlog.json files: list what failed (with the tail of its output) and print,
as the last line, "N passed, N failed" (", N skipped" when any were skipped).
Exits 1 when a test failed or a log is missing."""

import json
import os
import sys

PASS = {"OK", "EXPECTEDFAIL"}
SKIP = {"SKIP"}


def main():
    passed = failed = skipped = 0
    failures = []
    missing = False
    for path in sys.argv[1:]:
        label = os.path.basename(path)[len("testlog-"):-len(".json")]
        if not os.path.exists(path):
            print("test-summary: %s is missing (that run did not happen)" % path)
            missing = True
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                t = json.loads(line)
                result = t.get("result", "")
                if result in PASS:
                    passed += 1
                elif result in SKIP:
                    skipped += 1
                else:
                    failed += 1
                    failures.append((label, t.get("name", "?"), result, t.get("stdout", "") or ""))
    for label, name, result, out in failures:
        lines = out.splitlines()
        # A failed check can sit far above the tail: list every such line first (cut short:
        # some checks print long lists), then the tail.
        checks = [ln[:400] for ln in lines if ln.startswith(("FAIL", "not ok"))]
        print("\n--- FAILED [%s] %s (%s)" % (label, name, result))
        if checks:
            print("failed checks:\n" + "\n".join(checks[:40]))
        print("last lines of its output:")
        print("\n".join(ln[:400] for ln in lines[-25:]))
    if failures:
        print()
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line)
    sys.exit(1 if failed or missing else 0)


if __name__ == "__main__":
    main()
