#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Policy enforcement, offline with an output capture read back by tshark (docs/policy.md).

Traffic comes from tests/tools/vpep_gen.py (unmarked, so every mark in the output is ours) and
its ground truth says which packets belong to which call. Checks:
  - marking: voice RTP and RTCP leave with EF (46), SIP with CS3 (24), over IPv4 and IPv6;
    every IPv4 header checksum in the output verifies (tshark recomputes them);
  - a call denied by a local rule: none of its RTP or RTCP in the output, the other calls' RTP
    all there, the counters name the rule;
  - policing: a stream at twice its gate's CIR leaves at CIR x duration + CBS (within 2%),
    while in-profile streams of the same capture lose nothing;
  - a sipvicious-like REGISTER sweep (User-Agent friendly-scanner) is dropped whole while the
    legitimate calls keep all their RTP; the same sweep without the User-Agent is caught by
    the distinct-users detector.
One worker, so results do not depend on scheduling."""

import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpeptest as vt  # noqa: E402

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "vpep_gen.py")
BASE = ["--duration", "20", "--dscp-unmarked", "1", "--codec-mix", "PCMU=1",
        "--ptime-mix", "20=1", "--dtmf", "0", "--impaired", "0", "--registers", "0",
        "--options", "0", "--video", "0", "--frag", "0"]
FIELDS = ["ip.src", "ipv6.src", "udp.srcport", "ip.dst", "ipv6.dst", "udp.dstport",
          "ip.dsfield.dscp", "ipv6.tclass.dscp", "ip.len", "ipv6.plen", "ip.checksum.status",
          "sip.Method", "frame.protocols"]


def generate(tmp, name, args):
    pcap = os.path.join(tmp, name + ".pcap")
    subprocess.run(["/usr/bin/python3", GEN, "-o", pcap, "-q"] + BASE + args, check=True,
                   timeout=600)
    with open(pcap[:-len(".pcap")] + ".truth.json", encoding="utf-8") as f:
        return pcap, json.load(f)


def run(tmp, name, pcap, policy):
    cfg = os.path.join(tmp, name + ".json")
    with open(cfg, "w", encoding="utf-8") as f:
        json.dump({"policy": policy}, f)
    return vt.run_dataplane([], read=pcap, lcores="0-1", config=cfg, write=True,
                            tmpdir=vt.mkdtemp(prefix="vpep-pol-", dir=tmp))


def ep(host, port):
    return "%s:%s" % (host, port)


def output_packets(pcap):
    """Every UDP/TCP packet of the output: endpoints, DSCP, IP length, checksum status."""
    rows = vt.tshark_fields(pcap, FIELDS, extra=["-o", "ip.check_checksum:TRUE"])
    out = []
    for r in rows:
        r += [""] * (len(FIELDS) - len(r))
        v6 = r[1] != ""
        src = ep(r[1] if v6 else r[0], r[2])
        dst = ep(r[4] if v6 else r[3], r[5])
        dscp = r[7] if v6 else r[6]
        length = (int(r[9]) + 40) if v6 and r[9] else (int(r[8]) if r[8] else 0)
        out.append({"src": src, "dst": dst, "v6": v6, "dscp": int(dscp) if dscp else None,
                    "len": length, "cksum": r[10], "sip": r[11], "protos": r[12]})
    return out


def norm(e):
    """Truth endpoints write IPv6 as [addr]:port; tshark fields give addr and port apart."""
    host, _, port = e.rpartition(":")
    return ep(host.strip("[]"), port)


def call_media(call):
    """The call's RTP and RTCP 5-tuples (as src->dst pairs, both directions)."""
    rtp, rtcp = set(), set()
    for m in call["media"]:
        a, b = norm(m["caller"]), norm(m["callee"])
        rtp |= {(a, b), (b, a)}
        if not m["rtcp_mux"]:
            ar, br = norm(m["caller_rtcp"]), norm(m["callee_rtcp"])
            rtcp |= {(ar, br), (br, ar)}
    return rtp, rtcp


def streams_of(truth, call_id):
    return [s for s in truth["rtp_streams"] if s["call_id"] == call_id]


