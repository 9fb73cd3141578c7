#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""The dataplane's end of the vpep-ctrl link (include/vpep_ipc.h), driven by a client written
here from the header's layout (so the binary format is checked independently of any C peer).

The dataplane runs live on a net_pcap port that reads a FIFO, so the test decides when each
packet arrives: the calls' SIP first, then (after the decisions) their media.
  - HELLO both ways; one ADMISSION per call, pending, with Call-ID, URIs and media endpoints;
  - DECISION deny for one call and admit with DSCP 34 for the other: RESULT 0 each; the denied
    call's RTP and RTCP are dropped, the admitted one's leave marked 34 (output read by tshark);
  - a DECISION for an unknown call: RESULT -ENOENT; an unknown type: RESULT -ENOTSUP;
  - the client goes away before the media: enforcement goes on unchanged; a new client gets
    the two gates back with RESYNC_REQ, and STATS_REQ returns the stats JSON;
  - a client sending garbage is disconnected; the dataplane carries on.
"""

import errno
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpeptest as vt  # noqa: E402

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "vpep_gen.py")

MAGIC, VERSION = 0x56504550, 1
HELLO, RESULT, ADMISSION, CALL_END, DECISION, GATE_SET, GATE_DELETE, RESYNC_REQ, GATE_STATE, \
    RESYNC_DONE, STATS_REQ, STATS = range(1, 13)
HDR = struct.Struct("<IHHII")
HELLO_S = struct.Struct("<QQII32s")
RESULT_S = struct.Struct("<IHHiI96s")
ADDR = "BB2x16s"
MEDIA_S = struct.Struct("<" + ADDR + ADDR + "HHHHBB2xII16s")
ADM_HEAD = struct.Struct("<QIIBB6x" + ADDR + "4x128s128s128s")
METER = "BBBBB3xQQQQ"
DECISION_S = struct.Struct("<QIBBBB" + METER + "32s")
GATE = "IBBBBB3x" + ADDR + ADDR + "HHHH4x" + METER + "32s"
GATE_STATE_S = struct.Struct("<QQQQQ" + GATE)
GATE_S = struct.Struct("<" + GATE)
DONE_S = struct.Struct("<II")
ADM_SIZE = ADM_HEAD.size + 4 * MEDIA_S.size


def cstr(b):
    return b.split(b"\0", 1)[0].decode("utf-8", "replace")


class Client:
    def __init__(self, path, timeout=10):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.buf = b""
        self.seq = 0

    def send(self, mtype, body=b"", magic=MAGIC):
        self.seq += 1
        self.s.sendall(HDR.pack(magic, VERSION, mtype, len(body), self.seq) + body)
        return self.seq

    def recv(self, timeout=10):
        """One message (type, seq, body), or None on timeout/close."""
        end = time.monotonic() + timeout
        while True:
            if len(self.buf) >= HDR.size:
                magic, ver, mtype, length, seq = HDR.unpack_from(self.buf)
                if len(self.buf) >= HDR.size + length:
                    body = self.buf[HDR.size:HDR.size + length]
                    self.buf = self.buf[HDR.size + length:]
                    return mtype, seq, body
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                data = self.s.recv(65536)
            except socket.timeout:
                return None
            if not data:
                return None
            self.buf += data

    def wait(self, mtype, timeout=10):
        """Messages until one of mtype; returns (it, [others])."""
        others = []
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = self.recv(end - time.monotonic())
            if m is None:
                break
            if m[0] == mtype:
                return m, others
            others.append(m)
        return None, others

    def hello(self):
        self.send(HELLO, HELLO_S.pack(0, 0, os.getpid(), 2, b"test_ipc"))
        return self.wait(HELLO)[0]

    def close(self):
        self.s.close()


def parse_admission(body):
    h = ADM_HEAD.unpack_from(body)
    handle, flags, gate_id, verdict, n_media = h[0:5]
    out = {"handle": handle, "flags": flags, "gate_id": gate_id, "verdict": verdict,
           "call_id": cstr(h[8]), "from": cstr(h[9]), "to": cstr(h[10]), "media": []}
    for i in range(n_media):
        m = MEDIA_S.unpack_from(body, ADM_HEAD.size + i * MEDIA_S.size)
        out["media"].append({"offer_port": m[6], "answer_port": m[7], "codec": cstr(m[14])})
    return out


def decision(handle, gate_id, verdict, dscp, rule, cir=0, cbs=0):
    """DECISION from vpep-ctrl (source COPS); an srTCM meter when cir is given."""
    return DECISION_S.pack(handle, gate_id, verdict, dscp, 1, 0, 1 if cir else 0, 0, 0, 0, 0,
                           cir, 0, cbs, 0, rule.encode())


def gate(gate_id, verdict, dscp, src, dst, dport, plen=32, rule="pdp-gate"):
    """GATE_SET body: IPv4 src -> dst, UDP, any source port, one destination port."""
    a = bytes(int(x) for x in src.split(".")) + bytes(12)
    b = bytes(int(x) for x in dst.split(".")) + bytes(12)
    return GATE_S.pack(gate_id, verdict, dscp, 1, 1, 17, 4, plen, a, 4, 32, b, 0, 65535,
                       dport, dport, 0, 0, 0, 0, 0, 0, 0, 0, 0, rule.encode())


def dscp_by_pair(pcap):
    """The DSCP of every UDP packet of a capture, listed by ("src:port", "dst:port")."""
    seen = {}
    for r in vt.tshark_fields(pcap, ["ip.src", "udp.srcport", "ip.dst", "udp.dstport",
                                     "ip.dsfield.dscp"], "udp"):
        seen.setdefault(("%s:%s" % (r[0], r[1]), "%s:%s" % (r[2], r[3])), []).append(r[4])
    return seen


def media_pairs(call):
    """A generated call's first media line as (src, dst) pairs: RTP and RTCP, both ways."""
    m = call["media"][0]
    return {(m["caller"], m["callee"]), (m["callee"], m["caller"]),
            (m["caller_rtcp"], m["callee_rtcp"]), (m["callee_rtcp"], m["caller_rtcp"])}


