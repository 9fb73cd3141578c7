#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""vpep-ctrl's HTTP API with a large statistics document: how long /metrics, /api/v1/stats
and /api/v1/calls?limit=100 take when the dataplane reports --calls active calls.

    bench_http.py --ctrl build/ctrl/vpep-ctrl [--calls 100000] [--listed 200] [--scrapes 50]

The dataplane is tests/integration/fake_dataplane.py serving one fixed document as the
dataplane builds it: calls_summary counts the --calls active calls (state, MOS bands), and
`calls` lists --listed of them (ipc.calls_in_stats) in the full per-call form of
docs/stats-json.md with two streams each (~3.6 KB per call with its streams in
`rtp_streams`; all 100,000 would be ~380 MB, far above the link's VPEP_IPC_MAX_BODY of
16 MiB; docs/benchmarks.md).

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


# One call as the dataplane lists it (docs/stats-json.md), two streams: taken from a run of
# vpep-dataplane over a generated capture (tests/tools/vpep_gen.py), made active.
CALL_TEMPLATE = json.loads('{"handle":"0100000001000000","call_id":"c0dd6ce76380fb6bb8ab91b3@10.1.0.1","state":"established","reason":null,"final_code":200,"from":"sip:1000@voip.example.com","to":"sip:9714@voip.example.com","from_tag":"dacbc76f56","to_tag":"50b47fcf91","from_display":"Judy Wright","to_display":"","user_agent":"Grandstream GXP2170 1.0.11.23","setup_time":1700000000.10983,"ringing_time":1700000000.137813,"answer_time":1700000001.2775989,"established_time":1700000001.305024,"end_time":null,"duration_s":8.073229,"codecs":["PCMU","telephone-event"],"flags":0,"partial":false,"on_hold":false,"hold_count":0,"signalling":{"l4_proto":6,"src":"10.1.0.1:47301","dst":"10.2.0.1:5060"},"messages":{"invite":1,"reinvite":0,"ack":1,"bye":1,"cancel":0,"prack":0,"update":0,"other_requests":0,"responses":[2,2,0,0,0,0],"retransmissions":0,"stray":0},"media":[{"rtcp_mux":false,"sides":{"caller":{"rtp":"10.1.0.1:16358","payload_types":3,"hold":false},"callee":{"rtp":"10.2.0.1:20000","payload_types":2,"hold":false}}}],"worker":0,"streams":[{"ssrc":"0x68488A49","src":"10.1.0.1:16358","dst":"10.2.0.1:20000","call_id":"c0dd6ce76380fb6bb8ab91b3@10.1.0.1","signalled":true,"payload_type":0,"codec":"PCMU","packets":401,"expected":401,"lost":0,"duplicates":0,"reordered":0,"telephone_event_packets":0,"telephone_event_duplicates":0,"late_for_jitter_buffer":0,"max_delta_ms":20.0,"mean_jitter_ms":0.0,"max_jitter_ms":0.0,"rtt_ms":null,"mos":4.369016261583469,"r_factor":91.277,"video":false,"duration_s":8.0,"bytes":80200,"markers":1,"payload_type_changes":0,"mos_basis":["default_delay","sequence_loss"],"rtcp_sr":0,"rtcp_rr":0,"call_handle":"0100000001000000"},{"ssrc":"0xB2431EB2","src":"10.2.0.1:20000","dst":"10.1.0.1:16358","call_id":"c0dd6ce76380fb6bb8ab91b3@10.1.0.1","signalled":true,"payload_type":0,"codec":"PCMU","packets":404,"expected":404,"lost":0,"duplicates":0,"reordered":0,"telephone_event_packets":0,"telephone_event_duplicates":0,"late_for_jitter_buffer":0,"max_delta_ms":20.0,"mean_jitter_ms":0.0,"max_jitter_ms":0.0,"rtt_ms":null,"mos":4.369016261583469,"r_factor":91.277,"video":false,"duration_s":8.06,"bytes":80800,"markers":1,"payload_type_changes":0,"mos_basis":["default_delay","sequence_loss"],"rtcp_sr":0,"rtcp_rr":0,"call_handle":"0100000001000000"}],"mos":4.369016261583469}')