def count_stream(pkts, s):
    src, dst = norm(s["src"]), norm(s["dst"])
    return sum(1 for p in pkts if p["src"] == src and p["dst"] == dst)


_INPUT = {}


def offered(pcap, s):
    """Packets the input capture holds on the stream's 5-tuple: RTP, plus what else the
    generator sends there (keep-alives between the endpoints)."""
    if pcap not in _INPUT:
        _INPUT[pcap] = output_packets(pcap)
    return count_stream(_INPUT[pcap], s)


def check_marking(c, tmp):
    pcap, truth = generate(tmp, "marking", ["--calls", "8", "--seed", "3", "--ipv6", "0.5",
                                            "--transport-mix", "udp=1,tcp=1"])
    r = run(tmp, "marking", pcap, {})
    vt.check_run_health(c, r)
    if r.stats is None:
        return
    pkts = output_packets(r.out_pcap)
    rtp, rtcp = set(), set()
    for call in truth["calls"]:
        a, b = call_media(call)
        rtp |= a
        rtcp |= b
    media = [p for p in pkts if (p["src"], p["dst"]) in rtp]
    ctl = [p for p in pkts if (p["src"], p["dst"]) in rtcp]
    sip = [p for p in pkts if "sip" in p["protos"].split(":")]
    c.eq("marking: RTP packets in the output", len(media),
         sum(s["packets"] for s in truth["rtp_streams"]))
    c.eq("marking: RTP not marked EF", [p for p in media if p["dscp"] != 46][:3], [])
    c.true("marking: IPv6 RTP present and marked EF",
           sum(1 for p in media if p["v6"] and p["dscp"] == 46) > 0)
    c.true("marking: RTCP present", len(ctl) > 0)
    c.eq("marking: RTCP not marked EF", [p for p in ctl if p["dscp"] != 46][:3], [])
    c.true("marking: SIP present over IPv4 and IPv6",
           any(p["v6"] for p in sip) and any(not p["v6"] for p in sip))
    c.eq("marking: SIP not marked CS3", [p for p in sip if p["dscp"] != 24][:3], [])
    v4 = [p for p in pkts if not p["v6"]]
    c.eq("marking: IPv4 headers whose checksum does not verify",
         [p for p in v4 if p["cksum"] != "1"][:3], [])
    cls = r.stats["policy"]["classes"]
    c.eq("marking: voice class green packets = RTP packets",
         cls["voice"]["colours"]["green"]["packets"], len(media))
    c.true("marking: voice packets remarked (input unmarked)",
           cls["voice"]["remarked"] == len(media), "%d" % cls["voice"]["remarked"])
    c.eq("marking: nothing dropped", r.stats["dropped_packets"], 0)


def check_deny(c, tmp):
    pcap, truth = generate(tmp, "deny", ["--calls", "5", "--seed", "8", "--ipv6", "0.4",
                                         "--outcome-mix", "answered=1"])
    victim = truth["calls"][1]
    policy = {"rules": [{"name": "no-" + victim["to"].split("@")[0][4:],
                         "callee": victim["to"], "action": "deny"}]}
    r = run(tmp, "deny", pcap, policy)
    vt.check_run_health(c, r)
    if r.stats is None:
        return
    pkts = output_packets(r.out_pcap)
    rtp, rtcp = call_media(victim)
    c.eq("deny: RTP of the denied call in the output",
         sum(1 for p in pkts if (p["src"], p["dst"]) in rtp), 0)
    c.eq("deny: RTCP of the denied call in the output",
         sum(1 for p in pkts if (p["src"], p["dst"]) in rtcp), 0)
    for call in truth["calls"]:
        if call is victim:
            continue
        for s in streams_of(truth, call["call_id"]):
            c.eq("deny: other call %s stream %s->%s keeps its packets" % (
                call["index"], s["src"], s["dst"]), count_stream(pkts, s), offered(pcap, s))
    adm = r.stats["policy"]["admission"]
    rule = policy["rules"][0]["name"]
    c.eq("deny: admission counted by the rule", adm["by_rule"].get(rule), 1)
    c.eq("deny: calls admitted by default", adm["by_default"], len(truth["calls"]) - 1)
    denied = sum(s["packets"] for s in streams_of(truth, victim["call_id"]))
    c.true("deny: policy_gate_denied counts at least the RTP",
           r.stats["drops"]["policy_gate_denied"] >= denied,
           "%d >= %d" % (r.stats["drops"]["policy_gate_denied"], denied))
    gates = [g for g in r.stats["policy"]["gates"] if g["verdict"] == "deny"]
    c.eq("deny: the gate names the rule", [g["rule"] for g in gates], [rule])


