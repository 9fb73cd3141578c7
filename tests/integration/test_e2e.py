#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""End to end: a capture replayed through vpep-dataplane with vpep-ctrl and vpep-pdp attached.

The dataplane runs live on a net_pcap port reading a FIFO (as tests/pcap/test_ipc.py), so the
test decides when packets arrive: the calls' SIP first; then, once every PDP decision has been
applied and reported, vpep-ctrl is killed (SIGKILL) and the media follow. The PDP denies the
first call's caller and admits the others with DSCP 34. Checked on the dataplane's output
(tshark): the denied call's media after its decision are dropped, the admitted calls' media
leave marked 34 -- with vpep-ctrl dead since before the first RTP packet. A restarted vpep-ctrl
then learns the calls back from the dataplane (RESYNC) and its PDP re-decisions change
nothing."""

import fnmatch
import json
import os
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "pcap"))

import vpeptest as vt  # noqa: E402
from test_ipc import (dscp_by_pair, filler, media_pairs, read_pcap_records,  # noqa: E402
                      udp_pairs)
from ctrltest import check, free_port, main, wait_for  # noqa: E402

GEN = os.path.join(HERE, "..", "tools", "vpep_gen.py")
N_CALLS = 3


def glob_escape(s):
    return "".join("[%s]" % ch if ch in "*?[" else ch for ch in s)


def t_dataplane(env):
    pcap = env.path("calls.pcap")
    subprocess.run(["/usr/bin/python3", GEN, "-o", pcap, "-q", "--calls", str(N_CALLS),
                    "--seed", "11", "--duration", "12", "--ipv6", "0",
                    "--transport-mix", "udp=1", "--outcome-mix", "answered=1",
                    "--registers", "0", "--options", "0", "--frag", "0",
                    "--dscp-unmarked", "1", "--codec-mix", "PCMU=1", "--hold-time", "9:9",
                    "--dtmf", "0"], check=True, timeout=300)
    with open(pcap[:-5] + ".truth.json", encoding="utf-8") as f:
        truth = json.load(f)
    calls = {t["call_id"]: t for t in truth["calls"]}
    head, recs = read_pcap_records(pcap)
    first_media = max(t["answer_time"] for t in truth["calls"]) + 0.1
    t0 = recs[0][:8]
    base = int.from_bytes(t0[:4], "little") + int.from_bytes(t0[4:8], "little") / 1e6
    split = next(i for i, r in enumerate(recs)
                 if int.from_bytes(r[:4], "little") + int.from_bytes(r[4:8], "little") / 1e6 -
                 base >= first_media - 1e-6)
    sip_part, media_part = recs[:split], recs[split:]
    denied = sorted(calls)[0]
    deny_from = calls[denied]["from"]

    # the PDP: the first call's caller denied, everyone else admitted with DSCP 34 and a meter
    # that the replay (faster than real time) cannot exceed
    port = free_port()
    pol = env.path("pdp-policy.json")
    with open(pol, "w") as f:
        json.dump({"ka_timer_s": 5, "dscp": {"gold": 34},
                   "default": {"verdict": "admit", "class": "gold"},
                   "rules": [{"name": "blocked", "caller": glob_escape(deny_from),
                              "verdict": "deny"},
                             {"name": "gold", "verdict": "admit", "class": "gold",
                              "rate_bps": 100000000, "burst_bytes": 100000000}]}, f)
    check(fnmatch.fnmatchcase(deny_from, glob_escape(deny_from)), "deny rule matches " +
          deny_from)
    env.start_pdp("pdp", port, pol)

    fifo = env.path("in.fifo")
    os.mkfifo(fifo)
    out = env.path("out.pcap")
    sock = env.path("dp.sock")
    cfg = env.path("dp.json")
    with open(cfg, "w", encoding="utf-8") as f:
        json.dump({"mode": "inline", "ipc": {"socket": sock},
                   "ports": [{"name": "in", "device": "net_pcap_e2e0,rx_pcap=%s" % fifo},
                             {"name": "out", "device": "net_pcap_e2e1,tx_pcap=%s" % out}],
                   "pairs": [["in", "out"]], "policy": {}}, f)
    stats = env.path("stats.json")
    dp = env.spawn("dataplane", [vt.DATAPLANE] + vt.EAL + ["-l", "0-1", "--", "--config", cfg,
                                                         "--stats-json", stats])
    holder = {}
    opened = threading.Event()

    def open_writer():
        holder["w"] = open(fifo, "wb", buffering=0)
        opened.set()
    threading.Thread(target=open_writer, daemon=True).start()
    try:
        if not check(opened.wait(30), "the dataplane opened its FIFO port"):
            return
        w = holder["w"]
        w.write(head)
        wait_for(lambda: os.path.exists(sock) or dp.poll() is not None, 30,
                 "the dataplane's socket")
        env.start_ctrl(env.ctrl_config([port]))
        env.wait_status(lambda s: s["ipc"]["connected"] and s["pep"]["resyncs"] >= 1 and
                        s["sessions"][0]["state"] == "open", 15,
                        "vpep-ctrl attached to the dataplane and the PDP")
        for r in sip_part + filler(64):
            w.write(r)

        # every admission decided by the PDP, applied by the dataplane and reported
        def settled():
            # workers apply decisions between bursts: keep packets flowing while waiting
            for r in filler(16):
                w.write(r)
            s = env.status()
            decs = [d for d in env.decisions("pdp") if d["event"] == "decision"]
            if s is None or len({d["call_id"] for d in decs}) < N_CALLS:
                return False
            return s["pep"]["rpt_success"] + s["pep"]["rpt_failure"] >= len(decs)
        wait_for(settled, 20, "the PDP's decisions applied and reported")
        st = env.status()
        check(st["pep"]["rpt_failure"] == 0 and st["policy"]["results_err"] == 0,
              "the dataplane accepted every decision (%d ok)" % st["policy"]["results_ok"])
        env.kill("ctrl")
        check(dp.poll() is None, "vpep-ctrl killed; the dataplane runs on")
        for r in media_part + filler(64):
            w.write(r)
        time.sleep(1)
        # a new vpep-ctrl learns the calls back
        os.unlink(env.path("ctrl.status.json"))
        env.start_ctrl(env.ctrl_config([port]), name="ctrl2")
        def resynced(s):
            # workers apply decisions between bursts: keep packets flowing while waiting
            for r in filler(16):
                w.write(r)
            return s["pep"]["resyncs"] >= 1 and s["pep"]["resync_calls"] >= N_CALLS and \
                s["pep"]["rpt_success"] >= N_CALLS
        st2 = env.wait_status(resynced, 15, "the restarted vpep-ctrl's resync and re-decisions",
                              name="ctrl2")
        check(st2["policy"]["decisions_sent"] == 0,
              "the restarted vpep-ctrl re-applied nothing (%d sent, %d unchanged)" %
              (st2["policy"]["decisions_sent"], st2["policy"]["decisions_unchanged"]))
        w.close()
        holder.pop("w")
        time.sleep(1)
        dp.send_signal(signal.SIGTERM)
        dp.wait(30)
    finally:
        if "w" in holder:
            holder["w"].close()
    check(dp.returncode == 0, "the dataplane exited cleanly (%s)" % dp.returncode)
    with open(stats, encoding="utf-8") as f:
        s = json.load(f)
    seen = dscp_by_pair(out)

    def pairs_of(cid):
        return media_pairs(calls[cid])

    def media_of(cid):
        return [x for pr in pairs_of(cid) for x in seen.get(pr, [])]
    fed_before = udp_pairs(sip_part)
    fed_after = udp_pairs(media_part)
    for cid in calls:
        early = sum(1 for pr in fed_before if pr in pairs_of(cid))
        later = sum(1 for pr in fed_after if pr in pairs_of(cid))
        got = media_of(cid)
        marks = {d: got.count(d) for d in sorted(set(got))}
        # the decision lands while the SIP part is being fed: packets of that part may be
        # either side of it; everything fed after it is known to follow it
        if cid == denied:
            check(later > 100 and len(got) <= early,
                  "denied call %s: none of its %d media packets fed after the decision out "
                  "(%d of %d earlier ones out)" % (cid[:8], later, len(got), early))
        else:
            check(len(got) == early + later and got.count("34") >= later,
                  "admitted call %s: all %d media packets out (%d), the %d fed after the "
                  "decision marked 34: %s" % (cid[:8], early + later, len(got), later, marks))
    check(s["policy"]["admission"]["decisions"] >= N_CALLS,
          "decisions applied by the dataplane: %d" % s["policy"]["admission"]["decisions"])


if __name__ == "__main__":
    sys.exit(main({"dataplane": t_dataplane}))
