#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Build helper: write a C file defining `const char NAME[]` (NUL-terminated) and
`const unsigned int NAME_len` with the bytes of a file, so the binary carries a default
(e.g. the signature set) and needs no file lookup at run time.
Usage: embed-file.py INPUT OUTPUT.c NAME"""

import sys


def main():
    src, out, name = sys.argv[1:4]
    with open(src, "rb") as f:
        data = f.read()
    lines = []
    for i in range(0, len(data), 16):
        lines.append("\t" + ", ".join("0x%02x" % b for b in data[i:i + 16]) + ",")
    with open(out, "w", encoding="ascii") as f:
        f.write("/* Generated from %s by scripts/embed-file.py: do not edit. */\n" % src.split("/")[-1])
        f.write("const char %s[] = {\n%s\n\t0x00\n};\n" % (name, "\n".join(lines)))
        f.write("const unsigned int %s_len = %d;\n" % (name, len(data)))


if __name__ == "__main__":
    main()