def check_policing(c, tmp):
    pcap, truth = generate(tmp, "police", ["--calls", "4", "--seed", "21", "--ipv6", "0",
                                           "--outcome-mix", "answered=1",
                                           "--hold-time", "14:16"])
    victim = truth["calls"][0]
    cir_kbps, cbs = 40, 1500
    policy = {"rules": [{"name": "half-rate", "caller": victim["from"], "action": "admit",
                         "meter": {"type": "srtcm", "cir_kbps": cir_kbps, "cbs_bytes": cbs},
                         "red": "drop"}]}
    r = run(tmp, "police", pcap, policy)
    vt.check_run_health(c, r)
    if r.stats is None:
        return
    pkts = output_packets(r.out_pcap)
    for s in streams_of(truth, victim["call_id"]):
        offered_rate = s["bytes"] / (s["last_time"] - s["first_time"])
        c.true("police: stream %s->%s offered at twice the CIR" % (s["src"], s["dst"]),
               abs(offered_rate / (cir_kbps * 125) - 2) < 0.05, "%.0f B/s" % offered_rate)
        got = sum(p["len"] for p in pkts if p["src"] == norm(s["src"]) and
                  p["dst"] == norm(s["dst"]))
        want = cir_kbps * 125 * (s["last_time"] - s["first_time"]) + cbs
        c.true("police: stream %s->%s leaves at CIR (+-2%%)" % (s["src"], s["dst"]),
               abs(got - want) <= 0.02 * want, "%d bytes, CIR x duration + CBS = %.0f" % (
                   got, want))
    for call in truth["calls"][1:]:
        for s in streams_of(truth, call["call_id"]):
            c.eq("police: in-profile stream %s->%s loses nothing" % (s["src"], s["dst"]),
                 count_stream(pkts, s), offered(pcap, s))
    c.true("police: red drops counted", r.stats["drops"]["policy_gate_red"] > 0)


def check_sweep(c, tmp):
    pcap, truth = generate(tmp, "sweep", ["--calls", "5", "--seed", "13", "--ipv6", "0",
                                          "--outcome-mix", "answered=1", "--scan",
                                          "--scan-extensions", "100-199", "--scan-start", "3"])
    scan = truth["scans"][0]
    scanner = scan["src"].rsplit(":", 1)[0]
    for label, policy in (("user-agent", {}),
                          ("distinct users", {"protection": {"scanners": {
                              "user_agents": [], "sweep_users": 20}}})):
        r = run(tmp, "sweep-" + label.replace(" ", "-"), pcap, policy)
        vt.check_run_health(c, r)
        if r.stats is None:
            continue
        pkts = output_packets(r.out_pcap)
        sent = sum(1 for p in pkts if p["src"].rsplit(":", 1)[0] == scanner)
        prot = r.stats["policy"]["protection"]
        if label == "user-agent":
            c.eq("sweep (%s): requests from the scanner in the output" % label, sent, 0)
            c.eq("sweep (%s): scanner requests counted" % label, prot["scanner_user_agent"],
                 scan["requests"])
        else:
            # the detector needs sweep_users distinct users before it knows
            c.true("sweep (%s): at most the first 25 requests pass" % label,
                   sent <= 25 and prot["sweeps"] == 1, "%d passed, sweeps %d" % (
                       sent, prot["sweeps"]))
            c.eq("sweep (%s): the rest hit the blocklist" % label,
                 prot["blocklisted"] + sent + prot["sweeps"], scan["requests"])
        c.eq("sweep (%s): drops counted as scanner" % label,
             r.stats["drops"]["policy_scanner"], scan["requests"] - sent)
        for call in truth["calls"]:
            for s in streams_of(truth, call["call_id"]):
                c.eq("sweep (%s): call %d stream %s->%s keeps all its RTP" % (
                    label, call["index"], s["src"], s["dst"]), count_stream(pkts, s),
                    offered(pcap, s))