def udp_pairs(recs):
    """(src, dst) "addr:port" of each IPv4/UDP record (Ethernet, optional 802.1Q)."""
    out = []
    for r in recs:
        f = r[16:]
        off, et = 14, struct.unpack_from("!H", f, 12)[0]
        while et == 0x8100:
            et = struct.unpack_from("!H", f, off + 2)[0]
            off += 4
        if et != 0x0800 or f[off + 9] != 17:
            out.append(None)
            continue
        ihl = (f[off] & 15) * 4
        sp, dp = struct.unpack_from("!HH", f, off + ihl)
        src = ".".join(str(b) for b in f[off + 12:off + 16])
        dst = ".".join(str(b) for b in f[off + 16:off + 20])
        out.append(("%s:%d" % (src, sp), "%s:%d" % (dst, dp)))
    return out


def read_pcap_records(path):
    with open(path, "rb") as f:
        data = f.read()
    head, off, recs = data[:24], 24, []
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        recs.append(data[off:off + 16 + incl])
        off += 16 + incl
    return head, recs


def filler(n):
    """n small UDP packets between hosts no call uses (they complete net_pcap's bursts)."""
    out = []
    for i in range(n):
        ip = bytes([0x45, 0, 0, 32, 0, 0, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2])
        s = sum(struct.unpack("!10H", ip)) 
        s = (s & 0xffff) + (s >> 16)
        ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
        udp = struct.pack("!HHHH", 40000 + i, 9, 12, 0) + b"fill"
        frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + udp
        out.append(struct.pack("<IIII", 1700000000, i, len(frame), len(frame)) + frame)
    return out


