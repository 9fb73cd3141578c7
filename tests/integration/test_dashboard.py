#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""The dashboard on a running demo (scripts/demo.sh: dataplane looping the bundled capture,
vpep-ctrl, vpep-pdp), loaded by headless Chromium: it must show live data, and the numbers it
shows must be the API's for the same dataplane document. A screenshot is saved in the test's
work directory. Then SIGINT to the demo must stop all three processes cleanly."""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ctrltest import check, free_port, wait_for, FAILURES  # noqa: E402

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("VPEP_BUILD_DIR", os.path.join(SRC, "build"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


def chromium(args, timeout=90):
    return subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                           "--no-first-run", "--window-size=1280,1100",
                           "--virtual-time-budget=6000"] + args,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


def attr(dom, id_):
    m = re.search(r'id="%s"[^>]*data-value="([^"]*)"' % re.escape(id_), dom) or \
        re.search(r'data-value="([^"]*)"[^>]*id="%s"' % re.escape(id_), dom)
    return m.group(1) if m else None


def num(s):
    return None if s in (None, "") else float(s)


def main():
    work = tempfile.mkdtemp(prefix="vpep_it_dashboard_")
    port, pdp_port = free_port(), free_port()
    base = "http://127.0.0.1:%d" % port
    env = dict(os.environ, VPEP_BUILD=BUILD, VPEP_DEMO_DIR=work,
               VPEP_DEMO_HTTP="127.0.0.1:%d" % port, VPEP_DEMO_PDP_PORT=str(pdp_port))
    log = open(os.path.join(work, "demo.out"), "wb")
    demo = subprocess.Popen(["/bin/sh", os.path.join(SRC, "scripts", "demo.sh")], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    snaps, stop = {}, threading.Event()
    try:
        wait_for(lambda: demo.poll() is not None or
                 _ok(lambda: get(base + "/api/v1/stats")["rates"]["rx_packets_per_s"]), 60,
                 "live rates from the demo")
        check(demo.poll() is None, "the demo runs")

        def record():   # every document the API served, by number
            while not stop.is_set():
                try:
                    s = get(base + "/api/v1/stats")
                    snaps.setdefault(s["dataplane"]["documents"], s)
                except Exception:   # noqa: BLE001
                    pass
                time.sleep(0.1)
        t = threading.Thread(target=record, daemon=True)
        t.start()
        r = chromium(["--dump-dom", base + "/"])
        dom = r.stdout.decode(errors="replace")
        with open(os.path.join(work, "dashboard.html"), "w") as f:
            f.write(dom)
        shot = os.path.join(work, "dashboard.png")
        chromium(["--screenshot=" + shot, base + "/"])
        time.sleep(0.3)
        stop.set()
        t.join(5)
        live = re.search(r'id="dash"[^>]*data-live="(\d)"', dom)
        docs = re.search(r'id="dash"[^>]*data-documents="(\d+)"', dom)
        check(live is not None and live.group(1) == "1", "the dashboard shows live data")
        n = int(docs.group(1)) if docs else -1
        s = snaps.get(n)
        check(s is not None, "the API served the document the dashboard shows (#%d)" % n)
        if s is not None:
            for id_, v in [("rx-pps", s["rates"]["rx_packets_per_s"]),
                           ("tx-bps", s["rates"]["tx_bits_per_s"]),
                           ("drop-pps", s["rates"]["dropped_packets_per_s"]),
                           ("dropped-total", s["totals"]["dropped_packets"]),
                           ("active-calls", s["calls"]["active"]),
                           ("gates-active", s["gates_active"])]:
                check(num(attr(dom, id_)) == v, "%s shown %s = API %s" % (id_, attr(dom, id_), v))
            for cls, c in s["policy_classes"].items():
                m = re.search(r'<tr data-class="%s">.*?class="pps"[^>]*data-value="([^"]*)"|'
                              r'<tr data-class="%s">.*?data-value="([^"]*)"[^>]*class="pps"'
                              % (cls, cls), dom)
                shown = m and (m.group(1) or m.group(2))
                check(num(shown) == c["packets_per_s"],
                      "class %s packets/s shown %s = API %s" % (cls, shown, c["packets_per_s"]))
            for band, v in s["calls"]["mos_bands"].items():
                m = re.search(r'data-band="%s"[^>]*data-value="(\d+)"' % re.escape(band), dom)
                check(m is not None and int(m.group(1)) == v, "MOS band %s = %s" % (band, v))
            for reason, v in s["drops"].items():
                if v:
                    m = re.search(r'<tr data-reason="%s">.*?data-value="(\d+)"' % reason, dom)
                    check(m is not None and int(m.group(1)) == v, "drops %s = %d" % (reason, v))
        pdp = get(base + "/api/v1/pdp")["sessions"][0]
        check(re.search(r'data-client-type="%d">.*?data-value="%s"[^>]*class="state"|'
                        r'data-client-type="%d">.*?class="state"[^>]*data-value="%s"'
                        % (pdp["client_type"], pdp["state"], pdp["client_type"], pdp["state"]),
                        dom) is not None and pdp["state"] == "open",
              "PDP session shown %s" % pdp["state"])
        check(os.path.getsize(shot) > 10000 if os.path.exists(shot) else False,
              "screenshot saved: %s" % shot)
        print("screenshot: %s" % shot)
    finally:
        stop.set()
        if demo.poll() is None:
            demo.send_signal(signal.SIGINT)
            try:
                demo.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(demo.pid, signal.SIGKILL)
                demo.wait(5)
    check(demo.returncode == 0, "SIGINT: the demo stops cleanly (exit %s)" % demo.returncode)
    out = open(os.path.join(work, "demo.out")).read()
    check("dashboard:  http://127.0.0.1:%d/" % port in out, "the demo printed the dashboard URL")
    check(os.path.exists(os.path.join(work, "dataplane-stats.json")),
          "the dataplane wrote its final statistics (clean stop)")
    if FAILURES:
        print("FAIL dashboard: %d check(s) failed (work dir %s)" % (len(FAILURES), work))
        return 1
    print("PASS dashboard (work dir %s)" % work)
    return 0


def _ok(f):
    try:
        return f()
    except Exception:   # noqa: BLE001
        return None


if __name__ == "__main__":
    sys.exit(main())
