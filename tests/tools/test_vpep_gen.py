#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Tests of the traffic generator (tests/tools/vpep_gen.py, docs/traffic-generator.md).

Generates small captures with different seeds and options, runs --self-check on each, checks the
truth against what the options asked for, proves the self-check fails on a wrong truth and on a
corrupted capture, and regenerates the bundled demo capture from the command in the docs.
Exit status: 0 all passed, 1 a failure. Needs /usr/bin/python3; tshark makes the self-check
complete (without it the tshark comparisons are skipped, and said so).
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GEN = os.path.join(HERE, "vpep_gen.py")
DOC = os.path.join(ROOT, "docs", "traffic-generator.md")
DEMO = os.path.join(ROOT, "tests", "data", "demo-voip.pcap")
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
HAVE_TSHARK = shutil.which("tshark") is not None

failures = []


def check(cond, what):
    print("%s %s" % ("ok  " if cond else "FAIL", what), flush=True)
    if not cond:
        failures.append(what)
    return cond


def gen(args, cwd=None):
    return subprocess.run([PY, GEN] + args, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)


def truth_of(pcap):
    with open(pcap[:-5] + ".truth.json") as f:
        return json.load(f)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def self_checked(name, pcap, args):
    p = gen(["-q", "-o", pcap, "--self-check"] + args)
    ok = check(p.returncode == 0 and "self-check OK" in p.stdout,
               "%s: generated and self-checked" % name)
    if not ok:
        print(p.stdout[-4000:], p.stderr[-2000:])
    return ok


def test_cli(tmp):
    p = gen(["--help"])
    check(p.returncode == 0 and "--call-spec" in p.stdout and "traffic-generator.md" in p.stdout,
          "--help documents the options")
    for bad in (["--reorder-distance", "500"], ["--call-spec", "transport=tcp,frag=1"],
                ["--call-spec", "codec=AMR"], ["--loss", "2"], ["--outcome-mix", "weird=1"]):
        p = gen(["-q", "-o", os.path.join(tmp, "bad.pcap")] + bad)
        check(p.returncode != 0, "rejects %s" % " ".join(bad))


