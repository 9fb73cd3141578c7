#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Live mode: ports from the configuration, TSC time, stopped by --duration or a signal.

- Inline pair of two net_pcap ports: what enters port a leaves port b and the other way
  round, packet for packet (compared with tshark).
- Monitor mode: everything received is inspected and consumed, nothing transmitted.
- SIGTERM and SIGINT while traffic loops (net_pcap infinite_rx into net_null): exit 0, final
  statistics written, no mbuf leak, every packet accounted.
"""

import os
import signal
import subprocess
import time

import vpeptest as vt
from scapy.all import IP, UDP, Ether, IPv6, rdpcap, wrpcap

TMP = vt.mkdtemp(prefix="vpep-live-")


def capture(name, n, src, dst, v6=False):
    path = os.path.join(TMP, name)
    pkts = []
    for i in range(n):
        ip = IPv6(src=src, dst=dst) if v6 else IP(src=src, dst=dst)
        pkts.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / ip / UDP(sport=10000 + i % 7, dport=5004) / (bytes([i & 0xff]) * 40))
    wrpcap(path, pkts)
    return path


def config(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def payloads(path):
    return [bytes(p) for p in rdpcap(path)]


def main():
    c = vt.Checks("live")

    # Inline: two ports, both directions.
    a_in = capture("a_in.pcap", 300, "10.0.0.1", "10.0.0.2")
    b_in = capture("b_in.pcap", 200, "2001:db8::2", "2001:db8::1", v6=True)
    a_out, b_out = os.path.join(TMP, "a_out.pcap"), os.path.join(TMP, "b_out.pcap")
    cfg = config("inline.json", """{
  "mode": "inline",
  "ports": [
    {"name": "a", "device": "net_pcap_a,rx_pcap=%s,tx_pcap=%s"},
    {"name": "b", "device": "net_pcap_b,rx_pcap=%s,tx_pcap=%s"}
  ],
  "pairs": [["a", "b"]]
}""" % (a_in, a_out, b_in, b_out))
    r = vt.run_dataplane(["--duration", "2"], config=cfg)
    vt.check_run_health(c, r, expect_rx=500)
    if r.stats:
        c.eq("time source", r.stats["time_source"], "tsc")
        ports = {p["name"]: p for p in r.stats["ports"]}
        c.eq("port a received", ports["a"]["rx_packets"], 300)
        c.eq("port b transmitted what a received", ports["b"]["tx_packets"], 300)
        c.eq("port a transmitted what b received", ports["a"]["tx_packets"], 200)
        c.eq("peer of a", ports["a"]["peer"], "b")
    c.true("a -> b: identical packets in order", payloads(b_out) == payloads(a_in))
    c.true("b -> a: identical packets in order", payloads(a_out) == payloads(b_in))

    # Monitor mode: inspected and consumed.
    cfg = config("monitor.json", """{
  "mode": "monitor",
  "ports": [{"name": "span", "device": "net_pcap_m,rx_pcap=%s"}]
}""" % a_in)
    r = vt.run_dataplane(["--duration", "1.5"], config=cfg)
    vt.check_run_health(c, r, expect_rx=300)
    if r.stats:
        c.eq("monitor: monitored packets", r.stats["monitored_packets"], 300)
        c.eq("monitor: transmitted", r.stats["tx_packets"], 0)
        c.eq("monitor: flows", r.stats["flows_created"], 7)

    # Signals while traffic loops forever.
    for sig in (signal.SIGTERM, signal.SIGINT):
        stats = os.path.join(TMP, "sig%d.json" % sig)
        cfg = config("loop.json", """{
  "mode": "inline",
  "ports": [
    {"name": "in", "device": "net_pcap_l,rx_pcap=%s,infinite_rx=1"},
    {"name": "out", "device": "net_null_l"}
  ],
  "pairs": [["in", "out"]]
}""" % a_in)
        p = subprocess.Popen([vt.DATAPLANE] + vt.EAL + ["-l", "0-1", "--", "--config", cfg,
                                                        "--stats-json", stats],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(4)
        c.true("%s: still running before the signal" % sig.name, p.poll() is None)
        p.send_signal(sig)
        try:
            out, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            c.true("%s: stopped within 30 s" % sig.name, False)
            continue
        c.eq("%s: exit code" % sig.name, p.returncode, 0)
        if not os.path.exists(stats):
            c.true("%s: final statistics written" % sig.name, False, err[-500:])
            continue
        import json
        with open(stats, encoding="utf-8") as f:
            s = json.load(f)
        c.true("%s: traffic flowed" % sig.name, s["rx_packets"] > 10000, str(s["rx_packets"]))
        run = vt.Run(p.returncode, s, out, err, None)
        vt.check_run_health(c, run)
    c.done()


if __name__ == "__main__":
    main()
