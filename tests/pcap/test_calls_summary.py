#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""The stats JSON's calls_summary counts every call, however few `calls` lists.

A generated capture of 30 calls (every outcome, two workers) is run twice: with the default
stats.calls_in_json (every call listed) and with stats.calls_in_json 5. Both summaries must
equal what the full list of the first run says (calls by state, ended calls by reason, MOS
bands, worst MOS, streams); the capped run lists 5 calls (the most recent: latest setup_time,
every call having ended at the end of the capture), calls_omitted is 25, its rtp_streams are
the streams of the listed calls and of no call, and rtp_streams_omitted counts the others.
A cap of 0 lists nothing and still counts everything."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpeptest as vt  # noqa: E402

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "vpep_gen.py")
TWO_WORKERS = "0@0,1@1,2@1"
BANDS = [(0.0, "1.00-2.58"), (2.58, "2.58-3.10"), (3.1, "3.10-3.60"), (3.6, "3.60-4.03"),
         (4.03, "4.03-4.34"), (4.34, "4.34-5.00")]
STATES = ["trying", "ringing", "answered", "established", "terminated"]
REASONS = ["bye", "cancel", "rejected", "timeout", "session_timeout", "active_at_end"]


def band(mos):
    name = BANDS[0][1]
    for lo, n in BANDS:
        if mos >= lo:
            name = n
    return name


def from_list(calls, streams):
    """What a summary must say, computed from a full `calls` list."""
    want = {"calls": len(calls), "by_state": {s: 0 for s in STATES},
            "terminated_by_reason": {r: 0 for r in REASONS},
            "by_mos": {n: 0 for _, n in BANDS}, "active_by_mos": {n: 0 for _, n in BANDS},
            "streams": len(streams)}
    want["by_mos"]["none"] = 0
    want["active_by_mos"]["none"] = 0
    worst, worst_active = None, None
    for c in calls:
        want["by_state"][c["state"]] += 1
        active = c["state"] != "terminated"
        if not active:
            want["terminated_by_reason"][c["reason"]] += 1
        b = band(c["mos"]) if c["mos"] is not None else "none"
        want["by_mos"][b] += 1
        if active:
            want["active_by_mos"][b] += 1
        if c["mos"] is not None:
            worst = c["mos"] if worst is None else min(worst, c["mos"])
            if active:
                worst_active = c["mos"] if worst_active is None else min(worst_active, c["mos"])
    want["terminated"] = want["by_state"]["terminated"]
    want["active"] = len(calls) - want["terminated"]
    want["worst_mos"] = worst
    want["worst_active_mos"] = worst_active
    return want


def summary_part(s):
    return {k: v for k, v in s.items() if k not in ("calls_listed", "streams_listed")}


def main():
    c = vt.Checks("calls_summary")
    tmp = vt.mkdtemp(prefix="vpep-calls-summary-")
    pcap = os.path.join(tmp, "calls.pcap")
    subprocess.run(["/usr/bin/python3", GEN, "-o", pcap, "-q", "--calls", "30", "--duration",
                    "20", "--seed", "23", "--loss", "0.03", "--burst", "0.02,0.5",
                    "--jitter", "8", "--transport-mix", "udp=7,tcp=3"],
                   check=True, timeout=600)
    runs = {}
    for cap in (None, 5, 0):
        cfg = None
        if cap is not None:
            cfg = os.path.join(tmp, "cap%d.json" % cap)
            with open(cfg, "w", encoding="utf-8") as f:
                json.dump({"stats": {"calls_in_json": cap}}, f)
        d = vt.mkdtemp(dir=tmp)
        r = vt.run_dataplane([], read=pcap, lcores=TWO_WORKERS, write=False, config=cfg,
                             tmpdir=d)
        if not c.true("cap %s: statistics written" % cap, r.rc == 0 and r.stats is not None):
            c.done()
        runs[cap] = r.stats

    full = runs[None]
    calls, streams = full["calls"], full["rtp_streams"]
    c.eq("uncapped: the 30 calls listed", len(calls), 30)
    c.eq("uncapped: calls_omitted", full["calls_omitted"], 0)
    c.eq("uncapped: rtp_streams_omitted", full["rtp_streams_omitted"], 0)
    c.true("uncapped: calls have a MOS", any(x["mos"] is not None for x in calls))
    c.true("uncapped: more than one reason",
           len({x["reason"] for x in calls}) > 1, str({x["reason"] for x in calls}))
    want = from_list(calls, streams)
    c.eq("uncapped: summary == counts of the list", summary_part(full["calls_summary"]), want)
    c.eq("uncapped: calls_listed", full["calls_summary"]["calls_listed"], 30)
    c.eq("uncapped: streams_listed", full["calls_summary"]["streams_listed"], len(streams))

    capped = runs[5]
    c.eq("cap 5: summary == counts of the uncapped list",
         summary_part(capped["calls_summary"]), want)
    c.eq("cap 5: 5 calls listed", len(capped["calls"]), 5)
    c.eq("cap 5: calls_omitted", capped["calls_omitted"], 25)
    c.eq("cap 5: calls_listed", capped["calls_summary"]["calls_listed"], 5)
    recent = sorted(calls, key=lambda x: -x["setup_time"])[:5]
    c.eq("cap 5: the 5 most recent calls, in table order",
         [x["call_id"] for x in capped["calls"]],
         [x["call_id"] for x in calls if x in recent])
    by_id = {x["call_id"]: x for x in calls}
    c.true("cap 5: each listed call as in the full list (streams and MOS too)",
           all(x == by_id[x["call_id"]] for x in capped["calls"]))
    listed = {x["handle"] for x in capped["calls"]}
    want_streams = [s for s in streams if s["call_handle"] is None or s["call_handle"] in listed]
    c.eq("cap 5: rtp_streams are the listed calls' and the unsignalled ones",
         capped["rtp_streams"], want_streams)
    c.eq("cap 5: rtp_streams_omitted", capped["rtp_streams_omitted"],
         len(streams) - len(want_streams))
    c.eq("cap 5: streams_listed", capped["calls_summary"]["streams_listed"], len(want_streams))

    none = runs[0]
    c.eq("cap 0: summary == counts of the uncapped list",
         summary_part(none["calls_summary"]), want)
    c.eq("cap 0: nothing listed", (none["calls"], none["rtp_streams"]), ([], []))
    c.eq("cap 0: calls_omitted", none["calls_omitted"], 30)
    c.eq("cap 0: rtp_streams_omitted", none["rtp_streams_omitted"], len(streams))
    c.done()


if __name__ == "__main__":
    main()
