# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Helpers shared by the pcap tests: run vpep-dataplane offline, read its statistics, ask
tshark, and report checks. A test exits 0 when every check passed, 1 when one failed, and 77
(meson's "skipped") when something it needs is absent, always saying why."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
# Work directories of this test, removed when it passes (kept for reading when it fails, or
# always with VPEP_KEEP_TMP=1).
TMPDIRS = []
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CORPUS = os.environ.get("VPEP_CORPUS_DIR",
                        os.path.normpath(os.path.join(SOURCE_ROOT, "..", "shared", "corpus")))
DATAPLANE = os.environ.get("VPEP_DATAPLANE",
                           os.path.join(SOURCE_ROOT, "build", "dataplane", "vpep-dataplane"))
# --no-huge: no hugepages on test machines; --no-shconf: tests run in parallel.
EAL = ["--no-huge", "-m", os.environ.get("VPEP_TEST_MEM", "1024"), "--no-shconf", "--no-pci", "--no-telemetry",
       "--log-level=eal:warning", "--log-level=user1:warning"]


def mkdtemp(prefix="vpep-test-", dir=None):
    """A work directory; top-level ones are removed when the test passes."""
    d = tempfile.mkdtemp(prefix=prefix, dir=dir)
    if dir is None:
        TMPDIRS.append(d)
    return d


def _remove_tmpdirs():
    if os.environ.get("VPEP_KEEP_TMP") == "1":
        return
    for d in TMPDIRS:
        shutil.rmtree(d, ignore_errors=True)
    del TMPDIRS[:]


class Checks:
    """Collects named checks; prints each; fails the test at the end if any failed."""

    def __init__(self, name):
        self.name = name
        self.failed = 0
        self.passed = 0

    def eq(self, what, got, want):
        ok = got == want
        self._report(ok, "%s: got %r, want %r" % (what, got, want))
        return ok

    def true(self, what, cond, detail=""):
        self._report(bool(cond), what + (": " + detail if detail else ""))
        return bool(cond)

    def _report(self, ok, text):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print("%s %s" % ("ok  " if ok else "FAIL", text))
        sys.stdout.flush()

    def done(self):
        print("%s: %d checks passed, %d failed" % (self.name, self.passed, self.failed))
        if self.passed == 0 and self.failed == 0:
            print("no check ran: that is a failure")
            sys.exit(1)
        if self.failed:
            if TMPDIRS:
                print("work directories kept: " + " ".join(TMPDIRS))
            sys.exit(1)
        _remove_tmpdirs()
        sys.exit(0)


def skip(why):
    print("SKIP: " + why)
    sys.exit(SKIP)


def need_corpus():
    if not os.path.isdir(os.path.join(CORPUS, "pcaps")):
        skip("../shared/corpus is not present (set VPEP_CORPUS_DIR); the corpus tests need it")


def need(tool):
    if shutil.which(tool) is None:
        skip("%s is not installed (scripts/install-deps.sh test installs it)" % tool)


def corpus_pcap(name):
    return os.path.join(CORPUS, "pcaps", name)


def manifest():
    """MANIFEST.tsv as a dict: capture file -> row (column name -> value)."""
    rows = {}
    with open(os.path.join(CORPUS, "MANIFEST.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            cols = line.rstrip("\n").split("\t")
            rows[cols[0]] = dict(zip(header, cols))
    return rows


class Run:
    """One vpep-dataplane run; .stats is the parsed stats JSON, .rc the exit code."""

    def __init__(self, rc, stats, stdout, stderr, out_pcap):
        self.rc = rc
        self.stats = stats
        self.stdout = stdout
        self.stderr = stderr
        self.out_pcap = out_pcap

    def counter(self, name):
        for group in ("totals", "anomalies", "drops", "info"):
            if name in self.stats.get(group, {}):
                return self.stats[group][name]
        raise KeyError(name)


def run_dataplane(args, lcores="0-1", config=None, write=True, read=None, extra_eal=(),
                  timeout=180, tmpdir=None, flows=None):
    """Run the dataplane (offline when read is given). Returns a Run."""
    tmpdir = tmpdir or mkdtemp(prefix="vpep-test-")
    stats = os.path.join(tmpdir, "stats.json")
    out = os.path.join(tmpdir, "out.pcap") if (write and read) else None
    if lcores.startswith("--lcores") or "@" in lcores:
        eal = EAL + ["--lcores", lcores]
    else:
        eal = EAL + ["-l", lcores]
    cmd = [DATAPLANE] + eal + list(extra_eal) + ["--"]
    if read:
        cmd += ["--read", read]
    if out:
        cmd += ["--write", out]
    if config:
        cmd += ["--config", config]
    if flows:
        cmd += ["--flows", str(flows)]
    cmd += ["--stats-json", stats, "--tmpdir", tmpdir] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    data = None
    if os.path.exists(stats):
        with open(stats, encoding="utf-8") as f:
            data = json.load(f)
    if p.returncode != 0:
        print("dataplane exited %d; stderr:\n%s" % (p.returncode, p.stderr[-3000:]))
    return Run(p.returncode, data, p.stdout, p.stderr, out)


def tshark_count(pcap, display_filter, extra=()):
    """Frames of pcap matching a tshark display filter."""
    p = subprocess.run(["tshark", "-n", "-r", pcap, "-Y", display_filter, "-T", "fields",
                        "-e", "frame.number"] + list(extra),
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("tshark failed: " + p.stderr)
    return sum(1 for line in p.stdout.splitlines() if line.strip())


def tshark_fields(pcap, fields, display_filter=None, extra=()):
    cmd = ["tshark", "-n", "-r", pcap, "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    if display_filter:
        cmd += ["-Y", display_filter]
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd + list(extra), capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("tshark failed: " + p.stderr)
    return [line.split("\t") for line in p.stdout.splitlines()]


def check_run_health(c, run, expect_rx=None):
    """Invariants every run must satisfy: clean exit, no mbuf leak, every packet accounted."""
    c.eq("exit code", run.rc, 0)
    if run.stats is None:
        c.true("stats JSON written", False)
        return False
    s = run.stats
    if expect_rx is not None:
        c.eq("rx_packets", s["rx_packets"], expect_rx)
    for pool in s["mempools"]:
        c.eq("mempool %s in use at exit" % pool["name"], pool.get("in_use_end"),
             pool["in_use_start"])
    # Every received packet ends transmitted, consumed (monitor mode) or dropped. Reassembly
    # turns k fragments into one datagram, which leaves whole or cut into m new fragments.
    # frag_* drops count fragments, except frag_refragment_failed which counts datagrams.
    fr = s["reassembly"]
    refrag_failed = s["drops"]["frag_refragment_failed"]
    frag_drops = sum(v for k, v in s["drops"].items() if k.startswith("frag_"))
    fragments_in_datagrams = fr["fragments_received"] - (frag_drops - refrag_failed)
    c.true("every reassembled datagram used at least two fragments",
           fragments_in_datagrams >= 2 * fr["datagrams_reassembled"],
           "%d fragments in %d datagrams" % (fragments_in_datagrams, fr["datagrams_reassembled"]))
    units = (s["rx_packets"] - fr["fragments_received"] + fr["datagrams_reassembled"] -
             refrag_failed + fr["fragments_out"] - fr["datagrams_refragmented"])
    c.eq("every packet accounted: tx + monitored + non-fragment drops",
         s["tx_packets"] + s["monitored_packets"] + s["dropped_packets"] - frag_drops, units)
    return c.failed == 0
