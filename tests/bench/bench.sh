#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
#
# make bench: vpep-dataplane against dpdk-testpmd io forwarding, same input, same cores, same
# invocation. Both read a capture through net_pcap with infinite_rx=1 and send to net_null
# (no-rx=1); each is given one forwarding/worker core and the main lcore. Rounds alternate
# the two so that drift on a shared machine hits both; medians are compared.
#
# Environment:
#   BENCH_PCAP     capture to replay (default: tests/data/demo-voip.pcap, bundled)
#   BENCH_SECONDS  length of each run (default 10)
#   BENCH_ROUNDS   runs of each program (default 3)
#   BENCH_LCORES   EAL core list (default 0-1: main lcore 0, one worker on 1)
#   BENCH_CONFIG   extra dataplane configuration merged for vpep's run (optional)
#   BENCH_BUILD    build tree (default build)
#   BENCH_FWD      1 (default): also run vpep with classification off (forwarding only:
#                  parse, reassembly check, flow lookup, forward) in the same rounds
#   BENCH_POLICY   1 (default): also run vpep with every policy stage on
#                  (configs/bench-policy.json: class and gate meters that stay green, DSCP
#                  marking, SIP rate limit) in the same rounds; prints ratio_policy_vs_testpmd
#                  and policy_cost_pct, what policy adds to the full appliance's cycles/packet
#   BENCH_SIP      1 (default): also run the SIP-only loop
#   BENCH_SCRAPE   1: each round also runs vpep with the IPC link and the demo policy twice,
#                  alone and with vpep-ctrl attached (HTTP on) and /metrics scraped every
#                  100 ms; prints both ratios to testpmd (docs/benchmarks.md)
# Prints both rates, vpep's cycles per packet, the per-stage breakdown and flow-table memory,
# ratio_forwarding_only_vs_testpmd=0.NN (with BENCH_FWD=1), the policy and SIP-loop figures,
# and as its last line ratio_vs_testpmd=0.NN (the full appliance: classification, SIP, calls,
# RTP statistics).
set -eu
cd "$(dirname "$0")/../.."
root=$(pwd)
pcap=$(readlink -f "${BENCH_PCAP:-tests/data/demo-voip.pcap}")
secs=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-3}
lcores=${BENCH_LCORES:-0-1}
bdir=${BENCH_BUILD:-build}
build=$bdir
dp=$bdir/dataplane/vpep-dataplane
eal="--no-huge -m 2048 --no-shconf --no-pci -l $lcores --log-level=lib.eal:warning --no-telemetry"
tmp=$(mktemp -d /tmp/vpep-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

case "$pcap" in *,*) echo "bench.sh: the capture path must not contain a comma" >&2; exit 1 ;; esac
[ -r "$pcap" ] || { echo "bench.sh: cannot read $pcap" >&2; exit 1; }
command -v dpdk-testpmd >/dev/null || { echo "bench.sh: dpdk-testpmd missing (apt-get install dpdk-dev)" >&2; exit 1; }

# net_pcap with infinite_rx keeps the whole capture in mbufs of our pool: size it for that.
python3 - "$pcap" "$tmp/bench.json" "${BENCH_CONFIG:-}" "$tmp/fwd.json" "$tmp/policy.json" <<'PY'
import json, struct, sys
pcap, out, extra, fwd_out, pol_out = sys.argv[1:6]