def check_bad_policy(c, tmp):
    """A policy that fails validation is refused whole, with file, line, column and key."""
    cfg = os.path.join(tmp, "bad.json")
    with open(cfg, "w", encoding="utf-8") as f:
        f.write('{"policy": {"rules": [\n  {"name": "a", "action": "admit",\n'
                '   "meter": {"type": "trtcm", "cir_kbps": 100, "pir_kbps": 50,\n'
                '             "cbs_bytes": 1, "pbs_bytes": 1}}]}}\n')
    r = vt.run_dataplane([], read=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                               "..", "data", "demo-voip.pcap"),
                         config=cfg, write=False)
    c.true("bad policy: refused (non-zero exit)", r.rc != 0)
    c.true("bad policy: error names file:line:col and key",
           "bad.json:3:" in r.stderr and "policy.rules[0].meter" in r.stderr,
           r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "(no stderr)")


def check_reload(c, tmp):
    """SIGHUP re-reads a policy file: a bad file is refused (the old policy stays), a good one
    takes over while traffic flows."""
    pcap, _ = generate(tmp, "reload", ["--calls", "2", "--seed", "4"])
    pol = os.path.join(tmp, "reload-policy.json")
    with open(pol, "w", encoding="utf-8") as f:
        json.dump({"classes": {"sip": {"dscp": 24}}}, f)
    cfg = os.path.join(tmp, "reload.json")
    with open(cfg, "w", encoding="utf-8") as f:
        json.dump({"mode": "inline", "policy": pol,
                   "ports": [{"name": "in", "device": "net_pcap_rl,rx_pcap=%s,infinite_rx=1" %
                              pcap}, {"name": "out", "device": "net_null_rl"}],
                   "pairs": [["in", "out"]]}, f)
    stats = os.path.join(tmp, "reload-stats.json")
    p = subprocess.Popen([vt.DATAPLANE] + vt.EAL + ["-l", "0-1", "--", "--config", cfg,
                                                    "--stats-json", stats],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)
        with open(pol, "w", encoding="utf-8") as f:
            f.write('{"classes": {"sip": {"dscp": 99}}}')  # the key "dscp" is at 1:22
        p.send_signal(signal.SIGHUP)
        time.sleep(1)
        with open(pol, "w", encoding="utf-8") as f:
            json.dump({"classes": {"sip": {"dscp": 26}}}, f)
        p.send_signal(signal.SIGHUP)
        time.sleep(1)
        c.true("reload: still running after two SIGHUPs", p.poll() is None)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    c.eq("reload: exit code", p.returncode, 0)
    c.true("reload: the bad policy was refused, naming file, line, column and key",
           "policy reload refused" in err and
           "reload-policy.json:1:22: policy.classes.sip.dscp" in err, err[-400:])
    c.true("reload: the good policy was loaded", "policy reloaded from" in err, err[-400:])
    if os.path.exists(stats):
        with open(stats, encoding="utf-8") as f:
            s = json.load(f)
        c.eq("reload: SIP class mark after the reload", s["policy"]["classes"]["sip"]["dscp"], 26)
        c.true("reload: traffic flowed", s["rx_packets"] > 1000, str(s["rx_packets"]))
        vt.check_run_health(c, vt.Run(p.returncode, s, "", err, None))
    else:
        c.true("reload: final statistics written", False)


def main():
    vt.need("tshark")
    c = vt.Checks("policy")
    tmp = vt.mkdtemp(prefix="vpep-policy-")
    check_marking(c, tmp)
    check_deny(c, tmp)
    check_policing(c, tmp)
    check_sweep(c, tmp)
    check_bad_policy(c, tmp)
    check_reload(c, tmp)
    c.done()


if __name__ == "__main__":
    main()
