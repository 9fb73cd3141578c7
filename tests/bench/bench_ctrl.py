#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Admission round trip of vpep-ctrl: fake dataplane ADMISSION -> vpep-ctrl REQ -> vpep-pdp
DEC -> DECISION back at the fake dataplane, at a fixed rate of call setups, on loopback.

    bench_ctrl.py --ctrl build/ctrl/vpep-ctrl --pdp build/ctrl/vpep-pdp
                  --rtt build/tests/bench/ctrl_rtt [--rate 1000] [--calls 10000]

The dataplane side is tests/bench/ctrl_rtt.c (C, one poll loop: it timestamps ADMISSION out
and DECISION in with CLOCK_MONOTONIC).

No call ends during the run, so vpep-ctrl finishes holding --calls open COPS handles; its RSS is
read from /proc then. Prints one line per figure (key=value) for docs/benchmarks.md."""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from ctrltest import free_port, wait_for  # noqa: E402


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ctrl", required=True)
    ap.add_argument("--pdp", required=True)
    ap.add_argument("--rtt", required=True, help="tests/bench/ctrl_rtt")
    ap.add_argument("--rate", type=int, default=1000)
    ap.add_argument("--calls", type=int, default=10000)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vpep_bench_ctrl_")
    procs = []
    try:
        port = free_port()
        pol = os.path.join(tmp, "pol.json")
        with open(pol, "w") as f:
            json.dump({"ka_timer_s": 30, "dscp": {"voice": 46},
                       "default": {"verdict": "deny"},
                       "rules": [{"name": "voice", "verdict": "admit", "class": "voice"}]}, f)
        cfg = os.path.join(tmp, "ctrl.json")
        with open(cfg, "w") as f:
            json.dump({"pepid": "bench", "log_level": "warn",
                       "ipc": {"socket": os.path.join(tmp, "dp.sock")},
                       "cops": {"sessions": [{"client_type": 32778, "provisioning": False,
                                              "pdps": ["127.0.0.1:%d" % port]}]},
                       "lpdp": {"default": "admit"}}, f)
        log = open(os.path.join(tmp, "procs.log"), "wb")
        procs.append(subprocess.Popen([args.pdp, "--policy", pol, "--listen",
                                       "127.0.0.1:%d" % port, "--log-level", "warn"],
                                      stdout=log, stderr=log))
        time.sleep(0.3)
        sock = os.path.join(tmp, "dp.sock")
        rtt = subprocess.Popen([args.rtt, sock, str(args.calls), str(args.rate)],
                               stdout=subprocess.PIPE, stderr=log, universal_newlines=True)
        procs.append(rtt)
        wait_for(lambda: os.path.exists(sock), 10, "ctrl_rtt to listen")
        status = os.path.join(tmp, "status.json")
        ctrl = subprocess.Popen([args.ctrl, "--config", cfg, "--status-file", status],
                                stdout=log, stderr=log)
        procs.append(ctrl)
        time.sleep(0.1)
        rss0 = rss_kib(ctrl.pid)
        out, _ = rtt.communicate(timeout=args.calls / args.rate + 60)
        time.sleep(0.6)   # the status file is refreshed twice a second
        with open(status) as f:
            st = json.load(f)
        print(out.strip())
        # the machine's own wakeup latency, for reading the tail (see ctrl_rtt.c)
        ref = subprocess.run([args.rtt, "--wakeup", "5000"], stdout=subprocess.PIPE,
                             universal_newlines=True, timeout=60)
        print(ref.stdout.strip())
        print("ctrl_rate=%d/s" % args.rate)
        print("ctrl_open_handles=%d" % st["sessions"][0]["handles"])
        print("ctrl_rss_kib_start=%d" % rss0)
        print("ctrl_rss_kib=%d" % rss_kib(ctrl.pid))
        if rtt.returncode != 0:
            print("bench_ctrl: not every admission was decided", file=sys.stderr)
            return 1
        return 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