def test_determinism(tmp):
    args = ["--calls", "4", "--duration", "10", "--seed", "42", "--loss", "0.02", "--jitter", "5",
            "--reorder", "0.02", "--duplicate", "0.02", "--rtp-wrap", "--dtmf", "1"]
    os.makedirs(os.path.join(tmp, "d1"))
    os.makedirs(os.path.join(tmp, "d2"))
    a = os.path.join(tmp, "d1", "same.pcap")
    b = os.path.join(tmp, "d2", "same.pcap")
    c = os.path.join(tmp, "d2", "other.pcap")
    env_runs = [gen(["-q", "-o", a] + args)]
    # A different hash seed must not matter (no iteration over sets or str-keyed hashing).
    env = dict(os.environ, PYTHONHASHSEED="12345")
    env_runs.append(subprocess.run([PY, GEN, "-q", "-o", b] + args, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    env_runs.append(gen(["-q", "-o", c] + args[:4] + ["--seed", "43"] + args[6:]))
    check(all(r.returncode == 0 for r in env_runs), "determinism runs succeed")
    check(read(a) == read(b), "same seed, other directory and hash seed: identical pcap")
    check(read(a[:-5] + ".truth.json") == read(b[:-5] + ".truth.json"),
          "same seed: identical truth")
    check(read(a) != read(c), "another seed: another pcap")


def test_scenarios(tmp):
    # 1. The default mix.
    p1 = os.path.join(tmp, "mix.pcap")
    self_checked("default mix", p1, ["--calls", "8", "--duration", "12", "--seed", "11"])

    # 2. Heavy impairment, wraps, DTMF on every call.
    p2 = os.path.join(tmp, "impair.pcap")
    if self_checked("heavy impairment + wraps", p2, [
            "--calls", "5", "--duration", "10", "--seed", "12", "--loss", "0.05",
            "--burst", "0.02,0.3", "--jitter", "20", "--jitter-dist", "normal", "--reorder",
            "0.05", "--reorder-distance", "4", "--duplicate", "0.03", "--rtp-wrap", "--dtmf", "1",
            "--outcome-mix", "answered=1"]):
        T = truth_of(p2)
        S = T["rtp_streams"]
        check(len(S) == 10, "impairment: 10 streams")
        check(all(s["packets"] == s["sent"] - s["dropped"] + s["duplicated"] for s in S),
              "impairment: packets = sent - dropped + duplicated")
        check(sum(s["lost"] for s in S) > 0 and sum(s["duplicates"] for s in S) > 0 and
              sum(s["reordered"] for s in S) > 0, "impairment: loss, duplicates and reordering")
        check(all(s["lost"] >= 0 for s in S), "impairment: lost never negative")
        check(all(s["ext_highest_seq"] >= 65536 for s in S), "wrap: every stream wrapped")
        check(any(s["te_packets"] > 0 for s in S), "impairment: DTMF present")

    # 3. Transports: TCP (split, coalesced), IPv6, fragments v4 and v6, compact, VLAN.
    p3 = os.path.join(tmp, "transports.pcap")
    specs = ["outcome=answered,transport=tcp,ip=6,compact=1,impair=0,dtmf=0",
             "outcome=answered,transport=udp,ip=4,frag=1,impair=0,dtmf=0,vlan=7",
             "outcome=answered,transport=udp,ip=6,frag=1,impair=0,dtmf=0",
             "outcome=cancel,transport=tcp,ip=4",
             "outcome=answered,transport=udp,ip=4,compact=1,impair=0,dtmf=59,mux=1"]
    args = ["--calls", "5", "--duration", "12", "--seed", "13", "--tcp-split", "1",
            "--tcp-coalesce", "1", "--jitter", "2", "--registers", "1", "--options", "1"]
    for s in specs:
        args += ["--call-spec", s]
    if self_checked("transports", p3, args):
        T = truth_of(p3)
        C = T["calls"]
        check(C[0]["transport"] == "tcp" and C[0]["ip_version"] == 6 and
              C[0]["tcp_segments"] >= 10 and C[0]["compact_headers"],
              "transports: TCP/IPv6 call with its segments")
        check(C[1]["fragmented"] and C[1]["fragments"] >= 3 and C[1]["vlan"] == 7,
              "transports: IPv4 fragmented INVITE on VLAN 7")
        check(C[2]["fragmented"] and C[2]["fragments"] >= 2 and C[2]["ip_version"] == 6,
              "transports: IPv6 fragmented INVITE")
        check(C[2]["caller"].startswith("[2001:db8:"), "transports: IPv6 endpoints bracketed")
        check(T["packets"]["ipv4_fragments"] >= 3 and T["packets"]["ipv6_fragments"] >= 2,
              "transports: fragment counts")
        check(C[3]["state"] == "cancelled" and C[3]["code"] == 487, "transports: CANCEL/487")
        clean = [s for s in T["rtp_streams"] if s["call_id"] in (C[0]["call_id"],
                                                                 C[1]["call_id"])]
        check(len(clean) == 4 and all(s["lost"] == 0 and s["duplicates"] == 0 and
                                      s["reordered"] == 0 and s["max_jitter_ms"] == 0
                                      for s in clean),
              "transports: unimpaired streams have no loss and no jitter")
        dt = [s for s in T["rtp_streams"] if s["dtmf_digits"] == "59"]
        check(len(dt) == 1 and dt[0]["te_duplicates"] == 4 and dt[0]["lost"] == 0 and
              dt[0]["markers"] == 3, "transports: 2 digits = 4 end-packet repeats, 3 markers")
        check(C[4]["media"][0]["rtcp_mux"] and any(
            r["rtcp_mux"] and r["src"] == C[4]["media"][0]["caller"]
            for r in T["rtcp_streams"]), "transports: RTCP on the RTP port with rtcp-mux")
        check(len(T["registrations"]) == 1 and len(T["options"]) == 1 and
              T["sip"]["responses"].get("401") == 1, "transports: REGISTER and OPTIONS")

    # 4. Outcomes.
    p4 = os.path.join(tmp, "outcomes.pcap")
    args = ["--calls", "6", "--duration", "16", "--seed", "14", "--ring-timeout", "3",
            "--registers", "0", "--options", "0"]
    for s in ("outcome=busy", "outcome=timeout", "outcome=cancel",
              "outcome=hold,hold=sendonly,bye=caller", "outcome=hold,hold=c0,bye=callee",
              "outcome=answered"):
        args += ["--call-spec", s]
    if self_checked("outcomes", p4, args):
        C = truth_of(p4)["calls"]
        got = [(c["state"], c["reason"], c["code"]) for c in C]
        want = [("rejected", "busy", 486), ("timeout", "no_answer", 408),
                ("cancelled", "cancel", 487), ("established", "bye", 200),
                ("established", "bye", 200), ("established", "bye", 200)]
        check(got == want, "outcomes: states %s" % got)
        check(C[3]["hold"] and C[3]["hold"][0]["kind"] == "sendonly" and
              C[4]["hold"][0]["kind"] == "c0", "outcomes: hold intervals")
        check(C[3]["bye_by"] == "caller" and C[4]["bye_by"] == "callee", "outcomes: BYE sides")
        check(all(c["media"] == [] and c["answer_time"] is None for c in C[:3]),
              "outcomes: no media and no answer for failed calls")
        check(abs(C[1]["ring_timeout_s"] - 3) < 1e-6, "outcomes: ring timeout")

    # 5. Scan, with one call beside it.
    p5 = os.path.join(tmp, "scan.pcap")
    if self_checked("scan", p5, ["--mode", "scan", "--scan-method", "OPTIONS",
                                 "--scan-extensions", "100-160", "--calls", "1", "--seed", "15",
                                 "--duration", "10"]):
        T = truth_of(p5)
        sc = T["scans"][0]
        check(sc["user_agent"] == "friendly-scanner" and sc["requests"] == 61 and
              sum(sc["responses"].values()) == 61 and sc["responses"].get("200") == 5,
              "scan: 61 OPTIONS, 5 existing extensions answer 200")
        check(T["sip"]["requests"].get("OPTIONS") == 61, "scan: counted in sip requests")

    # 6. Bench mode, small.
    p6 = os.path.join(tmp, "bench.pcap")
    if self_checked("bench", p6, ["--mode", "bench", "--calls", "6", "--duration", "10"]):
        T = truth_of(p6)
        check(T["packets"]["rtp"] > 0.97 * T["packets"]["total"], "bench: RTP-heavy")
    return p1


def test_negative(tmp, base):
    """The self-check must be able to fail."""
    T = truth_of(base)

    def bad_truth(name, mutate, needs_tshark=False):
        if needs_tshark and not HAVE_TSHARK:
            print("skip %s (no tshark)" % name)
            return
        d = os.path.join(tmp, "neg-" + re.sub(r"\W", "", name))
        os.makedirs(d)
        pcap = os.path.join(d, "x.pcap")
        shutil.copy(base, pcap)
        t = json.loads(json.dumps(T))
        mutate(t)
        with open(os.path.join(d, "x.truth.json"), "w") as f:
            json.dump(t, f)
        p = gen(["--check-only", pcap])
        check(p.returncode == 1 and "FAILED" in p.stdout, "self-check fails on %s" % name)

    bad_truth("a stream's lost + 1", lambda t: t["rtp_streams"][0].__setitem__(
        "lost", t["rtp_streams"][0]["lost"] + 1))
    bad_truth("a stream's max jitter + 0.01 ms", lambda t: t["rtp_streams"][1].__setitem__(
        "max_jitter_ms", t["rtp_streams"][1]["max_jitter_ms"] + 0.01))
    bad_truth("an RTCP SR count + 1", lambda t: t["rtcp_streams"][0].__setitem__(
        "sr", t["rtcp_streams"][0]["sr"] + 1))
    bad_truth("a SIP INVITE count + 1", lambda t: t["sip"]["requests"].__setitem__(
        "INVITE", t["sip"]["requests"]["INVITE"] + 1), needs_tshark=True)
    bad_truth("a missing stream", lambda t: t["rtp_streams"].pop(), needs_tshark=True)

    # A corrupted capture: one octet of an RTP sequence number, checksums left as they were.
    d = os.path.join(tmp, "neg-pcap")
    os.makedirs(d)
    pcap = os.path.join(d, "x.pcap")
    data = bytearray(read(base))
    off = 24
    hit = False
    while off + 16 <= len(data):
        incl = int.from_bytes(data[off + 8:off + 12], "little")
        fr = off + 16
        # untagged IPv4 UDP, payload starting with RTP version 2 and a PT below 72
        if (data[fr + 12:fr + 14] == b"\x08\x00" and data[fr + 23] == 17 and
                incl > 60 and data[fr + 42] == 0x80 and data[fr + 43] & 0x7F < 72):
            data[fr + 45] ^= 0x01
            hit = True
            break
        off = fr + incl
    with open(pcap, "wb") as f:
        f.write(bytes(data))
    shutil.copy(base[:-5] + ".truth.json", os.path.join(d, "x.truth.json"))
    p = gen(["--check-only", pcap])
    check(hit and p.returncode == 1 and "bad UDP checksum" in p.stdout,
          "self-check fails on a corrupted RTP sequence number")


def test_demo(tmp):
    with open(DOC) as f:
        doc = f.read()
    m = re.search(r"<!-- demo-command[^>]*-->\s*```sh\n(.*?)```", doc, re.S)
    if not check(m is not None, "docs/traffic-generator.md has the demo command block"):
        return
    argv = shlex.split(m.group(1).replace("\\\n", " "))
    check(argv[:2] == ["/usr/bin/python3", "tests/tools/vpep_gen.py"] and "-o" in argv,
          "demo command runs the generator")
    i = argv.index("-o")
    check(argv[i + 1] == "tests/data/demo-voip.pcap", "demo command writes tests/data")
    out = os.path.join(tmp, "demo", "demo-voip.pcap")
    os.makedirs(os.path.dirname(out))
    argv[i + 1] = out
    p = subprocess.run([PY] + argv[1:] + ["-q"], cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    check(p.returncode == 0, "demo command succeeds")
    if not check(os.path.exists(DEMO), "tests/data/demo-voip.pcap exists"):
        return
    check(read(out) == read(DEMO), "demo capture regenerates byte-identically")
    check(read(out[:-5] + ".truth.json") == read(DEMO[:-5] + ".truth.json"),
          "demo truth regenerates byte-identically")
    check(os.path.getsize(DEMO) < 2 * 1024 * 1024, "demo capture under 2 MiB")
    T = truth_of(DEMO)
    C = T["calls"]
    check(6 <= len(C) <= 8, "demo: 6-8 calls")
    check(any(c["ip_version"] == 6 for c in C), "demo: IPv6")
    check(any(c["transport"] == "tcp" for c in C), "demo: TCP")
    check(sum(c["fragmented"] for c in C) == 1, "demo: one fragmented INVITE")
    check(any(c["state"] == "rejected" for c in C), "demo: a rejected call")
    check(any(c["dtmf"] for c in C), "demo: DTMF")
    check(any(s["lost"] for s in T["rtp_streams"]), "demo: light impairment")
    p = gen(["--check-only", DEMO])
    check(p.returncode == 0, "demo: self-check passes")
    if p.returncode:
        print(p.stdout[-3000:])


def main():
    if not HAVE_TSHARK:
        print("note: tshark not found, the self-checks skip their tshark comparisons")
    tmp = tempfile.mkdtemp(prefix="vpep_gen_test.")
    try:
        test_cli(tmp)
        test_determinism(tmp)
        base = test_scenarios(tmp)
        if os.path.exists(base):
            test_negative(tmp, base)
        test_demo(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d FAILED:" % len(failures))
        for f in failures:
            print("  " + f)
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