def main():
    vt.need("tshark")
    c = vt.Checks("ipc")
    tmp = vt.mkdtemp(prefix="vpep-ipc-")
    pcap = os.path.join(tmp, "calls.pcap")
    subprocess.run(["/usr/bin/python3", GEN, "-o", pcap, "-q", "--calls", "2", "--seed", "6",
                    "--duration", "12", "--ipv6", "0", "--transport-mix", "udp=1",
                    "--outcome-mix", "answered=1", "--registers", "0", "--options", "0",
                    "--frag", "0", "--dscp-unmarked", "1", "--codec-mix", "PCMU=1",
                    "--hold-time", "9:9", "--dtmf", "0"], check=True, timeout=300)
    with open(pcap[:-5] + ".truth.json", encoding="utf-8") as f:
        truth = json.load(f)
    head, recs = read_pcap_records(pcap)
    # the calls' setup first (up to just after the later answer), the rest of the media after
    # the decisions; media of the earlier call already flowing then pass as undecided
    first_media = max(t["answer_time"] for t in truth["calls"]) + 0.1
    t0 = struct.unpack_from("<II", recs[0])
    base = t0[0] + t0[1] / 1e6
    split = next(i for i, r in enumerate(recs)
                 if struct.unpack_from("<I", r)[0] + struct.unpack_from("<I", r, 4)[0] / 1e6 -
                 base >= first_media - 1e-6)
    sip_part, media_part = recs[:split], recs[split:]

    fifo = os.path.join(tmp, "in.fifo")
    os.mkfifo(fifo)
    out = os.path.join(tmp, "out.pcap")
    sock = os.path.join(tmp, "dp.sock")
    cfg = os.path.join(tmp, "dp.json")
    with open(cfg, "w", encoding="utf-8") as f:
        json.dump({"mode": "inline", "ipc": {"socket": sock},
                   "ports": [{"name": "in", "device": "net_pcap_ipc0,rx_pcap=%s" % fifo},
                             {"name": "out", "device": "net_pcap_ipc1,tx_pcap=%s" % out}],
                   "pairs": [["in", "out"]], "policy": {}}, f)
    stats = os.path.join(tmp, "stats.json")
    p = subprocess.Popen([vt.DATAPLANE] + vt.EAL + ["-l", "0-1", "--", "--config", cfg,
                                                    "--stats-json", stats],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The PMD opens the FIFO at probe: opening our end unblocks it.
    w = None
    opened = threading.Event()

    def open_writer():
        nonlocal w
        w = open(fifo, "wb", buffering=0)
        opened.set()
    threading.Thread(target=open_writer, daemon=True).start()
    err = ""
    try:
        c.true("the dataplane opened its FIFO port", opened.wait(30))
        w.write(head)
        deadline = time.monotonic() + 30
        while not os.path.exists(sock) and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.05)
        c.true("the dataplane listens on its socket", os.path.exists(sock))

        # garbage first: the dataplane closes that connection and carries on
        bad = Client(sock)
        bad.send(HELLO, b"\0" * HELLO_S.size, magic=0xdeadbeef)
        c.eq("garbage: connection closed by the dataplane", bad.recv(5), None)
        bad.close()

        cl = Client(sock)
        h = cl.hello()
        c.true("HELLO answered with the dataplane's", h is not None and
               cstr(HELLO_S.unpack(h[2])[4]).startswith("vpep-dataplane"))
        time.sleep(0.2)
        for r in sip_part + filler(64):
            w.write(r)
        adm, updates = {}, {}
        deadline = time.monotonic() + 15
        # the offer makes the first ADMISSION; the answer an UPDATE of it
        while len(updates) < 2 and time.monotonic() < deadline:
            m = cl.recv(deadline - time.monotonic())
            if m is None:
                break
            if m[0] == ADMISSION:
                c.eq("ADMISSION body size", len(m[2]), ADM_SIZE)
                a = parse_admission(m[2])
                if a["flags"] & 1:
                    updates.setdefault(a["call_id"], []).append(a)
                else:
                    adm.setdefault(a["call_id"], a)
        calls = {t["call_id"]: t for t in truth["calls"]}
        c.eq("one ADMISSION per call", sorted(adm), sorted(calls))
        for cid, a in adm.items():
            t = calls.get(cid, {})
            c.eq("admission %s: pending (no local decision)" % cid[:8], a["flags"] & 4, 0)
            c.eq("admission %s: From" % cid[:8], a["from"], t.get("from"))
            c.eq("admission %s: To" % cid[:8], a["to"], t.get("to"))
            c.true("admission %s: the offer's RTP port" % cid[:8], len(a["media"]) > 0 and
                   a["media"][0]["offer_port"] == int(t["media"][0]["caller"].rsplit(":", 1)[1])
                   and a["media"][0]["codec"] == "PCMU", str(a["media"]))
            u = updates.get(cid, [])
            c.true("admission %s: the answer's UPDATE has both ports" % cid[:8], len(u) > 0 and
                   u[-1]["handle"] == a["handle"] and len(u[-1]["media"]) > 0 and
                   u[-1]["media"][0]["answer_port"] ==
                   int(t["media"][0]["callee"].rsplit(":", 1)[1]),
                   str(u[-1]["media"]) if u else "no UPDATE")
        # Everything fed so far must have been processed before the decisions go down (a slow
        # build may still be reading the FIFO): wait until the dataplane counted it.
        processed = False
        deadline = time.monotonic() + 30
        while not processed and time.monotonic() < deadline:
            cl.send(STATS_REQ)
            st, _ = cl.wait(STATS, 10)
            if st is not None and json.loads(st[2]).get("rx_packets", 0) >= len(sip_part):
                processed = True
            else:
                for r in filler(32):
                    w.write(r)
        c.true("the calls' setup was processed before the decisions", processed)
        ids = sorted(adm)
        if len(ids) == 2:
            deny, admit = adm[ids[0]], adm[ids[1]]
            s1 = cl.send(DECISION, decision(deny["handle"], 7001, 2, 0xff, "pdp-deny"))
            # a generous meter: the FIFO delivers the capture at wire speed, not in real time
            s2 = cl.send(DECISION, decision(admit["handle"], 7002, 1, 34, "pdp-admit",
                                            cir=10 ** 9, cbs=10 ** 8))
            s3 = cl.send(DECISION, decision(0x0100000000ffffff, 7003, 1, 34, "nobody"))
            s4 = cl.send(99, b"")
            # a provisioned gate: the filler traffic (192.0.2.1 -> 192.0.2.2:9) marked AF11
            s5 = cl.send(GATE_SET, gate(9001, 1, 10, "192.0.2.1", "192.0.2.2", 9))
            s6 = cl.send(GATE_SET, gate(9002, 1, 10, "192.0.2.1", "192.0.2.2", 9, plen=40))
            s7 = cl.send(GATE_DELETE, struct.pack("<II", 4242, 0))
            results = {}
            deadline = time.monotonic() + 15
            while len(results) < 7 and time.monotonic() < deadline:
                # decisions are applied by the call's worker: keep its bursts coming
                for r in filler(32):
                    w.write(r)
                m = cl.recv(0.5)
                if m is not None and m[0] == RESULT:
                    r = RESULT_S.unpack(m[2])
                    results[r[0]] = (r[3], r[4], cstr(r[5]))
            c.eq("DECISION deny: RESULT", results.get(s1, (None,))[0], 0)
            c.eq("DECISION admit: RESULT", results.get(s2, (None,))[0], 0)
            c.eq("DECISION for an unknown call: RESULT -ENOENT", results.get(s3, (None,))[0],
                 -errno.ENOENT)
            c.eq("unknown message type: RESULT -ENOTSUP", results.get(s4, (None,))[0],
                 -errno.ENOTSUP)
            c.eq("GATE_SET: RESULT", results.get(s5, (None,))[0], 0)
            c.eq("GATE_SET with a /40 IPv4 prefix: RESULT -EINVAL", results.get(s6, (None,))[0],
                 -errno.EINVAL)
            c.eq("GATE_DELETE of an unknown gate: RESULT -ENOENT", results.get(s7, (None,))[0],
                 -errno.ENOENT)
            # vpep-ctrl goes away: what the dataplane enforces must not change
            cl.close()
            time.sleep(0.2)
            for r in media_part + filler(64):
                w.write(r)
            time.sleep(1)
            cl2 = Client(sock)
            c.true("a new client is greeted", cl2.hello() is not None)
            cl2.send(RESYNC_REQ)
            done, msgs = cl2.wait(RESYNC_DONE, 15)
            c.true("RESYNC_DONE", done is not None)
            if done is not None:
                c.eq("resync: calls", DONE_S.unpack(done[2])[0], 2)
            gates = {}
            for mtype, _, body in msgs:
                if mtype == GATE_STATE:
                    g = GATE_STATE_S.unpack(body)
                    gates[g[5]] = {"handle": g[0], "green": g[1], "verdict": g[6],
                                   "dscp": g[7], "rule": cstr(g[-1])}
            c.eq("resync: gate ids", sorted(gates), [7001, 7002, 9001])
            if 9001 in gates:
                c.eq("resync: the provisioned gate", (gates[9001]["handle"], gates[9001]["dscp"],
                                                      gates[9001]["rule"]), (0, 10, "pdp-gate"))
                c.true("resync: the provisioned gate counted its packets",
                       gates[9001]["green"] >= 64, str(gates[9001]["green"]))
            if 7001 in gates and 7002 in gates:
                c.eq("resync: the denied gate", (gates[7001]["verdict"], gates[7001]["rule"]),
                     (2, "pdp-deny"))
                c.eq("resync: the admitted gate", (gates[7002]["verdict"], gates[7002]["dscp"],
                                                   gates[7002]["rule"]), (1, 34, "pdp-admit"))
                c.true("resync: the admitted gate counted green packets",
                       gates[7002]["green"] > 0)
            cl2.send(STATS_REQ)
            st, _ = cl2.wait(STATS, 15)
            doc = json.loads(st[2]) if st else {}
            c.true("STATS: the stats JSON, with the traffic so far",
                   doc.get("rx_packets", 0) >= len(recs))
            summ = doc.get("calls_summary", {})
            c.true("STATS: calls_summary counts the listed calls and the omitted ones",
                   summ.get("calls") == len(doc.get("calls", [])) + doc.get("calls_omitted", -1)
                   and summ.get("calls_listed") == len(doc.get("calls", [])),
                   "summary %s, listed %d, omitted %s" % (summ.get("calls"),
                                                         len(doc.get("calls", [])),
                                                         doc.get("calls_omitted")))
            cl2.close()
        w.close()
        w = None
        time.sleep(1)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
    finally:
        if w is not None:
            w.close()
        if p.poll() is None:
            p.kill()
            p.communicate()
    c.eq("exit code", p.returncode, 0)
    if not os.path.exists(stats):
        c.true("final statistics written", False, err[-600:])
        c.done()
    with open(stats, encoding="utf-8") as f:
        s = json.load(f)
    vt.check_run_health(c, vt.Run(p.returncode, s, "", err, None))
    if len(adm) == 2:
        seen = dscp_by_pair(out)

        def pairs_of(cid):
            return media_pairs(calls[cid])

        def media_of(cid):
            return [x for pr in pairs_of(cid) for x in seen.get(pr, [])]
        fed_before = udp_pairs(sip_part)
        fed_after = udp_pairs(media_part)
        early = {cid: sum(1 for pr in fed_before if pr in pairs_of(cid)) for cid in calls}
        later = {cid: sum(1 for pr in fed_after if pr in pairs_of(cid)) for cid in calls}
        c.true("the capture's media come after the decisions", later[deny["call_id"]] > 100,
               str(later))
        c.eq("denied call: only media from before its decision in the output",
             len(media_of(deny["call_id"])), early[deny["call_id"]])
        got = media_of(admit["call_id"])
        c.eq("admitted call: all its media in the output", len(got),
             early[admit["call_id"]] + later[admit["call_id"]])
        c.eq("admitted call: media after the decision marked as decided (34), before it "
             "as the voice class (46)", (got.count("34"), got.count("46")),
             (later[admit["call_id"]], early[admit["call_id"]]))
        c.eq("drops of the denied call counted", s["drops"]["policy_gate_denied"],
             later[deny["call_id"]])
        c.eq("decisions applied", s["policy"]["admission"]["decisions"], 2)
        fill = [d for (src, dst), marks in seen.items() if dst == "192.0.2.2:9" for d in marks]
        c.true("provisioned gate: filler traffic after the Gate-Set marked AF11 (10)",
               fill.count("10") >= 128 and set(fill) <= {"0", "10"},
               "%d of %d" % (fill.count("10"), len(fill)))
    c.done()


if __name__ == "__main__":
    main()
