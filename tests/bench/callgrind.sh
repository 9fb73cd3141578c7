#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
#
# Instructions per packet and per SIP message, with callgrind. Wall-clock rates on a shared
# machine vary a lot from run to run. Instruction counts do not, so they are the measure to
# compare commits by. make bench still gives the ratio.
#
#   tests/bench/callgrind.sh demo   make bench's vpep run (infinite_rx over the demo capture)
#   tests/bench/callgrind.sh fwd    the same with classification.enabled = false
#   tests/bench/callgrind.sh policy the demo run with configs/bench-policy.json: every policy
#                                   stage on (class and call-gate meters that stay green,
#                                   marking, SIP rate limit), so the difference to "demo" is
#                                   what enforcement adds per packet
#   tests/bench/callgrind.sh sip    make bench's SIP loop input read four times, offline
#                                   (deterministic: every run executes the same messages)
#
# Environment: BENCH_BUILD (default build), CG_SECONDS (demo/fwd, default 20), CG_OUT
# (directory for the callgrind files, default a temporary one, removed afterwards).
# Prints the inclusive instruction count of the hot functions divided by the packets received
# (demo, fwd) or by the SIP messages (sip). Needs valgrind (callgrind_annotate).
set -eu
cd "$(dirname "$0")/../.."
mode=${1:-demo}
build=${BENCH_BUILD:-build}
dp=$build/dataplane/vpep-dataplane
secs=${CG_SECONDS:-20}
eal="--no-huge -m 2048 --no-shconf --no-pci -l 0-1 --log-level=lib.eal:warning --no-telemetry"
if [ -n "${CG_OUT:-}" ]; then
	out=$CG_OUT
	mkdir -p "$out"
else
	out=$(mktemp -d /tmp/vpep-cg-XXXXXX)
	trap 'rm -rf "$out"' EXIT
fi
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind missing" >&2; exit 1; }

case "$mode" in
demo | fwd | policy)
	python3 - "$(readlink -f tests/data/demo-voip.pcap)" "$out/conf.json" "$mode" <<'PY'
import json, sys
conf = {"mode": "inline",
        "ports": [{"name": "in", "device": "net_pcap_cg,rx_pcap=%s,infinite_rx=1" % sys.argv[1]},
                  {"name": "out", "device": "net_null_cg,no-rx=1"}],
        "pairs": [["in", "out"]], "mempool": {"mbufs": 65535}}
if sys.argv[3] == "fwd":
    conf["classification"] = {"enabled": False}
if sys.argv[3] == "policy":
    conf["policy"] = json.load(open("configs/bench-policy.json"))["policy"]
json.dump(conf, open(sys.argv[2], "w"))
PY
	args="--config $out/conf.json --duration $secs"
	;;
sip)
	/usr/bin/python3 tests/tools/vpep_gen.py -o "$out/calls.pcap" --calls 300 --duration 60 \
		--cps 10 --transport-mix udp=1 --frag 0 --seed 7 -q
	tshark -r "$out/calls.pcap" -Y "sip && udp" -F pcap -w "$out/sip.pcap" 2>/dev/null
	python3 - "$out/sip.pcap" "$out/sip4x.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
recs, off = [], 24
while off + 16 <= len(d):
    ts, us, incl, orig = struct.unpack("<IIII", d[off:off + 16])
    recs.append((ts, us, d[off + 16:off + 16 + incl], orig))
    off += 16 + incl
span = recs[-1][0] - recs[0][0] + 1
out = bytearray(d[:24])
for r in range(4):  # later copies look like retransmissions to the call table
    for ts, us, data, orig in recs:
        out += struct.pack("<IIII", ts + r * span, us, len(data), orig) + data
open(sys.argv[2], "wb").write(out)
PY
	args="--read $out/sip4x.pcap"
	;;
*)
	echo "usage: callgrind.sh demo|fwd|policy|sip" >&2
	exit 1
	;;
esac

valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" $dp $eal -- $args \
	--stats-json "$out/stats.json" >"$out/log" 2>&1 || { cat "$out/log" >&2; exit 1; }
python3 - "$out/cg.out" "$out/stats.json" "$mode" <<'PY'
import json, re, subprocess, sys
s = json.load(open(sys.argv[2]))
mode = sys.argv[3]
ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", sys.argv[1]],
                     capture_output=True, text=True).stdout
# Call sites ("=> file:function (Nx)") give each function's inclusive cost per caller;
# summed, the function's total.
total = {}
for line in ann.splitlines():
    m = re.match(r"\s*([\d,]+)\s+(?:\([ \d.]+%\)\s+)?=> \S+:([\w.]+) \(([\d,]+)x\)", line)
    if m:
        fn = m.group(2).split(".")[0]
        total[fn] = total.get(fn, 0) + int(m.group(1).replace(",", ""))
if mode == "sip":
    n, unit = s["sip"]["messages"], "SIP message"
    fns = ["process", "sip_worker_datagram", "sip_msg_parse", "handle_message", "sdp_parse",
           "call_table_sip"]
else:
    n, unit = s["rx_packets"], "packet"
    fns = ["process", "pkt_parse", "voip_packet", "voip_burst", "media_flow_packet",
           "rtp_stream_update", "sip_packet", "policy_burst", "flush_port"]
print("%s: %d %ss; rtp_packets %d, sip messages %d" % (mode, n, unit, s["media"]["rtp_packets"],
                                                       s["sip"]["messages"]))
for fn in fns:
    if fn in total:
        print("  %-22s %9.1f instructions per %s" % (fn, total[fn] / n, unit))
rtp = s["media"]["rtp_packets"]
if mode != "sip" and rtp and "rtp_stream_update" in total:
    print("  %-22s %9.1f instructions per RTP packet"
          % ("rtp_stream_update", total["rtp_stream_update"] / rtp))
PY