BANDS = [(0.0, "1.00-2.58"), (2.58, "2.58-3.10"), (3.1, "3.10-3.60"), (3.6, "3.60-4.03"),
         (4.03, "4.03-4.34"), (4.34, "4.34-5.00")]


def make_call(i, mos):
    c = json.loads(json.dumps(CALL_TEMPLATE))
    h = "%016x" % (0x1000000 + i)
    c["handle"] = h
    c["worker"] = i % 2
    c["call_id"] = "%024x@10.1.%d.%d" % (i * 7919, i // 250 % 250, i % 250)
    c["from"] = "sip:%d@a.example" % (1000 + i % 9000)
    c["to"] = "sip:%d@b.example" % (2000 + i % 7000)
    for st in c["streams"]:
        st["call_handle"] = h
        st["call_id"] = c["call_id"]
        st["mos"] = mos
    c["mos"] = mos
    return c


def make_doc(n_calls, listed, seed=7):
    """A STATS document as the dataplane sends it (compact JSON) with n_calls active calls:
    calls_summary counts them all; `calls` lists `listed` of them in the full per-call form
    (ipc.calls_in_stats), their streams in `rtp_streams` too."""
    rnd = random.Random(seed)
    bands = {n: 0 for _, n in BANDS}
    bands["none"] = 0
    calls, streams, worst = [], [], None
    for i in range(n_calls):
        mos = round(rnd.uniform(1.5, 4.5), 2)
        bands[[n for lo, n in BANDS if mos >= lo][-1]] += 1
        worst = mos if worst is None else min(worst, mos)
        if i < listed:
            c = make_call(i, mos)
            calls.append(c)
            streams.extend(c["streams"])
    summary = {"calls": n_calls, "active": n_calls, "terminated": 0,
               "by_state": {"trying": 0, "ringing": 0, "answered": 0, "established": n_calls,
                            "terminated": 0},
               "terminated_by_reason": {r: 0 for r in ("bye", "cancel", "rejected", "timeout",
                                                       "session_timeout", "active_at_end")},
               "active_by_mos": bands, "worst_active_mos": worst, "by_mos": dict(bands),
               "worst_mos": worst, "streams": 2 * n_calls, "calls_listed": len(calls),
               "streams_listed": len(streams)}
    doc = {"duration_s": 100.0, "rx_packets": 10 ** 9, "rx_bytes": 2 * 10 ** 11,
           "tx_packets": 10 ** 9, "tx_bytes": 2 * 10 ** 11, "dropped_packets": 0,
           "flows_active": 2 * n_calls,
           "ports": [{"name": "in", "rx_packets": 10 ** 9}, {"name": "out", "tx_packets": 10 ** 9}],
           "workers": [{"id": 0, "rx_packets": 5 * 10 ** 8}, {"id": 1, "rx_packets": 5 * 10 ** 8}],
           "classes": {"sip": {"flows": 1, "packets": 2, "bytes": 3}},
           "sip": {"messages": 10 * n_calls, "malformed": 0, "requests": {"INVITE": n_calls},
                   "responses": {"200": n_calls}},
           "media": {"rtp_packets": 10 ** 9, "rtcp_packets": 10 ** 6},
           "calls_summary": summary, "calls": calls, "calls_omitted": n_calls - len(calls),
           "rtp_streams": streams, "rtp_streams_omitted": 2 * n_calls - len(streams)}
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
    ap.add_argument("--listed", type=int, default=200,
                    help="calls in the document's list (the dataplane's ipc.calls_in_stats)")
    ap.add_argument("--scrapes", type=int, default=50)
    ap.add_argument("--interval", type=float, default=0.1, help="seconds between scrapes")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vpep_bench_http_")
    ctrl = None
    dp = None
    try:
        doc = make_doc(args.calls, args.listed)
        print("http_calls=%d" % args.calls)
        print("http_calls_listed=%d" % min(args.calls, args.listed))
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
