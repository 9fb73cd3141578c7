#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""vpep-ctrl's HTTP API with a large statistics document: how long /metrics, /api/v1/stats
and /api/v1/calls?limit=100 take when the dataplane reports --calls active calls.

    bench_http.py --ctrl build/ctrl/vpep-ctrl [--calls 100000] [--scrapes 50]

The dataplane is tests/integration/fake_dataplane.py serving one fixed document (--calls
active calls, each with a MOS, in the reduced per-call form below: the full form of
docs/stats-json.md is ~3.8 KB per call with two streams, 100,000 of them ~380 MB, far above
the link's VPEP_IPC_MAX_BODY of 16 MiB; docs/benchmarks.md).

Client side: wall time of each request over loopback (keep-alive connection, body read).
Server side: vpep_ctrl_metrics_render_seconds in the next scrape (the render of the one
before), and vpep_dataplane_stats_parse_seconds (parsing one document: it holds vpep-ctrl's
event loop, so the requests that arrive meanwhile wait; that is the client-side p99).
Prints key=value lines: median and p99 of each."""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from ctrltest import free_port, wait_for  # noqa: E402
from fake_dataplane import FakeDataplane  # noqa: E402


def make_doc(n_calls, seed=7):
    """A STATS document of n_calls active calls, compact JSON (as the dataplane sends it)."""
    rnd = random.Random(seed)
    calls = []
    for i in range(n_calls):
        calls.append({"handle": "%016x" % (0x1000000 + i), "worker": i % 2,
                      "call_id": "c%d@bench" % i, "state": "active",
                      "from": "sip:%d@a.example" % (1000 + i % 9000),
                      "to": "sip:%d@b.example" % (2000 + i % 7000),
                      "mos": round(rnd.uniform(1.5, 4.5), 2)})
    doc = {"duration_s": 100.0, "rx_packets": 10 ** 9, "rx_bytes": 2 * 10 ** 11,
           "tx_packets": 10 ** 9, "tx_bytes": 2 * 10 ** 11, "dropped_packets": 0,
           "flows_active": 2 * n_calls,
           "ports": [{"name": "in", "rx_packets": 10 ** 9}, {"name": "out", "tx_packets": 10 ** 9}],
           "workers": [{"id": 0, "rx_packets": 5 * 10 ** 8}, {"id": 1, "rx_packets": 5 * 10 ** 8}],
           "classes": {"sip": {"flows": 1, "packets": 2, "bytes": 3}},
           "sip": {"messages": 10 * n_calls, "malformed": 0, "requests": {"INVITE": n_calls},
                   "responses": {"200": n_calls}},
           "media": {"rtp_packets": 10 ** 9, "rtcp_packets": 10 ** 6},
           "calls": calls, "rtp_streams": []}
    return json.dumps(doc, separators=(",", ":")).encode()


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))] if v else float("nan")


def timed_get(conn, path):
    t0 = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    dt = time.perf_counter() - t0
    if r.status != 200:
        raise RuntimeError("%s: HTTP %d" % (path, r.status))
    return dt, body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ctrl", required=True)
    ap.add_argument("--calls", type=int, default=100000)
    ap.add_argument("--scrapes", type=int, default=50)
    ap.add_argument("--interval", type=float, default=0.1, help="seconds between scrapes")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vpep_bench_http_")
    ctrl = None
    dp = None
    try:
        doc = make_doc(args.calls)
        print("http_calls=%d" % args.calls)
        print("http_doc_bytes=%d" % len(doc))
        if len(doc) > 16 << 20:
            print("bench_http: the document exceeds VPEP_IPC_MAX_BODY (16 MiB)", file=sys.stderr)
            return 1
        sock = os.path.join(tmp, "dp.sock")
        dp = FakeDataplane(sock)
        dp.stats_doc = doc
        port = free_port()
        cfg = os.path.join(tmp, "ctrl.json")
        with open(cfg, "w") as f:
            json.dump({"pepid": "bench", "log_level": "warn",
                       "ipc": {"socket": sock, "stats_interval_ms": 5000},
                       "http": {"listen": "127.0.0.1:%d" % port},
                       "lpdp": {"default": "admit"}}, f)
        log = open(os.path.join(tmp, "ctrl.log"), "wb")
        ctrl = subprocess.Popen([args.ctrl, "--config", cfg], stdout=log, stderr=log)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def has_doc():
            try:
                _, b = timed_get(conn, "/api/v1/stats")
            except (OSError, RuntimeError, http.client.HTTPException):
                return False
            return json.loads(b)["calls"]["active"] == args.calls
        wait_for(has_doc, 60, "vpep-ctrl to hold the document")
        res = {}
        for path in ("/metrics", "/api/v1/stats", "/api/v1/calls?limit=100"):
            client, server, size = [], [], 0
            for _ in range(args.scrapes + 1):
                dt, body = timed_get(conn, path)
                client.append(dt)
                size = len(body)
                if path == "/metrics":
                    m = re.search(rb"^vpep_ctrl_metrics_render_seconds ([0-9.e+-]+)$", body, re.M)
                    if m and len(client) > 1:
                        server.append(float(m.group(1)))
                time.sleep(args.interval)
            if path == "/metrics":
                m = re.search(rb"^vpep_dataplane_stats_parse_seconds ([0-9.e+-]+)$", body, re.M)
                if m:
                    print("http_stats_doc_parse_ms=%.1f" % (1e3 * float(m.group(1))))
            client = client[1:]   # the first one warms the connection
            res[path] = (client, server, size)
        for path, key in (("/metrics", "metrics"), ("/api/v1/stats", "stats"),
                          ("/api/v1/calls?limit=100", "calls100")):
            client, server, size = res[path]
            print("http_%s_bytes=%d" % (key, size))
            print("http_%s_client_ms_p50=%.2f" % (key, 1e3 * pct(client, 0.5)))
            print("http_%s_client_ms_p99=%.2f" % (key, 1e3 * pct(client, 0.99)))
            if server:
                print("http_%s_render_ms_p50=%.3f" % (key, 1e3 * pct(server, 0.5)))
                print("http_%s_render_ms_p99=%.3f" % (key, 1e3 * pct(server, 0.99)))
        return 0
    finally:
        if ctrl is not None and ctrl.poll() is None:
            ctrl.send_signal(signal.SIGTERM)
            try:
                ctrl.wait(5)
            except subprocess.TimeoutExpired:
                ctrl.kill()
        if dp is not None:
            dp.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
