#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
#
# The whole system on the embedded default: vpep-dataplane loops the bundled VoIP capture
# (tests/data/demo-voip.pcap, made by tests/tools/vpep_gen.py) live through net_pcap into
# net_null, inline, with the demo policy (configs/demo.json: voice EF, SIP CS3, codec-sized
# call gates, SIP rate limit, scanner blocking); vpep-ctrl is attached over the link and talks
# COPS to vpep-pdp (configs/pdp-policy.json); vpep-ctrl serves the dashboard. Ctrl-C stops all
# three (SIGTERM each, then wait). No hugepages needed.
#
# Environment: VPEP_BUILD (build dir, default build), VPEP_DEMO_DIR (default out/demo),
# VPEP_DEMO_HTTP (default 127.0.0.1:8080), VPEP_DEMO_PDP_PORT (default 3288),
# VPEP_DEMO_SECONDS (stop by itself after that long; default: run until Ctrl-C).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
build=${VPEP_BUILD:-build}
dir=${VPEP_DEMO_DIR:-out/demo}
http=${VPEP_DEMO_HTTP:-127.0.0.1:8080}
pdp_port=${VPEP_DEMO_PDP_PORT:-3288}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
sock="$dir/dataplane.sock"
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

# The configurations, derived from the shipped ones so the demo runs what they say.
python3 - "$top" "$dir" "$sock" "$http" "$pdp_port" "$token" <<'EOF'
import json, sys
top, d, sock, http, pdp_port, token = sys.argv[1:7]
dp = json.load(open(top + "/configs/demo.json"))
dp.update({"mode": "inline",
           "ports": [{"name": "in", "device": "net_pcap_demo,rx_pcap=%s/tests/data/demo-voip.pcap,infinite_rx=1" % top},
                     {"name": "out", "device": "net_null_demo"}],
           "pairs": [["in", "out"]],
           "ipc": {"socket": sock}})
# The loop replays the capture at wire speed, not in real time: codec-sized gate meters would
# police nearly all of it red, so the demo's gates mark without metering.
dp["policy"].setdefault("gates", {})["meter"] = {"type": "none"}
json.dump(dp, open(d + "/dataplane.json", "w"), indent=1)
c = json.load(open(top + "/configs/ctrl.json"))
c["ipc"] = {"socket": sock, "retry_max_ms": 500, "stats_interval_ms": 1000}
for s in c["cops"]["sessions"]:
    s["pdps"] = ["127.0.0.1:%s" % pdp_port]
c["http"] = {"listen": http, "token": token}
json.dump(c, open(d + "/ctrl.json", "w"), indent=1)
EOF

pids=""
stop() {
	trap - INT TERM
	echo
	echo "stopping vpep-ctrl, vpep-dataplane, vpep-pdp"
	for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	echo "stopped; logs in $dir"
	exit 0
}
trap stop INT TERM

if [ "$(nproc)" -ge 2 ]; then lcores="-l 0-1"; else lcores="--lcores 0@0,1@0"; fi
"$build/ctrl/vpep-pdp" --policy configs/pdp-policy.json --listen "127.0.0.1:$pdp_port" \
	>"$dir/pdp.log" 2>&1 &
pids="$pids $!"
"$build/dataplane/vpep-dataplane" --no-huge -m 1024 --no-shconf --no-pci $lcores \
	--file-prefix "vpep-demo-$$" --log-level=lib.eal:warning --log-level=user1:warning \
	--no-telemetry -- --config "$dir/dataplane.json" --flows 200 \
	--stats-json "$dir/dataplane-stats.json" >"$dir/dataplane.log" 2>&1 &
pids="$pids $!"
"$build/ctrl/vpep-ctrl" --config "$dir/ctrl.json" >"$dir/ctrl.log" 2>&1 &
pids="$pids $!"

echo "vpep demo: the bundled capture loops through vpep-dataplane; vpep-ctrl and vpep-pdp attached"
echo "  dashboard:  http://$http/"
echo "  API:        http://$http/api/v1/stats   metrics: http://$http/metrics"
echo "  writes:     Authorization: Bearer $token"
echo "  logs:       $dir"
echo "Ctrl-C stops everything."
if [ -n "${VPEP_DEMO_SECONDS:-}" ]; then
	sleep "$VPEP_DEMO_SECONDS" &
	wait $! || true
	stop
fi
while :; do
	for p in $pids; do
		if ! kill -0 "$p" 2>/dev/null; then
			echo "a process of the demo exited; see $dir/*.log"
			stop
		fi
	done
	sleep 1 &
	wait $! || true
done
