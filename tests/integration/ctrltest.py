# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Helpers for the vpep-ctrl integration tests: real vpep-ctrl and vpep-pdp processes on
127.0.0.1, a fake dataplane, a loopback capture checked with tshark. Everything is bounded in
time and every process started here is killed in close()."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from fake_dataplane import FakeDataplane

BUILD_CTRL = os.environ.get("VPEP_CTRL", "vpep-ctrl")
BUILD_PDP = os.environ.get("VPEP_PDP", "vpep-pdp")
TSHARK = os.environ.get("TSHARK", "/usr/bin/tshark")
DUMPCAP = os.environ.get("DUMPCAP", "/usr/bin/dumpcap")

FAILURES = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg, flush=True)
    if not cond:
        FAILURES.append(msg)
    return cond


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise TimeoutError("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(0.02)


def media(i, codec="PCMU", bw=87200):
    """One audio stream between two documentation addresses; ports depend on i."""
    return {"offer_ip": "192.0.2.%d" % (10 + i % 200), "offer_port": 20000 + 2 * i,
            "answer_ip": "198.51.100.%d" % (10 + i % 200), "answer_port": 30000 + 2 * i,
            "codec": codec, "bandwidth_bps": bw}


class Env:
    def __init__(self, name):
        self.dir = tempfile.mkdtemp(prefix="vpep_it_%s_" % name)
        self.procs = {}
        self.capture = None
        self.dp = None
        self.pdp_ports = []

    def path(self, name):
        return os.path.join(self.dir, name)

    # --- processes
    def spawn(self, name, argv):
        log = open(self.path(name + ".log"), "ab")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        self.procs[name] = p
        return p

    def pdp_policy(self, ka=2, acct=0, rules=None, push=None, default="deny"):
        pol = {"ka_timer_s": ka, "acct_timer_s": acct,
               "dscp": {"voice": 46, "video": 34, "bulk": 10},
               "default": {"verdict": default},
               "rules": rules if rules is not None else [
                   {"name": "blocked", "caller": "sip:blocked*", "verdict": "deny"},
                   {"name": "voice", "caller": "sip:*@a.example", "codecs": ["PCMU", "PCMA"],
                    "verdict": "admit", "class": "voice", "max_calls_per_subscriber": 100000},
                   {"name": "video", "callee": "sip:*@video.example", "verdict": "admit",
                    "class": "video", "max_bandwidth_bps": 2000000}],
               "push_gates": push if push is not None else []}
        p = self.path("pdp-policy.json")
        with open(p, "w") as f:
            json.dump(pol, f)
        return p

    def start_pdp(self, name, port, policy, role="primary", primary_port=None, extra=()):
        argv = [BUILD_PDP, "--policy", policy, "--listen", "127.0.0.1:%d" % port,
                "--decision-log", self.path(name + ".decisions"), "--log-level", "debug"]
        if role == "backup":
            argv += ["--role", "backup", "--primary", "127.0.0.1:%d" % primary_port,
                     "--probe-ms", "200"]
        p = self.spawn(name, argv + list(extra))
        wait_for(lambda: self._listening(port) or p.poll() is not None, 5,
                 "%s to listen on %d" % (name, port))
        if p.poll() is not None:
            raise RuntimeError("%s exited: %s" % (name, self.tail(name)))
        return p

    @staticmethod
    def _listening(port):
        try:
            with open("/proc/net/tcp") as f:
                for line in f.readlines()[1:]:
                    cols = line.split()
                    if cols[3] == "0A" and int(cols[1].split(":")[1], 16) == port:
                        return True
        except OSError:
            pass
        return False

    def ctrl_config(self, pdp_ports, lpdp=None, survival=60, sessions=None, **cops):
        cfg = {"pepid": "vpep-it", "log_level": "debug",
               "ipc": {"socket": self.path("dp.sock"), "retry_max_ms": 200,
                       "stats_interval_ms": 500},
               "cops": {"sessions": sessions if sessions is not None else [
                   {"client_type": 0x800A, "pdps": ["127.0.0.1:%d" % p for p in pdp_ports]}],
                   "open_timeout_ms": 400, "backoff_min_ms": 50, "backoff_max_ms": 500,
                   "decision_survival_s": survival},
               "lpdp": lpdp if lpdp is not None else {"default": "admit", "dscp": 0}}
        cfg["cops"].update(cops)
        p = self.path("ctrl.json")
        with open(p, "w") as f:
            json.dump(cfg, f)
        return p

    def start_ctrl(self, config, name="ctrl"):
        return self.spawn(name, [BUILD_CTRL, "--config", config, "--status-file",
                                 self.path(name + ".status.json")])

    def start_dp(self, **kw):
        self.dp = FakeDataplane(self.path("dp.sock"), **kw)
        return self.dp

    def status(self, name="ctrl"):
        try:
            with open(self.path(name + ".status.json")) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def wait_status(self, pred, timeout, what, name="ctrl"):
        def f():
            s = self.status(name)
            return s if s is not None and pred(s) else None
        return wait_for(f, timeout, what)

    def decisions(self, name):
        out = []
        try:
            with open(self.path(name + ".decisions")) as f:
                for line in f:
                    if line.strip():
                        out.append(json.loads(line))
        except OSError:
            pass
        return out

    def tail(self, name, n=30):
        try:
            with open(self.path(name + ".log"), errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def kill(self, name, sig=signal.SIGKILL):
        p = self.procs.get(name)
        if p is not None and p.poll() is None:
            p.send_signal(sig)
            if sig in (signal.SIGKILL, signal.SIGTERM):
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(5)

    # --- capture
    def start_capture(self, ports, seconds=120):
        pcap = self.path("cops.pcapng")
        filt = " or ".join("tcp port %d" % p for p in ports)
        err = open(self.path("dumpcap.log"), "wb")
        p = subprocess.Popen([DUMPCAP, "-q", "-i", "lo", "-f", filt, "-w", pcap,
                              "-a", "duration:%d" % seconds], stdout=err, stderr=err)
        self.capture = (p, pcap, ports)
        # dumpcap creates the file once it captures; give it the time to open the interface
        wait_for(lambda: os.path.exists(pcap) and os.path.getsize(pcap) > 0 or
                 p.poll() is not None, 10, "dumpcap to start")
        time.sleep(0.3)
        if p.poll() is not None:
            raise RuntimeError("dumpcap failed: " + open(self.path("dumpcap.log")).read())
        return pcap

    def stop_capture(self):
        if self.capture is None:
            return None
        p, pcap, _ = self.capture
        time.sleep(0.3)   # let the last segments reach the ring buffer
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        return pcap

    def close(self):
        if self.capture is not None:
            p = self.capture[0]
            if p.poll() is None:
                p.kill()
                p.wait(5)
        for name, p in self.procs.items():
            if p.poll() is None:
                p.send_signal(signal.SIGCONT)
                p.kill()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    pass
        if self.dp is not None:
            self.dp.close()

    def dump_logs(self):
        for name in self.procs:
            print("--- %s log (tail)" % name)
            print(self.tail(name, 40))


# --- tshark ---------------------------------------------------------------------------------

COPS_FIELDS = ["cops.op_code", "cops.client_type", "cops.handle", "cops.pc_gate_id",
               "cops.pc_mm_gs_dscp", "cops.pc_mm_classifier_src_addr",
               "cops.pc_mm_classifier_dst_addr", "cops.pc_mm_classifier_src_port",
               "cops.pc_mm_classifier_dst_port", "cops.pc_gate_command_type",
               "cops.error", "cops.reason", "cops.pc_transaction_id"]


def tshark_frames(pcap, ports):
    args = [TSHARK, "-n", "-2", "-r", pcap, "-T", "json"]
    for p in ports:
        args += ["-d", "tcp.port==%d,cops" % p]
    for f in ["frame.number", "frame.time_relative", "frame.protocols", "tcp.len",
              "tcp.srcport", "tcp.dstport", "tcp.reassembled_in", "tcp.analysis.retransmission",
              "_ws.malformed",
              "_ws.expert.severity", "_ws.expert.message", "_ws.expert.group"] + COPS_FIELDS:
        args += ["-e", f]
    out = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                         universal_newlines=True)
    if out.returncode != 0:
        raise RuntimeError("tshark failed: " + out.stderr)
    return [pkt["_source"]["layers"] for pkt in json.loads(out.stdout or "[]")]


def check_capture(pcap, ports, pep_only=False):
    """Every COPS message decodes: no Malformed, no expert warning/error, every TCP payload on
    a COPS port dissected as COPS. pep_only: only frames sent by vpep-ctrl (to a PDP port)
    are held to this (for sessions where the PDP sends garbage on purpose).
    Returns (failures, cops frames)."""
    failures, cops = [], []
    for layers in tshark_frames(pcap, ports):
        num = int(layers["frame.number"][0])
        protos = layers.get("frame.protocols", [""])[0].split(":")
        dport = int(layers.get("tcp.dstport", ["0"])[0] or 0)
        sport = int(layers.get("tcp.srcport", ["0"])[0] or 0)
        from_pep = dport in ports
        tcp_len = int(layers.get("tcp.len", ["0"])[0] or 0)
        if pep_only and not from_pep:
            if "cops" in protos:
                cops.append(layers)
            continue
        if tcp_len == 0 and "cops" not in protos:
            continue    # SYN, FIN, RST of killed or refused connections: TCP's business
        if "tcp.analysis.retransmission" in layers and "cops" not in protos:
            continue    # a copy of a segment dissected already (loopback under load)
        if layers.get("_ws.malformed"):
            failures.append("frame %d: Malformed (%s)" % (num, ":".join(protos)))
        for i, sev in enumerate(layers.get("_ws.expert.severity", [])):
            for s in str(sev).split(","):
                if s and int(s, 0) >= 0x00600000:
                    msgs = layers.get("_ws.expert.message", [])
                    failures.append("frame %d: expert 0x%x: %s" %
                                    (num, int(s, 0), msgs[i] if i < len(msgs) else "?"))
        partial = bool(layers.get("tcp.reassembled_in"))
        if tcp_len > 0 and (sport in ports or dport in ports) and "cops" not in protos \
                and not partial:
            failures.append("frame %d: %d TCP payload bytes not dissected as COPS (%s)" %
                            (num, tcp_len, ":".join(protos)))
        if "cops" in protos:
            cops.append(layers)
    return failures, cops


def ints(layers, field):
    out = []
    for v in layers.get(field, []):
        for x in str(v).split(","):
            if x:
                out.append(int(x, 0))
    return out


def strs(layers, field):
    out = []
    for v in layers.get(field, []):
        out += [x for x in str(v).split(",") if x]
    return out


def main(tests):
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if name not in tests:
        print("usage: %s {%s}" % (sys.argv[0], "|".join(sorted(tests))))
        return 2
    env = Env(name)
    try:
        tests[name](env)
    except Exception as e:  # noqa: BLE001 -- any error is a failed test, with the logs
        import traceback
        traceback.print_exc()
        check(False, "%s raised %s: %s" % (name, type(e).__name__, e))
    finally:
        env.close()
    if FAILURES:
        env.dump_logs()
        print("FAIL %s: %d check(s) failed (work dir kept: %s)" % (name, len(FAILURES), env.dir))
        return 1
    print("PASS %s" % name)
    # the work dir (logs, captures) is kept only for failures, or with VPEP_KEEP_TMP=1
    if os.environ.get("VPEP_KEEP_TMP") != "1":
        shutil.rmtree(env.dir, ignore_errors=True)
    return 0