def count(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = "<" if magic[0] in (0xd4, 0x4d) else ">"
        off, n = 24, 0
        while off + 16 <= len(data):
            incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
            off += 16 + incl
            n += 1
        return n
    # pcapng: count enhanced (6) and simple (3) packet blocks
    off, n, end = 0, 0, "<"
    while off + 12 <= len(data):
        btype = struct.unpack(end + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            end = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        blen = struct.unpack(end + "I", data[off + 4:off + 8])[0]
        if blen < 12:
            break
        if btype in (3, 6):
            n += 1
        off += blen
    return n

n = count(pcap)
mbufs = 1
while mbufs - 1 < n + 32768:
    mbufs <<= 1
conf = {
    "mode": "inline",
    "ports": [{"name": "in", "device": "net_pcap_bench,rx_pcap=%s,infinite_rx=1" % pcap},
              {"name": "out", "device": "net_null_bench,no-rx=1"}],
    "pairs": [["in", "out"]],
    "mempool": {"mbufs": mbufs - 1},
}
if extra:
    with open(extra) as f:
        for k, v in json.load(f).items():
            if isinstance(v, dict) and isinstance(conf.get(k), dict):
                conf[k].update(v)
            else:
                conf[k] = v
json.dump(conf, open(out, "w"), indent=2)
# The policy figure: the same with every policy stage on.
pol = dict(conf, policy=json.load(open("configs/bench-policy.json"))["policy"])
json.dump(pol, open(pol_out, "w"), indent=2)
# The foundation figure: the same, forwarding only.
conf.setdefault("classification", {})["enabled"] = False
json.dump(conf, open(fwd_out, "w"), indent=2)
print("capture packets: %d (mempool %d mbufs)" % (n, mbufs - 1))
PY

testpmd_mpps() {
	# io forwarding; average the per-period Rx rate of port 0 after the first period
	timeout -s INT $((secs + 8)) dpdk-testpmd $eal \
		--vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev net_null0,no-rx=1 -- \
		--forward-mode=io --nb-cores=1 --auto-start --stats-period 1 2>/dev/null |
		awk -v n="$secs" '/Rx-pps:/ { if (++i % 2 == 1) { k++; if (k > 1 && k <= n) { s += $2; c++ } } }
			END { if (c) printf "%.3f\n", s / c / 1e6; else print "nan" }'
}

vpep_mpps() {
	$dp $eal -- --config "$tmp/${1:-bench}.json" --duration "$secs" --stats-json "$tmp/s.json" \
		>/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; echo nan; return; }
	python3 -c "import json;s=json.load(open('$tmp/s.json'));print('%.3f'%(s['rx_packets']/s['duration_s']/1e6))"
}

# vpep with "ipc" and the demo policy; with $1 = 1, vpep-ctrl attached and /metrics scraped
# every 100 ms for the whole run (the scrapes made are counted in $tmp/scrapes).
vpep_ipc_mpps() {
	rm -f "$tmp/dp.sock"
	$dp $eal -- --config "$tmp/bench_ipc.json" --duration "$secs" --stats-json "$tmp/si.json" \
		>/dev/null 2>"$tmp/err" &
	dpid=$!
	if [ "$1" = 1 ]; then
		i_w=0
		while [ ! -S "$tmp/dp.sock" ] && [ $i_w -lt 100 ]; do sleep 0.1; i_w=$((i_w + 1)); done
		$bdir/ctrl/vpep-ctrl --config "$tmp/ctrl.json" >/dev/null 2>"$tmp/ctrl.err" &
		cpid=$!
		python3 - "$http_port" "$secs" "$tmp/scrapes" <<'PY' &
import http.client, sys, time
port, secs, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
end, n, t = time.monotonic() + secs, 0, time.monotonic()
while time.monotonic() < end:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", "/metrics")
        if c.getresponse().read().find(b"vpep_rx_packets_total ") >= 0:
            n += 1
        c.close()
    except OSError:
        pass
    t += 0.1
    time.sleep(max(0.0, t - time.monotonic()))
open(out, "w").write("%d\n" % n)
PY
		spid=$!
	fi
	wait $dpid || { cat "$tmp/err" >&2; }
	if [ "$1" = 1 ]; then
		wait $spid
		kill $cpid 2>/dev/null
		wait $cpid 2>/dev/null || true
	fi
	python3 -c "import json;s=json.load(open('$tmp/si.json'));print('%.3f'%(s['rx_packets']/s['duration_s']/1e6))" 2>/dev/null || echo nan
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

scrape=${BENCH_SCRAPE:-0}
if [ "$scrape" = 1 ]; then
	http_port=$(python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")
	python3 - "$tmp" "$root" "$http_port" <<'PY'
import json, sys
tmp, root, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
dp = json.load(open(tmp + "/bench.json"))
dp["policy"] = json.load(open(root + "/configs/demo.json"))["policy"]
dp["ipc"] = {"socket": tmp + "/dp.sock"}
json.dump(dp, open(tmp + "/bench_ipc.json", "w"))
json.dump({"pepid": "bench", "log_level": "warn",
           "ipc": {"socket": tmp + "/dp.sock", "retry_max_ms": 200, "stats_interval_ms": 1000},
           "http": {"listen": "127.0.0.1:%d" % port}, "lpdp": {"default": "admit"}},
          open(tmp + "/ctrl.json", "w"))
PY
fi

echo "capture: $pcap"
echo "cores: EAL -l $lcores (main lcore + 1 forwarding/worker core), $secs s per run, $rounds rounds"
t_all=""
v_all=""
f_all=""
i=1
while [ "$i" -le "$rounds" ]; do
	t=$(testpmd_mpps)
	v=$(vpep_mpps)
	if [ "${BENCH_FWD:-1}" = 1 ]; then
		f=$(vpep_mpps fwd)
		echo "round $i: testpmd $t Mpps, vpep $v Mpps, vpep forwarding only $f Mpps"
		f_all="$f_all $f"
	else
		echo "round $i: testpmd $t Mpps, vpep $v Mpps"
	fi
	t_all="$t_all $t"
	v_all="$v_all $v"
	if [ "${BENCH_POLICY:-1}" = 1 ]; then
		p=$(vpep_mpps policy)
		echo "round $i: vpep with every policy stage on $p Mpps"
		p_all="${p_all:-} $p"
	fi
	if [ "$scrape" = 1 ]; then
		a=$(vpep_ipc_mpps 0)
		b=$(vpep_ipc_mpps 1)
		echo "round $i: vpep+ipc+policy $a Mpps, with vpep-ctrl and /metrics every 100 ms $b Mpps ($(cat "$tmp/scrapes" 2>/dev/null || echo 0) scrapes)"
		a_all="${a_all:-} $a"
		b_all="${b_all:-} $b"
	fi
	i=$((i + 1))
done
t_med=$(echo "$t_all" | median)
v_med=$(echo "$v_all" | median)
f_med=$(echo "$f_all" | median)
p_med=$(echo "${p_all:-}" | median)
hz=$(python3 -c "import json;print(json.load(open('$tmp/s.json'))['tsc_hz'])" 2>/dev/null || echo 0)

echo
echo "stage breakdown (cycles per packet, capture in cache):"
$bdir/tests/bench/bench_stages $eal -- "$pcap" 2 | sed 's/^/  /'
echo
if [ "$scrape" = 1 ]; then
	a_med=$(echo "$a_all" | median)
	b_med=$(echo "$b_all" | median)
	echo "vpep_ipc_policy_mpps=$a_med"
	echo "vpep_ipc_policy_scraped_mpps=$b_med"
	python3 -c "import sys;t=float(sys.argv[1]);print('ratio_ipc_policy_vs_testpmd=%.2f'%(float(sys.argv[2])/t));print('ratio_ipc_policy_scraped_vs_testpmd=%.2f'%(float(sys.argv[3])/t))" "$t_med" "$a_med" "$b_med"
fi
echo "testpmd_io_mpps=$t_med"
echo "vpep_mpps=$v_med"
[ -n "$f_med" ] && echo "vpep_forwarding_only_mpps=$f_med"
[ -n "$p_med" ] && echo "vpep_policy_mpps=$p_med"
figures=$(python3 - "$t_med" "$v_med" "$hz" "${f_med:-0}" "${p_med:-0}" <<'PY'
import sys
t, v, hz, f, p = (float(a) for a in sys.argv[1:6])
if p > 0:
    # per-packet cost is 1/rate: what policy adds, relative to the appliance without it
    print("ratio_policy_vs_testpmd=%.2f" % (p / t))
    print("policy_cost_pct=%.1f" % ((v / p - 1) * 100))
if hz > 0:
    print("vpep_cycles_per_packet=%.0f" % (hz / (v * 1e6)))
    if f > 0:
        print("vpep_forwarding_only_cycles_per_packet=%.0f" % (hz / (f * 1e6)))
    print("testpmd_cycles_per_packet=%.0f" % (hz / (t * 1e6)))
if f > 0:
    print("ratio_forwarding_only_vs_testpmd=%.2f" % (f / t))
print("ratio_vs_testpmd=%.2f" % (v / t))
PY
)
echo "$figures"
ratio_line=$(echo "$figures" | tail -n 1)

# SIP-only loop: the SIP datagrams of generated calls (vpep_gen: 300 calls over UDP, no
# fragments), replayed in a loop through one worker. Every datagram is parsed, counted and
# fed to the call table (the replayed calls then look like retransmissions, which the call
# table still has to find). Reported: SIP messages per second on the one worker core.
if [ "${BENCH_SIP:-1}" = 1 ]; then
	/usr/bin/python3 tests/tools/vpep_gen.py -o "$tmp/calls.pcap" --calls 300 --duration 60 \
		--cps 10 --transport-mix udp=1 --frag 0 --seed 7 -q
	tshark -r "$tmp/calls.pcap" -Y "sip && udp" -F pcap -w "$tmp/sip.pcap" 2>/dev/null
	python3 - "$tmp/sip.pcap" "$tmp/sip.json" <<'PY'
import json, sys
json.dump({"mode": "inline",
           "ports": [{"name": "in", "device": "net_pcap_sip,rx_pcap=%s,infinite_rx=1" % sys.argv[1]},
                     {"name": "out", "device": "net_null_sip,no-rx=1"}],
           "pairs": [["in", "out"]], "mempool": {"mbufs": 65535}}, open(sys.argv[2], "w"))
PY
	s_all=""
	i=1
	while [ "$i" -le "$rounds" ]; do
		$dp $eal -- --config "$tmp/sip.json" --duration "$secs" --stats-json "$tmp/ss.json" \
			>/dev/null 2>"$tmp/err" || cat "$tmp/err" >&2
		s=$(python3 -c "import json;s=json.load(open('$tmp/ss.json'));print('%.3f'%(s['sip']['messages']/s['duration_s']/1e6))")
		echo "SIP round $i: $s M messages/s"
		s_all="$s_all $s"
		i=$((i + 1))
	done
	echo "sip_messages_per_s_per_core=$(echo "$s_all" | median)M"
	# the issue's rule: the last line is the ratio (repeated after the SIP loop's figures)
	echo "$ratio_line"
fi
