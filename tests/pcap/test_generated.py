#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""The dataplane against the traffic generator's ground truth (tests/tools/vpep_gen.py):
concurrent calls over UDP, TCP (split and coalesced segments), IPv6 and fragmented INVITEs,
with random and burst loss, jitter, reordering and duplicates injected per RTP stream.

Exact: SIP messages per method and code, the calls (Call-IDs, final reason), and per RTP
stream the packets, loss, duplicates, reordering and telephone-event counts, and that the
stream was learned from its call's SDP. Within 1% (or 0.01 ms): mean and max jitter.
Two workers, so Call-ID steering and cross-worker expectations are on the path."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpeptest as vt  # noqa: E402

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "vpep_gen.py")
TWO_WORKERS = "0@0,1@1,2@1"

SCENARIOS = {
    "mixed": ["--calls", "16", "--duration", "30", "--seed", "11", "--loss", "0.02",
              "--burst", "0.02,0.4", "--jitter", "6", "--reorder", "0.01", "--duplicate",
              "0.01", "--dtmf", "0.4", "--ipv6", "0.3", "--transport-mix", "udp=6,tcp=4"],
    "fragments-and-tcp": ["--calls", "10", "--duration", "20", "--seed", "5", "--frag", "0.6",
                          "--transport-mix", "udp=5,tcp=5", "--tcp-split", "0.7",
                          "--tcp-coalesce", "0.5", "--reorder", "0.03",
                          "--reorder-distance", "3", "--rtcp-mux", "0.5", "--ipv6", "0.5"],
}


# The generator names why a call ended in its words; ours are docs/calls.md's, with the final
# response code beside them.
REASON = {"bye": "bye", "cancel": "cancel", "busy": "rejected", "no_answer": "rejected",
          "active": "active_at_end"}


def close(a, b):
    return abs(a - b) <= max(0.011, 0.01 * abs(b))


def check(c, name, truth, stats):
    label = name
    sip = stats["sip"]
    c.eq("%s: SIP requests per method" % label,
         {k: v for k, v in sip["requests"].items() if v}, truth["sip"]["requests"])
    c.eq("%s: SIP responses per code" % label,
         {k: v for k, v in sip["responses"].items() if v}, truth["sip"]["responses"])
    c.eq("%s: no SIP message malformed" % label, sip["malformed"], 0)
    ours = {call["call_id"]: call for call in stats["calls"]}
    c.eq("%s: calls" % label, sorted(ours), sorted(t["call_id"] for t in truth["calls"]))
    for t in truth["calls"]:
        o = ours.get(t["call_id"])
        if o is None:
            continue
        c.eq("%s call %s (%s, %s, IPv%d%s): reason" % (
            label, t["call_id"][:12], t["outcome"], t["transport"], t["ip_version"],
            ", fragmented" if t["fragmented"] else ""), o["reason"],
             REASON.get(t["reason"], t["reason"]))
        if t["code"] and t["reason"] != "active":
            c.eq("%s call %s: final code" % (label, t["call_id"][:12]), o["final_code"],
                 t["code"])
    streams = {(s["src"], s["dst"], s["ssrc"]): s for s in stats["rtp_streams"]}
    for t in truth["rtp_streams"]:
        if not t["validated"]:
            continue
        key = (t["src"], t["dst"], t["ssrc"])
        s = streams.get(key)
        what = "%s stream %s->%s %s (loss %d dup %d reord %d)" % (
            label, t["src"], t["dst"], t["ssrc"], t["lost"], t["duplicates"], t["reordered"])
        if s is None:
            c.true(what + ": found", False)
            continue
        c.true(what + ": belongs to its call", s["call_id"] == t["call_id"],
               "ours %s" % s["call_id"])
        for f in ("packets", "expected", "lost", "duplicates", "reordered"):
            c.eq("%s: %s" % (what, f), s[f], t[f])
        c.eq(what + ": telephone-event packets", s["telephone_event_packets"], t["te_packets"])
        c.eq(what + ": telephone-event duplicates", s["telephone_event_duplicates"],
             t["te_duplicates"])
        c.true("%s: max delta %.3f ~ %.3f" % (what, s["max_delta_ms"], t["max_delta_ms"]),
               abs(s["max_delta_ms"] - t["max_delta_ms"]) < 0.002)
        c.true("%s: mean jitter %.4f ~ %.4f" % (what, s["mean_jitter_ms"], t["mean_jitter_ms"]),
               close(s["mean_jitter_ms"], t["mean_jitter_ms"]))
        c.true("%s: max jitter %.4f ~ %.4f" % (what, s["max_jitter_ms"], t["max_jitter_ms"]),
               close(s["max_jitter_ms"], t["max_jitter_ms"]))
    c.eq("%s: no unsignalled stream" % label,
         [k for k, s in streams.items() if not s["signalled"]], [])


def main():
    c = vt.Checks("generated")
    tmp = vt.mkdtemp(prefix="vpep-gen-")
    for name, args in SCENARIOS.items():
        pcap = os.path.join(tmp, name + ".pcap")
        subprocess.run(["/usr/bin/python3", GEN, "-o", pcap, "-q"] + args, check=True,
                       timeout=600)
        with open(pcap[:-len(".pcap")] + ".truth.json", encoding="utf-8") as f:
            truth = json.load(f)
        r = vt.run_dataplane([], read=pcap, lcores=TWO_WORKERS, write=False)
        if r.stats is None:
            c.true("%s: statistics written" % name, False)
            continue
        vt.check_run_health(c, r)
        check(c, name, truth, r.stats)
    c.done()


if __name__ == "__main__":
    main()
