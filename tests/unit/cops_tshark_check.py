#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""COPS / PacketCable Multimedia conformance check against tshark.

Asks an independent decoder (tshark) whether a capture of COPS traffic is
well formed and carries the values we meant to send.

    cops_tshark_check.py CAPTURE.pcap EXPECT.json   check a capture
    cops_tshark_check.py --gen PATH/cops_pcap_gen    generate, check, and prove the
                                                     check can fail (corrupted run)

Checks, for every frame:
  * no "Malformed" item (_ws.malformed) and no expert item of severity
    Warning or Error, and no expert item at all from the COPS dissector;
  * every TCP segment with payload to/from the COPS port is dissected as COPS;
and for every frame listed in EXPECT.json, that each field's occurrences (in
frame order) equal the expected list. Integers compare numerically (hex or
decimal), IP addresses after normalisation, floats with a 1e-6 relative
tolerance, everything else as strings.

EXPECT.json: {"tcp_port": 3288, "total_frames": N (optional),
              "frames": [{"frame": 4, "desc": "OPN", "fields": {"cops.op_code": [6], ...}}]}
A capture from elsewhere (e.g. a loopback session) can be checked with a
hand-written EXPECT.json whose "frames" list is empty: then only the
well-formedness checks apply.

Exit status: 0 all checks passed, 1 a check failed, 2 usage or tool error.
"""

import argparse
import ipaddress
import json
import os
import subprocess
import sys
import tempfile

SEV_WARN = 0x00600000
SEV_ERROR = 0x00800000


def run_tshark(tshark, args):
    cmd = [tshark, "-n"] + args
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), proc.returncode,
                                                   proc.stderr.strip()))
    return proc.stdout


def frame_layers(tshark, pcap, fields):
    """Per frame number, a dict field -> list of string values."""
    args = ["-2", "-r", pcap, "-T", "json"]   # two passes: tcp.reassembled_in is known
    for f in ["frame.number", "frame.protocols", "tcp.len", "tcp.srcport", "tcp.dstport",
              "tcp.reassembled_in", "_ws.malformed", "_ws.expert.severity", "_ws.expert.message"] + sorted(fields):
        args += ["-e", f]
    out = run_tshark(tshark, args)
    frames = {}
    for pkt in json.loads(out or "[]"):
        layers = pkt["_source"]["layers"]
        num = int(layers["frame.number"][0])
        frames[num] = layers
    return frames


def cops_expert_items(tshark, pcap):
    """Expert items attributed to the COPS protocol, from `-z expert`."""
    out = run_tshark(tshark, ["-r", pcap, "-q", "-z", "expert"])
    items = []
    for line in out.splitlines():
        # "  count  group (one or two words)  protocol  summary"
        cols = line.split()
        if len(cols) >= 4 and cols[0].isdigit() and "COPS" in cols[2:4]:
            items.append(line.strip())
    return items


def norm_int(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    s = str(v).strip()
    return int(s, 0)


def values_equal(expected, actual):
    if isinstance(expected, float):
        try:
            a = float(actual)
        except ValueError:
            return False
        return abs(a - expected) <= 1e-6 * max(1.0, abs(expected))
    if isinstance(expected, int):
        try:
            return norm_int(actual) == expected
        except ValueError:
            return False
    if isinstance(expected, str):
        try:
            return ipaddress.ip_address(expected) == ipaddress.ip_address(actual)
        except ValueError:
            return expected == actual
    return expected == actual


def check(pcap, expect, tshark, verbose=False):
    """Return a list of failure strings (empty: all good)."""
    failures = []
    port = int(expect.get("tcp_port", 3288))
    wanted = {}
    for fr in expect.get("frames", []):
        for name in fr.get("fields", {}):
            wanted[name] = True
    frames = frame_layers(tshark, pcap, wanted.keys())

    total = expect.get("total_frames")
    if total is not None and total != len(frames):
        failures.append("capture has %d frames, expected %d" % (len(frames), total))

    for num in sorted(frames):
        layers = frames[num]
        protos = layers.get("frame.protocols", [""])[0].split(":")
        if layers.get("_ws.malformed"):
            failures.append("frame %d: Malformed packet (%s)" % (num, ":".join(protos)))
        sevs = layers.get("_ws.expert.severity", [])
        msgs = layers.get("_ws.expert.message", [])
        for i, sev in enumerate(sevs):
            for s in str(sev).split(","):
                if s and norm_int(s) >= SEV_WARN:
                    msg = msgs[i] if i < len(msgs) else "?"
                    failures.append("frame %d: expert item of severity 0x%x: %s" %
                                    (num, norm_int(s), msg))
        tcp_len = int(layers.get("tcp.len", ["0"])[0] or 0)
        ports = {int(p) for p in layers.get("tcp.srcport", []) + layers.get("tcp.dstport", [])}
        # A segment carrying part of a PDU is dissected in the frame that completes it.
        partial = bool(layers.get("tcp.reassembled_in"))
        if tcp_len > 0 and port in ports and "cops" not in protos and not partial:
            failures.append("frame %d: %d bytes of TCP payload on port %d not dissected as COPS "
                            "(%s)" % (num, tcp_len, port, ":".join(protos)))

    for item in cops_expert_items(tshark, pcap):
        failures.append("COPS expert item: %s" % item)

    for fr in expect.get("frames", []):
        num = fr["frame"]
        desc = fr.get("desc", "")
        layers = frames.get(num)
        if layers is None:
            failures.append("frame %d (%s): not in the capture" % (num, desc))
            continue
        if "cops" not in layers.get("frame.protocols", [""])[0].split(":"):
            failures.append("frame %d (%s): not decoded as COPS" % (num, desc))
            continue
        for name, exp_vals in fr.get("fields", {}).items():
            got = layers.get(name, [])
            if len(got) != len(exp_vals) or not all(
                    values_equal(e, a) for e, a in zip(exp_vals, got)):
                failures.append("frame %d (%s): %s = %s, expected %s" %
                                (num, desc, name, got, exp_vals))
            elif verbose:
                print("ok   frame %d (%s): %s = %s" % (num, desc, name, got))
    return failures


def check_files(pcap, expect_path, tshark, verbose=False):
    with open(expect_path) as f:
        expect = json.load(f)
    n_fields = sum(len(fr.get("fields", {})) for fr in expect.get("frames", []))
    failures = check(pcap, expect, tshark, verbose)
    return failures, len(expect.get("frames", [])), n_fields


def self_test(gen, tshark, verbose):
    """Check a generated capture, then make sure a corrupted one fails."""
    clean_ok = corrupt_ok = False
    with tempfile.TemporaryDirectory(prefix="cops_tshark_") as tmp:
        pcap = os.path.join(tmp, "cops.pcap")
        exp = os.path.join(tmp, "cops.json")
        subprocess.run([gen, pcap, exp], check=True)
        failures, n_frames, n_fields = check_files(pcap, exp, tshark, verbose)
        for f in failures:
            print("FAIL " + f)
        clean_ok = not failures
        print("%s: clean capture: %d frames with expectations, %d fields, %d failures" %
              ("ok" if not failures else "FAIL", n_frames, n_fields, len(failures)))

        # The checker must be able to fail: a corrupted object length must be
        # reported by tshark, and a wrong expected gate id must be noticed.
        bad_pcap = os.path.join(tmp, "bad.pcap")
        bad_exp = os.path.join(tmp, "bad.json")
        subprocess.run([gen, "--corrupt", bad_pcap, bad_exp], check=True)
        failures, _, _ = check_files(bad_pcap, bad_exp, tshark, False)
        caught_format = any("expert" in f or "Malformed" in f for f in failures)
        caught_value = any("cops.pc_gate_id" in f for f in failures)
        corrupt_ok = caught_format and caught_value
        if verbose or not corrupt_ok:
            for f in failures:
                print("     (expected) " + f)
        print("%s: corrupted capture detected (format error: %s, value mismatch: %s)" %
              ("ok" if corrupt_ok else "FAIL", caught_format, caught_value))
    passed = int(clean_ok) + int(corrupt_ok)
    print("%d passed, %d failed" % (passed, 2 - passed))
    return 0 if passed == 2 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pcap", nargs="?")
    ap.add_argument("expect", nargs="?")
    ap.add_argument("--gen", help="cops_pcap_gen binary: generate and self-test")
    ap.add_argument("--tshark", default=os.environ.get("TSHARK", "/usr/bin/tshark"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    if not os.access(args.tshark, os.X_OK):
        print("tshark not found at %s" % args.tshark, file=sys.stderr)
        return 2
    try:
        if args.gen:
            return self_test(args.gen, args.tshark, args.verbose)
        if not args.pcap or not args.expect:
            ap.print_usage(sys.stderr)
            return 2
        failures, n_frames, n_fields = check_files(args.pcap, args.expect, args.tshark,
                                                   args.verbose)
    except (RuntimeError, OSError, subprocess.CalledProcessError, ValueError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    for f in failures:
        print("FAIL " + f)
    print("%s: %d frames with expectations, %d fields, %d failures" %
          ("ok" if not failures else "FAIL", n_frames, n_fields, len(failures)))
    print("%d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
