#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""vpep-ctrl integration tests: real vpep-ctrl and vpep-pdp processes on 127.0.0.1, the fake
dataplane (fake_dataplane.py) and, for the misbehaving-PDP cases, a scripted PDP (evil_pdp.py).

    test_ctrl.py TEST      (meson registers each TEST separately)

The only timing assertion is the issue's own failover bound (on the backup within KA timer +
1 s), measured between the kill/stop (time.monotonic()) and vpep-ctrl's own status-file
timestamp of the CAT from the backup (CLOCK_MONOTONIC as well). Every other wait is a bounded
wait for an event, not a measurement."""

import json
import os
import signal
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import evil_pdp as ev  # noqa: E402
from ctrltest import (check, check_capture, free_port, ints, main, media,  # noqa: E402
                      strs, wait_for)

KA = 2          # seconds, handed out by the PDPs in CAT
DSCP = {"voice": 46, "video": 34}


def session(st, i=0):
    return st["sessions"][i]


def is_open_with(port):
    return lambda s: session(s)["state"] == "open" and session(s)["pdp"].endswith(":%d" % port)


def one_decision_each(env, handles):
    """No decision lost, none applied twice: exactly one PDP (COPS) DECISION per call, and it
    is the one in force. A call that arrived while no PDP was open also has the local
    decision that stood in for it before."""
    for h in handles:
        ds = env.dp.decisions_for(h)
        cops = [d for d in ds if d.source == 1]
        check(len(cops) == 1 and ds[-1].source == 1 and
              all(d.source == 2 for d in ds if d.source != 1),
              "call %#x: %d PDP DECISION(s) at the dataplane, %d in all (want exactly 1 from "
              "the PDP, in force)" % (h, len(cops), len(ds)))


def capture_matches(env, pcap, ports, calls, pep_only=False):
    """tshark decodes every COPS message cleanly, and the gate ids, DSCPs and classifiers it
    decodes equal what was sent (REQ classifiers = the fake dataplane's media; DEC gate ids and
    DSCPs = the PDP's decision logs)."""
    failures, cops = check_capture(pcap, ports, pep_only)
    for f in failures[:20]:
        print("     " + f)
    check(not failures, "tshark: %d COPS frames, %d problems" % (len(cops), len(failures)))
    ops = set()
    for l in cops:
        ops.update(ints(l, "cops.op_code"))
    req_src, req_dst, req_sport, req_dport, dec_gates, dec_dscp = set(), set(), set(), set(), \
        set(), set()
    for l in cops:
        tports = {int(x) for x in l.get("tcp.dstport", [])}
        to_pdp = bool(tports & set(ports))
        if to_pdp:
            req_src.update(strs(l, "cops.pc_mm_classifier_src_addr"))
            req_dst.update(strs(l, "cops.pc_mm_classifier_dst_addr"))
            req_sport.update(ints(l, "cops.pc_mm_classifier_src_port"))
            req_dport.update(ints(l, "cops.pc_mm_classifier_dst_port"))
        elif 2 in ints(l, "cops.op_code"):
            dec_gates.update(ints(l, "cops.pc_gate_id"))
            dec_dscp.update(ints(l, "cops.pc_mm_gs_dscp"))
    for m in calls:
        check(m["offer_ip"] in req_src and m["answer_ip"] in req_dst and
              m["offer_port"] in req_sport and m["answer_port"] in req_dport,
              "tshark: REQ classifier %s:%d -> %s:%d as sent" % (
                  m["offer_ip"], m["offer_port"], m["answer_ip"], m["answer_port"]))
    return ops, dec_gates, dec_dscp


def pdp_admitted(env, names):
    out = {}
    for n in names:
        for d in env.decisions(n):
            if d.get("event") == "decision" and d["verdict"] == "admit":
                out.setdefault(d["gate_id"], set()).add(d["dscp"])
    return out


# --------------------------------------------------------------------------------------------

def t_full_session(env):
    port = free_port()
    pcap = env.start_capture([port])
    env.start_pdp("pdp", port, env.pdp_policy(ka=KA, acct=1))
    dp = env.start_dp()
    env.start_ctrl(env.ctrl_config([port]))
    env.wait_status(is_open_with(port), 10, "the session to open")
    dp.wait_connected()
    calls = {0x101: ("sip:alice@a.example", "sip:bob@b.example", media(1, "PCMU")),
             0x102: ("sip:blocked-carol@c.example", "sip:dan@b.example", media(2, "PCMA")),
             0x103: ("sip:erin@x.example", "sip:frank@video.example", media(3, "H264", 800000))}
    for h, (f, t, m) in calls.items():
        dp.admit(h, "call-%x@it" % h, f, t, "192.0.2.1", [m])
    d1, d2, d3 = (dp.wait_decision(h) for h in calls)
    check(d1.verdict == 1 and d1.dscp == DSCP["voice"] and d1.source == 1,
          "admitted voice call: verdict %d dscp %d source %d" % (d1.verdict, d1.dscp, d1.source))
    check(d1.meter.cir == 87200 // 8, "voice call metered at its bandwidth: cir %d B/s" %
          d1.meter.cir)
    check(d2.verdict == 2, "blocked caller denied (verdict %d)" % d2.verdict)
    check(d3.verdict == 1 and d3.dscp == DSCP["video"], "video call admitted with DSCP %d" %
          d3.dscp)
    env.wait_status(lambda s: s["pep"]["rpt_success"] >= 3, 5, "RPTs after the decisions")
    # keep-alives both ways (KA timer 2 s: the PEP sends within 0.5..1.5 s)
    st = env.wait_status(lambda s: session(s)["tx"]["KA"] >= 2 and session(s)["rx"]["KA"] >= 2,
                         10, "two KA exchanges")
    check(session(st)["ka_ms"] == KA * 1000, "KA timer from CAT: %d ms" % session(st)["ka_ms"])
    env.wait_status(lambda s: session(s)["tx"]["RPT"] >= 3 + 3, 10, "accounting RPTs")
    # SSQ -> every current request again, then SSC; the unchanged decisions are not re-applied
    before = len(env.decisions("pdp"))
    env.procs["pdp"].send_signal(signal.SIGUSR1)
    wait_for(lambda: any(d["event"] == "sync-complete" for d in env.decisions("pdp")), 5,
             "SSC at the PDP")
    wait_for(lambda: len([d for d in env.decisions("pdp")[before:]
                          if d["event"] == "decision"]) >= 3, 5, "the REQs re-sent on SSQ")
    env.wait_status(lambda s: s["policy"]["decisions_unchanged"] >= 3, 5,
                    "re-decisions recognised as unchanged")
    # call end: accounting RPT then DRQ (reason Tear)
    dp.call_end(0x101)
    wait_for(lambda: [d for d in env.decisions("pdp") if d["event"] == "delete"], 5,
             "DRQ at the PDP")
    drq = [d for d in env.decisions("pdp") if d["event"] == "delete"][0]
    check(drq["reason"] == 4, "DRQ at call end with reason 4 (Tear): %d" % drq["reason"])
    one_decision_each(env, calls)
    st = env.wait_status(lambda s: "dataplane_stats" in s, 5, "the dataplane's STATS")
    check(st["dataplane_stats"] == {"fake": True}, "STATS_REQ answered, the document kept")
    pcap = env.stop_capture()
    ops, gates, dscps = capture_matches(env, pcap, [port], [c[2] for c in calls.values()])
    for op, name in [(6, "OPN"), (7, "CAT"), (9, "KA"), (1, "REQ"), (2, "DEC"), (3, "RPT"),
                     (4, "DRQ"), (5, "SSQ"), (10, "SSC")]:
        check(op in ops, "capture has %s" % name)
    admitted = pdp_admitted(env, ["pdp"])
    check(set(admitted) == {d1.gate_id, d3.gate_id},
          "PDP admitted gates %s = the dataplane's %s" % (sorted(admitted),
                                                          [d1.gate_id, d3.gate_id]))
    check(set(admitted) <= gates, "tshark: DEC gate ids %s include %s" % (sorted(gates),
                                                                          sorted(admitted)))
    check({46 << 2, 34 << 2} <= dscps, "tshark: DEC DSCP fields %s include 184 and 136" %
          sorted(dscps))


def failover(env, sig):
    p1, p2 = free_port(), free_port()
    pcap = env.start_capture([p1, p2])
    pol = env.pdp_policy(ka=KA)
    env.start_pdp("primary", p1, pol)
    env.start_pdp("backup", p2, pol, role="backup", primary_port=p1)
    dp = env.start_dp()
    env.start_ctrl(env.ctrl_config([p1, p2]))
    env.wait_status(is_open_with(p1), 10, "the session to open with the primary")
    dp.wait_connected()
    sent = []
    for i in range(5):
        m = media(i)
        sent.append(m)
        dp.admit(0x200 + i, "before-%d" % i, "sip:u%d@a.example" % i, "sip:x@b.example",
                 "192.0.2.%d" % (20 + i), [m])
    before = {0x200 + i: dp.wait_decision(0x200 + i) for i in range(5)}
    # a request outstanding at the moment the primary goes away must not be lost
    t_fail = time.monotonic()
    env.kill("primary", sig)
    dp.admit(0x2ff, "in-flight", "sip:late@a.example", "sip:x@b.example", "192.0.2.99",
             [media(99)])
    st = env.wait_status(is_open_with(p2), KA + 10, "the session to move to the backup")
    opens = [e for e in session(st)["events"] if e["kind"] == "open" and e["t"] > t_fail]
    check(bool(opens), "an open event after the failure")
    if opens:
        dt = opens[0]["t"] - t_fail
        check(dt <= KA + 1.0, "on the backup %.3f s after %s (bound: KA %d s + 1 s)" %
              (dt, "SIGKILL" if sig == signal.SIGKILL else "SIGSTOP", KA))
        check(opens[0]["why"] == "failover", "the open is a failover (%s)" % opens[0]["why"])
    for i in range(3):
        m = media(10 + i)
        sent.append(m)
        dp.admit(0x210 + i, "during-%d" % i, "sip:v%d@a.example" % i, "sip:x@b.example",
                 "192.0.2.%d" % (40 + i), [m])
        dp.wait_decision(0x210 + i)
    dp.wait_decision(0x2ff)
    # the primary comes back: the backup redirects the PEP home
    t_back = time.monotonic()
    if sig == signal.SIGKILL:
        env.start_pdp("primary2", p1, pol)
    else:
        env.procs["primary"].send_signal(signal.SIGCONT)
    st = env.wait_status(is_open_with(p1), 15, "the redirect back to the primary")
    homes = [e for e in session(st)["events"] if e["kind"] == "open" and e["t"] > t_back]
    check(bool(homes) and homes[0]["why"] == "redirect",
          "back on the primary through a redirect (%s)" % (homes[0]["why"] if homes else None))
    check(session(st)["redirects"] >= 1, "redirects counted: %d" % session(st)["redirects"])
    redirected = [d for d in env.decisions("backup") if d["event"] == "redirect"]
    check(bool(redirected), "the backup logged the redirect")
    dp.admit(0x220, "after", "sip:w@a.example", "sip:x@b.example", "192.0.2.60", [media(20)])
    dp.wait_decision(0x220)
    # everything re-decided by the backup and by the primary again was unchanged
    env.wait_status(lambda s: s["policy"]["decisions_unchanged"] >= 5, 10,
                    "re-decisions recognised as unchanged")
    handles = list(before) + [0x210, 0x211, 0x212, 0x2ff, 0x220]
    one_decision_each(env, handles)
    for h, d in before.items():
        cur = dp.calls[h]["decision"]
        check(cur is not None and cur.gate_id == d.gate_id and cur.verdict == 1,
              "call %#x admitted before the failover keeps gate %d" % (h, d.gate_id))
    check(env.procs["ctrl"].poll() is None, "vpep-ctrl still running")
    pcap = env.stop_capture()
    _, cops = check_capture(pcap, [p1, p2])
    capture_matches(env, pcap, [p1, p2], sent)
    # Client-Close 9 (Communication Failure) to the lost primary where the socket allowed it:
    # a frozen process's socket still takes it; a killed one's is gone (RST).
    cc9 = [l for l in cops if 8 in ints(l, "cops.op_code") and 9 in ints(l, "cops.error")
           and str(p1) in l.get("tcp.dstport", [])]
    redirect = [l for l in cops if 8 in ints(l, "cops.op_code") and
                12 in ints(l, "cops.error") and str(p2) in l.get("tcp.srcport", [])]
    if sig == signal.SIGSTOP:
        check(bool(cc9), "tshark: Client-Close Error 9 sent to the frozen primary")
    check(bool(redirect), "tshark: Client-Close Error 12 (Redirect) from the backup")


def t_failover_kill(env):
    failover(env, signal.SIGKILL)


def t_failover_stop(env):
    failover(env, signal.SIGSTOP)


# --- a misbehaving PDP ----------------------------------------------------------------------

def evil_setup(env, scenario, ka=KA, admit=True):
    port = free_port()
    env.start_capture([port])
    pdp = ev.EvilPdp(port, scenario, ka=ka)
    env.evil = pdp
    dp = env.start_dp()
    env.start_ctrl(env.ctrl_config([port], sessions=[
        {"client_type": 0x800A, "provisioning": False, "pdps": ["127.0.0.1:%d" % port]}]))
    dp.wait_connected()
    if admit:
        dp.admit(0x301, "evil-call", "sip:a@a.example", "sip:b@b.example", "192.0.2.5",
                 [media(5)])
    return pdp, port


def evil_finish(env, pdp, port):
    check(env.procs["ctrl"].poll() is None, "vpep-ctrl survived (pid %d)" %
          env.procs["ctrl"].pid)
    check(not pdp.errors, "scripted PDP ran without errors %s" % pdp.errors)
    pcap = env.stop_capture()
    failures, _ = check_capture(pcap, [port], pep_only=True)
    for f in failures[:10]:
        print("     " + f)
    check(not failures, "tshark: every message vpep-ctrl sent decodes cleanly")
    pdp.close()


def cc_errors(pdp):
    out = []
    for objs in pdp.find("CC"):
        e = ev.first(objs, 8)
        if e is not None:
            out.append(struct.unpack("!HH", e[:4]))
    return out


def drq_reasons(pdp):
    out = []
    for objs in pdp.find("DRQ"):
        r = ev.first(objs, 5)
        h = ev.first(objs, 1)
        if r is not None:
            out.append((h, ) + struct.unpack("!HH", r[:4]))
    return out


def t_evil_garbage(env):
    def sc(c, idx):
        if idx == 0:
            c.send(b"\xde\xad\xbe\xef" * 8)
        c.pump(30)
    pdp, port = evil_setup(env, sc, admit=False)
    wait_for(lambda: cc_errors(pdp), 10, "Client-Close from vpep-ctrl")
    check((3, 0) in cc_errors(pdp), "garbage -> Client-Close Error 3 (Bad Message Format): %s"
          % cc_errors(pdp))
    wait_for(lambda: len(pdp.conns) >= 2 and pdp.find("OPN") and len(pdp.find("OPN")) >= 2, 10,
             "vpep-ctrl to reconnect")
    evil_finish(env, pdp, port)


def t_evil_truncated(env):
    def sc(c, idx):
        if idx == 0:
            c.recv(5, want="REQ")
            # a DEC header announcing 64 bytes, then 12 of them, then nothing (no KA answers)
            c.send(struct.pack("!BBHI", 0x11, 2, ev.PCMM, 64) + b"\0" * 12)
            c.pdp.answer_ka = False
            c.pump(KA + 3)
            c.pdp.answer_ka = True
        c.pump(30)
    pdp, port = evil_setup(env, sc)
    wait_for(lambda: cc_errors(pdp), KA + 5, "Client-Close after a KA period of silence")
    check((9, 0) in cc_errors(pdp), "truncated message then silence -> Client-Close Error 9 "
          "(Communication Failure): %s" % cc_errors(pdp))
    # the call still got a (local) decision and a PDP one after the reconnect
    env.dp.wait_decision(0x301)
    evil_finish(env, pdp, port)


def t_evil_lengths(env):
    def sc(c, idx):
        if idx == 0:
            c.recv(5, want="REQ")
            # a KA whose object claims 2 bytes (less than its own header)
            c.send(struct.pack("!BBHI", 0x10, 9, 0, 12) + struct.pack("!HBB", 2, 10, 1))
        elif idx == 1:
            c.recv(5, want="REQ")
            # a message length that is not a multiple of 4
            c.send(struct.pack("!BBHI", 0x10, 2, ev.PCMM, 10) + b"\0\0")
        c.pump(30)
    pdp, port = evil_setup(env, sc)
    wait_for(lambda: len(cc_errors(pdp)) >= 2, 10, "two Client-Closes")
    errs = cc_errors(pdp)
    check(all(code == 3 for code, _ in errs[:2]),
          "wrong lengths -> Client-Close Error 3 (Bad Message Format): %s" % errs)
    wait_for(lambda: len(pdp.find("OPN")) >= 3, 10, "vpep-ctrl to reconnect again")
    evil_finish(env, pdp, port)


def t_evil_unknown_object(env):
    def sc(c, idx):
        if idx == 0:
            m = c.recv(5, want="REQ")
            h = ev.first(m[3], 1)
            # a DEC for the call carrying an object with C-Num 99
            c.send(ev.msg("DEC", ev.handle_obj(h) + ev.context() + ev.decision(1) +
                          ev.obj(99, 1, b"\1\2\3\4"), flags=1))
        c.pump(30)
    pdp, port = evil_setup(env, sc)
    wait_for(lambda: drq_reasons(pdp), 10, "DRQ from vpep-ctrl")
    r = drq_reasons(pdp)[0]
    check(r[1] == 13 and r[2] == (99 << 8 | 1),
          "DEC with an unknown object -> DRQ reason 13, sub-code C-Num/C-Type 0x6301: %d/%#x"
          % (r[1], r[2]))
    d = env.dp.wait_decision(0x301)
    check(d.source == 2, "the call fell back to a local decision (source %d)" % d.source)
    evil_finish(env, pdp, port)


def t_evil_malformed_dec(env):
    def sc(c, idx):
        if idx == 0:
            m = c.recv(5, want="REQ")
            h = ev.first(m[3], 1)
            # Decision Flags object 8 bytes long but carrying 6: the Decision is malformed
            bad = struct.pack("!HBB", 10, 6, 1) + b"\0\1\0\0\0\0" + b"\0\0"
            c.send(ev.msg("DEC", ev.handle_obj(h) + ev.context() + bad, flags=1))
            # then a second call's DEC whose PacketCable gate is garbage
            m = c.recv(5, want="REQ")
            h = ev.first(m[3], 1)
            c.send(ev.msg("DEC", ev.handle_obj(h) + ev.context() + ev.decision(1) +
                          ev.obj(6, 4, b"\0\x08\x01\x01\xff\xff"), flags=1))
        c.pump(30)
    pdp, port = evil_setup(env, sc)
    env.dp.admit(0x302, "evil-call-2", "sip:c@a.example", "sip:d@b.example", "192.0.2.6",
                 [media(6)])
    wait_for(lambda: len(drq_reasons(pdp)) >= 2, 10, "two DRQs from vpep-ctrl")
    rs = drq_reasons(pdp)
    check(all(r[1] == 12 for r in rs[:2]),
          "malformed DECs -> DRQ reason 12 (Malformed Decision): %s" % [r[1:] for r in rs])
    check(len(env.dp.decisions_for(0x301)) >= 1 and len(env.dp.decisions_for(0x302)) >= 1,
          "both calls still decided (locally)")
    evil_finish(env, pdp, port)


def t_evil_unknown_handle(env):
    def sc(c, idx):
        if idx == 0:
            c.recv(5, want="REQ")
            c.send(ev.msg("DEC", ev.handle_obj(b"\xca\xfe\xba\xbe") + ev.context() +
                          ev.decision(1), flags=1))
            # and an SSQ for a handle vpep-ctrl never had
            c.send(ev.msg("SSQ", ev.handle_obj(b"\x0b\xad\xf0\x0d")))
        c.pump(30)
    pdp, port = evil_setup(env, sc)
    wait_for(lambda: len(drq_reasons(pdp)) >= 2, 10, "DRQs from vpep-ctrl")
    rs = {r[0]: r[1] for r in drq_reasons(pdp)}
    check(rs.get(b"\xca\xfe\xba\xbe") == 1,
          "DEC for an unknown handle -> DRQ for that handle, reason 1: %s" % rs)
    check(rs.get(b"\x0b\xad\xf0\x0d") == 10,
          "SSQ for an unknown handle -> DRQ reason 10 (Synchronize Handle Unknown): %s" % rs)
    check(bool(pdp.find("SSC")), "SSQ answered with SSC")
    check(env.status()["sessions"][0]["state"] == "open", "session stays open")
    evil_finish(env, pdp, port)


def t_evil_slow(env):
    port = free_port()
    env.start_capture([port])
    env.start_pdp("pdp", port, env.pdp_policy(ka=KA), extra=["--delay-ms", "1500"])
    dp = env.start_dp()
    env.start_ctrl(env.ctrl_config([port]))
    env.wait_status(is_open_with(port), 10, "the session to open")
    dp.wait_connected()
    dp.admit(0x401, "slow", "sip:s@a.example", "sip:t@b.example", "192.0.2.7", [media(7)])
    d = dp.wait_decision(0x401, timeout=10)
    check(d.source == 1 and d.verdict == 1, "a slow DEC is still applied (source %d)" % d.source)
    st = env.status()
    check(session(st)["losses"] == 0, "a slow PDP that answers KAs is not declared lost")
    one_decision_each(env, [0x401])
    check(env.procs["ctrl"].poll() is None, "vpep-ctrl still running")
    pcap = env.stop_capture()
    capture_matches(env, pcap, [port], [media(7)])


def t_evil_reset(env):
    def sc(c, idx):
        if idx < 2:
            c.recv(5, want="REQ")
            c.reset()   # RST instead of an answer
            return
        m = c.recv(5, want="REQ")
        h = ev.first(m[3], 1)
        c.send(ev.msg("DEC", ev.handle_obj(h) + ev.context() + ev.decision(1), flags=1))
        c.pump(30)
    pdp, port = evil_setup(env, sc)
    wait_for(lambda: len(pdp.find("OPN")) >= 3, 10, "vpep-ctrl to reconnect after resets")
    d = env.dp.wait_decision(0x301, count=2, timeout=10)
    check(d.source == 1 and d.verdict == 1, "the REQ re-sent after the resets is decided "
          "(source %d verdict %d)" % (d.source, d.verdict))
    evil_finish(env, pdp, port)


# --- local decisions, survival, restart, provisioning ---------------------------------------

def t_lpdp(env):
    port = free_port()
    lpdp = {"default": "deny", "rules": [
        {"name": "a", "caller": "sip:*@a.example", "verdict": "admit", "dscp": 46,
         "max_calls_per_source": 2},
        {"name": "fat", "codecs": ["H264"], "verdict": "admit", "max_bandwidth_bps": 500000}]}
    dp = env.start_dp()
    env.start_ctrl(env.ctrl_config([port], lpdp=lpdp))
    dp.wait_connected()
    for i in range(3):
        dp.admit(0x501 + i, "l%d" % i, "sip:u%d@a.example" % i, "sip:x@b.example",
                 "192.0.2.50", [media(50 + i)])
    dp.admit(0x504, "l3", "sip:u@z.example", "sip:x@b.example", "192.0.2.51", [media(54)])
    dp.admit(0x505, "l4", "sip:u@z.example", "sip:x@b.example", "192.0.2.52",
             [media(55, "H264", 900000)])
    d = [dp.wait_decision(0x501 + i) for i in range(5)]
    check(all(x.source == 2 for x in d), "no PDP: every decision is local (LPDP)")
    check(d[0].verdict == 1 and d[0].dscp == 46 and d[1].verdict == 1,
          "first two calls of a source admitted by rule a with DSCP 46")
    check(d[2].verdict == 2 and d[2].rule.startswith(b"lpdp:a:calls"),
          "third concurrent call of the source denied (%s)" % d[2].rule)
    check(d[3].verdict == 2 and d[3].rule == b"lpdp:default", "no rule -> default deny (%s)" %
          d[3].rule)
    check(d[4].verdict == 2 and d[4].rule.startswith(b"lpdp:fat:bandwidth"),
          "bandwidth cap -> deny (%s)" % d[4].rule)
    # one ends: the source may have another
    dp.call_end(0x501)
    dp.admit(0x506, "l5", "sip:u5@a.example", "sip:x@b.example", "192.0.2.50", [media(56)])
    check(dp.wait_decision(0x506).verdict == 1, "a source below its limit again is admitted")
    # a PDP appears: the local decisions are reconciled with the PDP's
    env.start_pdp("pdp", port, env.pdp_policy(ka=KA))
    env.wait_status(is_open_with(port), 10, "the session to open once the PDP is up")
    wait_for(lambda: len([d for d in env.decisions("pdp") if d["event"] == "decision"]) >= 5,
             10, "the PDP's decisions for the five open calls")
    env.wait_status(lambda s: s["pep"]["rpt_success"] >= 5, 10, "the PEP's reports")
    pdp = {d["call_id"]: d["verdict"] for d in env.decisions("pdp") if d["event"] == "decision"}
    for h in (0x502, 0x503, 0x504, 0x505, 0x506):
        last = dp.decisions_for(h)[-1]
        cid = dp.calls[h]["adm"].call_id.decode()
        want = 1 if pdp.get(cid) == "admit" else 2
        check(last.verdict == want, "call %#x reconciled to the PDP's verdict %s" %
              (h, pdp.get(cid)))


def t_survival(env):
    port = free_port()
    pol = env.pdp_policy(ka=KA)
    env.start_pdp("pdp", port, pol)
    dp = env.start_dp()
    env.start_ctrl(env.ctrl_config([port], survival=1))
    env.wait_status(is_open_with(port), 10, "the session to open")
    dp.wait_connected()
    dp.admit(0x601, "s1", "sip:s@a.example", "sip:x@b.example", "192.0.2.70", [media(70)])
    d = dp.wait_decision(0x601)
    check(d.source == 1, "decided by the PDP")
    env.kill("pdp")
    # after decision_survival_s without a PDP the local policy takes over
    d2 = dp.wait_decision(0x601, count=2, timeout=10)
    st = env.wait_status(lambda s: s["pep"]["expired"] >= 1, 5, "the expiry counted")
    check(d2.source == 2 and st["pep"]["expired"] >= 1,
          "after the survival time the LPDP re-decided (source %d, expired %d)" %
          (d2.source, st["pep"]["expired"]))
    env.start_pdp("pdp2", port, pol)
    d3 = dp.wait_decision(0x601, count=3, timeout=15)
    check(d3.source == 1 and d3.verdict == 1 and d3.dscp == 46,
          "reconciled with the PDP after it came back (source %d)" % d3.source)


def t_ctrl_restart(env):
    port = free_port()
    pcap = env.start_capture([port])
    env.start_pdp("pdp", port, env.pdp_policy(ka=KA))
    dp = env.start_dp()
    cfg = env.ctrl_config([port])
    env.start_ctrl(cfg)
    env.wait_status(is_open_with(port), 10, "the session to open")
    dp.wait_connected()
    for i in range(3):
        dp.admit(0x701 + i, "r%d" % i, "sip:r%d@a.example" % i, "sip:x@b.example",
                 "192.0.2.80", [media(80 + i)])
    first = {0x701 + i: dp.wait_decision(0x701 + i) for i in range(3)}
    n_before = len(dp.decisions)
    env.kill("ctrl")
    time.sleep(0.3)
    check(len(dp.decisions) == n_before and all(dp.calls[h]["decision"] is not None
                                                for h in first),
          "vpep-ctrl killed: the dataplane's decisions are untouched")
    os.unlink(env.path("ctrl.status.json"))
    env.start_ctrl(cfg, name="ctrl2")
    env.wait_status(lambda s: s["pep"]["resyncs"] >= 1 and
                         s["pep"]["resync_calls"] == 3, 10, "the restarted vpep-ctrl's resync",
                         name="ctrl2")
    env.wait_status(lambda s: s["policy"]["decisions_unchanged"] >= 3, 10,
                         "the PDP's re-decisions for the resynced calls", name="ctrl2")
    one_decision_each(env, first)
    dp.call_end(0x701)
    wait_for(lambda: [d for d in env.decisions("pdp") if d["event"] == "delete"], 5,
             "the restarted vpep-ctrl's DRQ at call end")
    dp.admit(0x704, "r3", "sip:r3@a.example", "sip:x@b.example", "192.0.2.80", [media(83)])
    d = dp.wait_decision(0x704)
    check(d.source == 1 and d.gate_id not in [x.gate_id for x in first.values()],
          "new call after the restart decided with a fresh gate id %d" % d.gate_id)
    pcap = env.stop_capture()
    capture_matches(env, pcap, [port], [media(80 + i) for i in range(4)])


def t_provisioning(env):
    port = free_port()
    pcap = env.start_capture([port])
    push = [{"src": "10.1.0.0/16", "dst": "10.2.0.5", "protocol": 17, "dport": 5060,
             "class": "voice", "rate_bps": 64000},
            {"src": "10.3.0.7", "dst": "10.4.0.0/24", "protocol": 6, "sport": 8080,
             "class": "video", "rate_bps": 1000000, "direction": "upstream"}]
    env.start_pdp("pdp", port, env.pdp_policy(ka=KA, push=push))
    dp = env.start_dp()
    env.start_ctrl(env.ctrl_config([port]))
    dp.wait_connected()
    dp.wait(lambda: len(dp.gates) == 2, 10, "two pushed gates")
    gates = sorted(dp.gates.values(), key=lambda g: g.dport_lo == 5060, reverse=True)
    g1, g2 = gates
    from fake_dataplane import addr_str
    check(addr_str(g1.src) == "10.1.0.0" and g1.src.prefix_len == 16 and
          addr_str(g1.dst) == "10.2.0.5" and g1.dst.prefix_len == 32 and g1.protocol == 17 and
          g1.dport_lo == 5060 and g1.dscp == 46,
          "gate 1 classifier and DSCP as pushed (%s/%d -> %s:%d dscp %d)" % (
              addr_str(g1.src), g1.src.prefix_len, addr_str(g1.dst), g1.dport_lo, g1.dscp))
    check(g2.protocol == 6 and g2.sport_lo == 8080 and g2.dscp == 34 and g2.dir == 1 and
          g2.meter.cir == 1000000 // 8, "gate 2 (upstream, TCP 8080, DSCP 34, 125000 B/s)")
    wait_for(lambda: len([d for d in env.decisions("pdp") if d.get("gate_cmd") ==
                          "Gate-Set-Ack"]) == 2, 5, "two Gate-Set-Acks at the PDP")
    acked = sorted(d["gate_id"] for d in env.decisions("pdp") if d.get("gate_cmd") ==
                   "Gate-Set-Ack")
    check(acked == sorted(dp.gates), "acknowledged gate ids %s = installed %s" %
          (acked, sorted(dp.gates)))
    env.procs["pdp"].send_signal(signal.SIGUSR2)
    dp.wait(lambda: len(dp.gates) == 0, 10, "both gates deleted")
    wait_for(lambda: len([d for d in env.decisions("pdp") if d["event"] == "report" and
                          d.get("gate_cmd", "").endswith("Err")]) >= 2, 5, "the errors")
    cmds = [d.get("gate_cmd") for d in env.decisions("pdp") if d["event"] == "report"]
    check(cmds.count("Gate-Info-Ack") == 2 and cmds.count("Gate-Delete-Ack") == 2,
          "Gate-Info-Ack and Gate-Delete-Ack for both gates: %s" % cmds)
    check("Gate-Info-Err" in cmds and "Gate-Delete-Err" in cmds,
          "unknown gate -> Gate-Info-Err and Gate-Delete-Err")
    pcap = env.stop_capture()
    failures, cops = check_capture(pcap, [port])
    for f in failures[:10]:
        print("     " + f)
    check(not failures, "tshark: %d COPS frames decode cleanly" % len(cops))
    got = set()
    for l in cops:
        got.update(ints(l, "cops.pc_gate_id"))
    check(set(acked) <= got, "tshark sees gate ids %s in the acks" % acked)


def t_two_client_types(env):
    """Two client types open at once, each towards its own PDP: admissions go to the
    outsourcing session, gates come from the provisioning one."""
    pa, pb = free_port(), free_port()
    pcap = env.start_capture([pa, pb])
    env.start_pdp("pdp_a", pa, env.pdp_policy(ka=KA))
    push = [{"src": "10.9.0.1", "dst": "10.9.0.2", "protocol": 17, "dport": 9000,
             "class": "bulk", "rate_bps": 16000}]
    pol_b = env.pdp_policy(ka=KA, push=push)
    os.rename(pol_b, env.path("pdp-b.json"))
    env.start_pdp("pdp_b", pb, env.path("pdp-b.json"))
    dp = env.start_dp()
    env.start_ctrl(env.ctrl_config([], sessions=[
        {"client_type": 0x800A, "outsourcing": True, "provisioning": False,
         "pdps": ["127.0.0.1:%d" % pa]},
        {"client_type": 0x8100, "outsourcing": False, "provisioning": True,
         "pdps": ["127.0.0.1:%d" % pb]}]))
    st = env.wait_status(lambda s: all(x["state"] == "open" for x in s["sessions"]), 10,
                         "both sessions open")
    check(st["sessions"][0]["pdp"].endswith(":%d" % pa) and
          st["sessions"][1]["pdp"].endswith(":%d" % pb), "each session on its own PDP")
    dp.wait_connected()
    dp.admit(0x801, "two", "sip:t@a.example", "sip:x@b.example", "192.0.2.90", [media(90)])
    d = dp.wait_decision(0x801)
    dp.wait(lambda: len(dp.gates) == 1, 10, "the gate pushed by PDP B")
    g = list(dp.gates.values())[0]
    check(d.source == 1 and d.dscp == 46, "admission decided by PDP A (DSCP %d)" % d.dscp)
    check(g.dport_lo == 9000 and g.dscp == 10, "gate from PDP B (port %d, DSCP %d)" %
          (g.dport_lo, g.dscp))
    check(not [x for x in env.decisions("pdp_b") if x["event"] == "decision"] and
          not [x for x in env.decisions("pdp_a") if x["event"] == "gate-set"],
          "no admission at PDP B, no gate from PDP A")
    opens = {x["client_type"] for n in ("pdp_a", "pdp_b") for x in env.decisions(n)
             if x["event"] == "open"}
    check(opens == {0x800A, 0x8100}, "client types opened: %s" % sorted(opens))
    pcap = env.stop_capture()
    capture_matches(env, pcap, [pa, pb], [media(90)])


def t_dp_refuses(env):
    """The dataplane refuses the DECISION (RESULT -ENOSPC): the PEP reports Failure with a
    Gate-Set-Err to the PDP."""
    port = free_port()
    env.start_pdp("pdp", port, env.pdp_policy(ka=KA))
    dp = env.start_dp(result_status=-28)
    env.start_ctrl(env.ctrl_config([port]))
    env.wait_status(is_open_with(port), 10, "the session to open")
    dp.wait_connected()
    dp.admit(0x901, "full", "sip:f@a.example", "sip:x@b.example", "192.0.2.95", [media(95)])
    dp.wait_decision(0x901)
    wait_for(lambda: [x for x in env.decisions("pdp") if x["event"] == "report" and
                      x["type"] == "Failure"], 5, "a failure report at the PDP")
    rep = [x for x in env.decisions("pdp") if x["event"] == "report" and
           x["type"] == "Failure"][0]
    check(rep["gate_cmd"] == "Gate-Set-Err", "RPT Failure carries %s" % rep["gate_cmd"])
    st = env.wait_status(lambda s: s["pep"]["rpt_failure"] >= 1, 5, "the failure counted")
    check(st["pep"]["rpt_success"] == 0, "no success reported for a refused decision")


def t_ipc_layout(env):
    """The Python mirror of include/vpep_ipc.h has the C sizes."""
    from fake_dataplane import struct_sizes
    out = subprocess.run([os.environ["VPEP_IPC_SIZES"]], stdout=subprocess.PIPE, timeout=10,
                         check=True).stdout
    c = json.loads(out)
    py = struct_sizes()
    for k, v in c.items():
        check(py.get(k) == v, "sizeof(%s): C %d, Python %s" % (k, v, py.get(k)))


TESTS = {
    "full_session": t_full_session,
    "failover_kill": t_failover_kill,
    "failover_stop": t_failover_stop,
    "evil_garbage": t_evil_garbage,
    "evil_truncated": t_evil_truncated,
    "evil_lengths": t_evil_lengths,
    "evil_unknown_object": t_evil_unknown_object,
    "evil_malformed_dec": t_evil_malformed_dec,
    "evil_unknown_handle": t_evil_unknown_handle,
    "evil_slow": t_evil_slow,
    "evil_reset": t_evil_reset,
    "lpdp": t_lpdp,
    "survival": t_survival,
    "ctrl_restart": t_ctrl_restart,
    "provisioning": t_provisioning,
    "two_client_types": t_two_client_types,
    "dp_refuses": t_dp_refuses,
    "ipc_layout": t_ipc_layout,
}

if __name__ == "__main__":
    sys.exit(main(TESTS))
