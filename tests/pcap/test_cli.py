#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Bad input gets one clear line and a non-zero exit, never a crash or a hang.

Each case runs vpep-dataplane and checks: the exit code is non-zero (or zero where the input
is merely unusual), stderr has exactly one line starting with "vpep-dataplane: error:", and
that line names the problem (file:line:col and key for configuration errors).
"""

import os
import struct
import subprocess

import vpeptest as vt

TMP = vt.mkdtemp(prefix="vpep-cli-")


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def pcap(name, linktype, frames):
    """A classic pcap file with the given link type and raw frames."""
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1000 + i, 0, len(fr), len(fr)))
            f.write(fr)
    return path


def run(eal, app, timeout=60):
    cmd = [vt.DATAPLANE] + vt.EAL + eal + ["--"] + app
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def expect_error(c, label, p, *needles):
    lines = [l for l in p.stderr.splitlines() if l.startswith("vpep-dataplane: error:")]
    c.true("%s: non-zero exit" % label, p.returncode != 0, "exit %d" % p.returncode)
    c.eq("%s: exactly one error line" % label, len(lines), 1)
    text = lines[0] if lines else p.stderr[-500:]
    for n in needles:
        c.true("%s: error mentions %r" % (label, n), n in text, text)
    c.true("%s: not a crash" % label, p.returncode not in (-11, -6, 134, 139), str(p.returncode))


def main():
    c = vt.Checks("cli")
    udp = bytes.fromhex("4500001c0001000040110000 0a000001 0a000002 03e807d000080000".replace(" ", ""))
    eth = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00" + udp
    good = pcap("good.pcap", 1, [eth] * 3)

    expect_error(c, "missing capture", run(["-l", "0-1"], ["--read", "/nonexistent/x.pcap"]),
                 "/nonexistent/x.pcap", "No such file")
    expect_error(c, "not a capture", run(["-l", "0-1"], ["--read", write("t.pcap", "hello\n")]),
                 "cannot open capture")
    expect_error(c, "unsupported link type",
                 run(["-l", "0-1"], ["--read", pcap("wifi.pcap", 105, [udp])]),
                 "link type 105", "IEEE802_11")
    expect_error(c, "empty capture", run(["-l", "0-1"], ["--read", pcap("empty.pcap", 1, [])]),
                 "no packets")
    expect_error(c, "comma in output path",
                 run(["-l", "0-1"], ["--read", good, "--write", os.path.join(TMP, "a,b.pcap")]),
                 "comma")
    expect_error(c, "--write without --read", run(["-l", "0-1"], ["--write", "/tmp/x.pcap"]),
                 "--write needs --read")
    expect_error(c, "no ports", run(["-l", "0-1"], []), "no ports")
    expect_error(c, "bad --flows", run(["-l", "0-1"], ["--flows", "many", "--read", good]),
                 "--flows")
    expect_error(c, "one lcore only", run(["-l", "0"], ["--read", good]), "no worker lcore")

    cfg = write("syntax.json", '{\n  "mode": "inline"\n  "ports": []\n}\n')
    expect_error(c, "config syntax", run(["-l", "0-1"], ["--config", cfg]), cfg + ":3:")
    cfg = write("key.json", '{\n  "flows": {\n    "when_full": "evict"\n  }\n}\n')
    expect_error(c, "config value", run(["-l", "0-1"], ["--config", cfg]),
                 cfg + ":3:5: flows.when_full", "evict_oldest")
    expect_error(c, "config missing", run(["-l", "0-1"], ["--config", os.path.join(TMP, "nope.json")]),
                 "nope.json: cannot open")
    cfg = write("lcore.json", '{"workers": {"lcores": [7]}}')
    expect_error(c, "config lcore not given to EAL",
                 run(["-l", "0-1"], ["--config", cfg, "--read", good]),
                 "workers.lcores[0]", "lcore 7")
    cfg = write("vdev.json", '{"mode": "monitor", "ports": [{"name": "x", "device": "net_nosuchpmd0"}]}')
    expect_error(c, "bad vdev", run(["-l", "0-1"], ["--config", cfg]),
                 "port \"x\"", "net_nosuchpmd0", "cannot probe")
    cfg = write("pci.json", '{"mode": "monitor", "ports": [{"name": "nic", "device": "0000:7f:00.0"}]}')
    expect_error(c, "absent PCI NIC", run(["-l", "0-1"], ["--config", cfg]),
                 "0000:7f:00.0", "vfio-pci")
    # VoIP state kept small, so the packet mempool is what does not fit.
    cfg = write("mem.json", '{"mempool": {"mbufs": 4000000}, "sip": {"calls": 16, '
                '"tcp_flows": 0}, "media": {"flows": 16, "stream_log": 0, "expectations": 64}, '
                '"classification": {"app_flows": 0}, "flows": {"capacity": 1024}}')
    p = subprocess.run([vt.DATAPLANE, "--no-huge", "-m", "128", "--no-shconf", "--no-pci",
                        "--log-level=eal:warning", "-l", "0-1", "--", "--config", cfg,
                        "--read", good], capture_output=True, text=True, timeout=60)
    expect_error(c, "too little memory", p, "cannot allocate the packet mempool", "MiB",
                 "-m")
    cfg = write("mem2.json", '{"media": {"flows": 4000000, "stream_log": 4000000}}')
    p = subprocess.run([vt.DATAPLANE, "--no-huge", "-m", "128", "--no-shconf", "--no-pci",
                        "--log-level=eal:warning", "-l", "0-1", "--", "--config", cfg,
                        "--read", good], capture_output=True, text=True, timeout=60)
    expect_error(c, "too little memory for media state", p, "media state", "MiB", "-m",
                 "media.flows")
    p = subprocess.run([vt.DATAPLANE, "--no-huge", "-m", "128", "--no-shconf", "--no-pci",
                        "-l", "0-1", "--bogus-eal-flag", "--", "--read", good],
                       capture_output=True, text=True, timeout=60)
    expect_error(c, "bad EAL argument", p, "EAL initialisation failed")
    p = run(["-l", "0-1"], ["--nonsense"])
    c.true("unknown option: non-zero exit with usage", p.returncode != 0 and "Usage" in p.stderr)

    # Unusual but valid: a capture whose last record is cut off is read up to the damage.
    cut = pcap("cut.pcap", 1, [eth] * 3)
    with open(cut, "r+b") as f:
        f.truncate(os.path.getsize(cut) - 10)
    r = vt.run_dataplane([], read=cut)
    c.eq("damaged capture: exit code", r.rc, 0)
    if r.stats:
        c.eq("damaged capture: packets read", r.stats["rx_packets"], 2)
        c.eq("damaged capture: flagged", r.stats["capture"]["read_error"], True)
    p = run(["-l", "0-1"], ["--help"])
    c.true("--help exits 0 and explains offline mode", p.returncode == 0 and "--read" in p.stdout)
    c.done()


if __name__ == "__main__":
    main()
